// Registers a member cluster with a KubeFed host (spec §13.2): every check is a read done before
// the first write, and a failure midway deletes what this invocation created.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CLUSTER_SECRET_CA_KEY,
  CLUSTER_SECRET_TOKEN_KEY,
  KUBEFED_CONFIG_NAME,
  ResourceScope,
} from '../../apis/constants.ts';
import {
  federatedTypeConfigsResource,
  kubeFedClustersResource,
  kubeFedConfigsResource,
} from '../../apis/resources.ts';
import { ifFound, isAlreadyExists, isNotFound, errorMessage } from '../../kube/errors.ts';
import { secretsResource } from '../../kube/resource.ts';
import type { ResourceRef } from '../../kube/resource.ts';
import { isJsonObject, type KubeObject } from '../../json/object.ts';
import { describeTarget, onCluster } from '../cluster-access.ts';
import type { ClusterTarget } from '../cluster-access.ts';
import { describeObject } from '../names.ts';
import type { Progress } from '../progress.ts';
import { clusterSecretName, foreignRegistrationNamespace } from '../registration.ts';
import type { PlannedObject } from '../registration.ts';
import {
  caBundleFor,
  hostSecret,
  kubeFedCluster,
  memberObjects,
  planJoin,
  reconcileExisting,
  sameClusterSpec,
  targetTypesOf,
} from './plan.ts';
import type { JoinPlan, MemberEndpoint, RbacMode, TargetType } from './plan.ts';

export interface JoinOptions {
  clusterName: string;
  host: ClusterTarget;
  member: ClusterTarget;
  hostClusterName: string;
  namespace: string;
  /** Name of the host Secret; generated (`<cluster>-xxxxx`) when absent. */
  secretName?: string | undefined;
  errorOnExisting: boolean;
  rbac: RbacMode;
  dryRun: boolean;
  progress: Progress;
  /** How long the member's token controller gets to fill the token Secret. Default 30 s. */
  tokenTimeoutMs?: number;
  pollIntervalMs?: number;
  /** How long to wait for a terminating member namespace to go away. Default 90 s. */
  namespaceTimeoutMs?: number;
  /** Annotations of the KubeFedCluster (the cluster's region and zones). */
  clusterAnnotations?: Record<string, string> | undefined;
}

export interface JoinResult {
  scope: ResourceScope;
  plan: JoinPlan;
  /** Host objects: the token Secret (no data in a dry run) and the KubeFedCluster. */
  hostObjects: KubeObject[];
  /** Member objects that already existed and were kept or updated (errorOnExisting false). */
  existing: string[];
  /** Whether the member's KubeFed namespace existed before (the host's own, for one). */
  memberNamespaceExisted: boolean;
}

/** What the reads before any write found. */
interface Preflight {
  scope: ResourceScope;
  plan: JoinPlan;
  memberNamespaceExists: boolean;
  /** Member objects of the plan that exist already, keyed by `describeObject`. */
  existingMember: Map<string, KubeObject>;
  existingCluster: KubeObject | undefined;
  /** The host Secret join would write, when it has a known name and exists. */
  existingHostSecret: KubeObject | undefined;
  hostSecretName: string | undefined;
}

/** An object this invocation created, to delete again if a later step fails. */
interface CreatedObject {
  target: ClusterTarget;
  ref: ResourceRef;
  name: string;
  namespace: string | undefined;
  description: string;
}

export async function joinCluster(options: JoinOptions): Promise<JoinResult> {
  const progress = options.progress;
  const preflight = await runPreflight(options);
  const { plan } = preflight;
  const endpoint = memberEndpoint(options.member);

  if (options.dryRun) {
    return {
      scope: preflight.scope,
      plan,
      hostObjects: [
        hostSecret({
          clusterName: options.clusterName,
          namespace: options.namespace,
          name: preflight.hostSecretName,
        }),
        kubeFedCluster({
          clusterName: options.clusterName,
          namespace: options.namespace,
          endpoint,
          secretName: preflight.hostSecretName ?? `${options.clusterName}-<generated>`,
          caBundle: caBundleFor(endpoint, undefined),
          annotations: options.clusterAnnotations,
        }),
      ],
      existing: [...preflight.existingMember.keys()],
      memberNamespaceExisted: preflight.memberNamespaceExists,
    };
  }

  const created: CreatedObject[] = [];
  try {
    const { member, host } = options;
    if (!preflight.memberNamespaceExists) {
      await writeStep(progress, member, plan.namespace.object, async () => {
        try {
          await member.client.create(plan.namespace.ref, plan.namespace.object);
          created.push(createdObject(member, plan.namespace, plan.namespace.object));
          return 'created';
        } catch (err) {
          if (isAlreadyExists(err)) return 'exists';
          throw err;
        }
      });
    }
    for (const planned of memberObjects(plan).slice(1)) {
      await writeStep(progress, member, planned.object, () =>
        ensureMemberObject(member, planned, preflight, options.errorOnExisting, created),
      );
    }

    const tokenSecret = await waitForToken(options, plan);
    const data = tokenSecret['data'] as Record<string, string>;
    const token = data[CLUSTER_SECRET_TOKEN_KEY] ?? '';

    const secretName = await ensureHostSecret(options, preflight, token, created);
    const cluster = kubeFedCluster({
      clusterName: options.clusterName,
      namespace: options.namespace,
      endpoint,
      secretName,
      caBundle: caBundleFor(endpoint, data[CLUSTER_SECRET_CA_KEY]),
      annotations: options.clusterAnnotations,
    });
    await writeStep(progress, host, cluster, async () => {
      if (preflight.existingCluster) {
        if (sameClusterSpec(preflight.existingCluster, cluster)) return 'exists, unchanged';
        // null removes a caBundle or TLS exception the new registration no longer has.
        const spec = cluster.spec as Record<string, unknown>;
        const annotations = cluster.metadata?.annotations;
        const patch = {
          ...(annotations ? { metadata: { annotations } } : {}),
          spec: { caBundle: null, disabledTLSValidations: null, ...spec },
        };
        await host.client.patch(kubeFedClustersResource, options.clusterName, patch, {
          type: 'merge',
          namespace: options.namespace,
        });
        return 'updated';
      }
      await host.client.create(kubeFedClustersResource, cluster);
      created.push(createdObject(host, { ref: kubeFedClustersResource, object: cluster }, cluster));
      return 'created';
    });

    return {
      scope: preflight.scope,
      plan,
      hostObjects: [
        hostSecret({
          clusterName: options.clusterName,
          namespace: options.namespace,
          name: secretName,
        }),
        cluster,
      ],
      existing: [...preflight.existingMember.keys()],
      memberNamespaceExisted: preflight.memberNamespaceExists,
    };
  } catch (err) {
    const message = errorMessage(err);
    const rollback = await rollBack(created);
    throw new Error(`join of cluster "${options.clusterName}" failed: ${message}. ${rollback}`, {
      cause: err,
    });
  }
}

// --- Preflight ---------------------------------------------------------------------------------

async function runPreflight(options: JoinOptions): Promise<Preflight> {
  const { host, member, namespace, clusterName, progress } = options;

  let done = progress.begin(`Checking ${describeTarget(host)} (${host.client.server})`);
  const { scope, existingCluster, targetTypes } = await onCluster(host, async () => {
    const scope = await readScope(host, namespace);
    const existingCluster = await ifFound(
      host.client.get(kubeFedClustersResource, clusterName, { namespace }),
    );
    const targetTypes: TargetType[] =
      options.rbac === 'least-privilege'
        ? targetTypesOf((await host.client.list(federatedTypeConfigsResource, { namespace })).items)
        : [];
    return { scope, existingCluster, targetTypes };
  });
  done(`KubeFed control plane found (scope ${scope})`);

  const plan = planJoin({
    clusterName,
    hostClusterName: options.hostClusterName,
    namespace,
    scope,
    rbac: options.rbac,
    targetTypes,
  });

  // Without --secret-name, an update keeps the Secret the registration already uses.
  const hostSecretName =
    options.secretName ??
    (!options.errorOnExisting && existingCluster ? clusterSecretName(existingCluster) : undefined);
  const existingHostSecret =
    hostSecretName === undefined
      ? undefined
      : await onCluster(host, () =>
          ifFound(host.client.get(secretsResource, hostSecretName, { namespace })),
        );

  done = progress.begin(`Checking ${describeTarget(member)} (${member.client.server})`);
  let namespaceObject = await onCluster(member, () =>
    ifFound(member.client.get(plan.namespace.ref, namespace)),
  );
  done('reachable');
  if (isTerminating(namespaceObject)) {
    namespaceObject = await onCluster(member, () => waitWhileTerminating(options, plan));
  }
  const existingMember = new Map<string, KubeObject>();
  const found = await onCluster(member, () =>
    Promise.all(
      memberObjects(plan)
        .slice(1)
        .map(async (planned) => ({
          planned,
          existing: await ifFound(
            member.client.get(planned.ref, planned.object.metadata?.name ?? '', {
              namespace: planned.object.metadata?.namespace,
            }),
          ),
        })),
    ),
  );
  for (const { planned, existing } of found) {
    if (!existing) continue;
    existingMember.set(describeObject(planned.object), existing);
    const other =
      planned.object.kind === 'ClusterRoleBinding'
        ? foreignRegistrationNamespace(existing, plan.serviceAccountName, namespace)
        : undefined;
    if (other !== undefined) {
      throw new Error(
        `${describeObject(existing)} in the ${describeTarget(member)} belongs to the registration ` +
          `of this cluster with a control plane in namespace "${other}"; to join it to a second ` +
          'control plane, give this host another name with --host-cluster-name',
      );
    }
  }

  if (options.errorOnExisting) {
    const inHost = [
      ...(existingCluster ? [`KubeFedCluster ${namespace}/${clusterName}`] : []),
      ...(existingHostSecret ? [describeObject(existingHostSecret)] : []),
    ];
    const inMember = [...existingMember.keys()];
    if (existingHostSecret && !existingCluster && inMember.length === 0) {
      throw new Error(
        `${describeObject(existingHostSecret)} already exists in the ${describeTarget(host)}; ` +
          'choose another --secret-name, or leave it out to have one generated',
      );
    }
    if (inHost.length + inMember.length > 0) {
      const where = [
        ...(inHost.length > 0 ? [`in the ${describeTarget(host)}: ${inHost.join(', ')}`] : []),
        ...(inMember.length > 0
          ? [`in the ${describeTarget(member)}: ${inMember.join(', ')}`]
          : []),
      ];
      throw new Error(
        `cluster "${clusterName}" is already ${existingCluster ? 'joined' : 'partly joined'} ` +
          `(${where.join('; ')}). Run 'kubefedctl unjoin ${clusterName}' with the same flags first, ` +
          'or join with --error-on-existing=false to update the existing registration',
      );
    }
  }

  return {
    scope,
    plan,
    memberNamespaceExists: namespaceObject !== undefined,
    existingMember,
    existingCluster,
    existingHostSecret,
    hostSecretName,
  };
}

async function readScope(host: ClusterTarget, namespace: string): Promise<ResourceScope> {
  let config: KubeObject;
  try {
    config = await host.client.get(kubeFedConfigsResource, KUBEFED_CONFIG_NAME, { namespace });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    throw new Error(
      `A KubeFedConfig named "${KUBEFED_CONFIG_NAME}" was not found in namespace "${namespace}" of ` +
        `the ${describeTarget(host)}. Is a KubeFed control plane running in this namespace? ` +
        `Install one with 'kubefedctl init --host-cluster-context ${host.context} --kubefed-namespace ${namespace}', ` +
        'or pass the right --kubefed-namespace',
      { cause: err },
    );
  }
  const spec = config['spec'];
  const scope = isJsonObject(spec) ? spec['scope'] : undefined;
  if (scope !== ResourceScope.Cluster && scope !== ResourceScope.Namespaced) {
    throw new Error(
      `KubeFedConfig ${namespace}/${KUBEFED_CONFIG_NAME} on the ${describeTarget(host)} has no valid ` +
        `spec.scope (${JSON.stringify(scope)}); fix it or run 'kubefedctl init' again`,
    );
  }
  return scope;
}

/**
 * Wait for a terminating member namespace (an unjoin moments ago) to go: nothing can be created
 * in it. Returns the namespace if it is somehow active again, else undefined.
 */
async function waitWhileTerminating(
  options: JoinOptions,
  plan: JoinPlan,
): Promise<KubeObject | undefined> {
  const { member, namespace } = options;
  const deadline = Date.now() + (options.namespaceTimeoutMs ?? 90_000);
  const waiting = options.progress.begin(
    `Waiting for namespace ${namespace} on ${member.name} to finish terminating`,
  );
  for (;;) {
    await sleep(options.pollIntervalMs ?? 1000);
    const current = await ifFound(member.client.get(plan.namespace.ref, namespace));
    if (!isTerminating(current)) {
      waiting(current ? 'active again' : 'gone');
      return current;
    }
    if (Date.now() >= deadline) {
      waiting('timed out');
      throw new Error(
        `namespace ${namespace} on the ${describeTarget(member)} is still being deleted; ` +
          'wait until it is gone, then run join again',
      );
    }
  }
}

function isTerminating(namespace: KubeObject | undefined): boolean {
  const status = namespace?.['status'];
  return isJsonObject(status) && status['phase'] === 'Terminating';
}

// --- Writes ------------------------------------------------------------------------------------

async function writeStep(
  progress: Progress,
  target: ClusterTarget,
  obj: KubeObject,
  write: () => Promise<string>,
): Promise<void> {
  const done = progress.begin(`${describeObject(obj)} in ${target.name}`);
  done(await onCluster(target, write));
}

async function ensureMemberObject(
  member: ClusterTarget,
  planned: PlannedObject,
  preflight: Preflight,
  errorOnExisting: boolean,
  created: CreatedObject[],
): Promise<string> {
  const description = describeObject(planned.object);
  let existing = preflight.existingMember.get(description);
  if (!existing) {
    try {
      const result = await member.client.create(planned.ref, planned.object);
      created.push(createdObject(member, planned, result));
      return 'created';
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      if (errorOnExisting) {
        throw new Error(
          `${description} was created on the ${describeTarget(member)} by someone else while join ran (already exists)`,
          { cause: err },
        );
      }
      existing = await member.client.get(planned.ref, planned.object.metadata?.name ?? '', {
        namespace: planned.object.metadata?.namespace,
      });
    }
  }
  const decision = reconcileExisting(planned.object, existing);
  switch (decision.action) {
    case 'keep':
      return 'exists, unchanged';
    case 'update':
      await member.client.update(planned.ref, decision.object);
      return 'exists, updated';
    case 'recreate':
      await member.client.delete(planned.ref, planned.object.metadata?.name ?? '', {
        namespace: planned.object.metadata?.namespace,
      });
      await member.client.create(planned.ref, planned.object);
      return 'exists, re-created (its roleRef changed)';
  }
}

/** Poll the member token Secret until its token controller has filled `data.token`. */
async function waitForToken(options: JoinOptions, plan: JoinPlan): Promise<KubeObject> {
  const { member, namespace } = options;
  const done = options.progress.begin(`Waiting for the service account token of ${member.name}`);
  const started = Date.now();
  const timeoutMs = options.tokenTimeoutMs ?? 30_000;
  for (;;) {
    const secret = await onCluster(member, () =>
      member.client.get(secretsResource, plan.serviceAccountName, { namespace }),
    );
    const data = secret['data'];
    if (
      isJsonObject(data) &&
      typeof data[CLUSTER_SECRET_TOKEN_KEY] === 'string' &&
      data[CLUSTER_SECRET_TOKEN_KEY] !== ''
    ) {
      done(`done (${((Date.now() - started) / 1000).toFixed(1)}s)`);
      return secret;
    }
    if (Date.now() - started >= timeoutMs) {
      done('timed out');
      throw new Error(
        `Secret ${namespace}/${plan.serviceAccountName} on the ${describeTarget(member)} got no ` +
          `token within ${timeoutMs / 1000}s; is kube-controller-manager (its token controller) running there?`,
      );
    }
    await sleep(options.pollIntervalMs ?? 1000);
  }
}

/** The host Secret with the member token; returns its name. */
async function ensureHostSecret(
  options: JoinOptions,
  preflight: Preflight,
  token: string,
  created: CreatedObject[],
): Promise<string> {
  const { host, clusterName, namespace } = options;
  const name = preflight.hostSecretName;
  const desired = hostSecret({ clusterName, namespace, name, token });
  const done = options.progress.begin(`${describeObject(desired)} in ${host.name}`);
  const existing = preflight.existingHostSecret;
  const outcome = await onCluster(host, async () => {
    if (existing && name !== undefined) {
      const data = existing['data'];
      if (isJsonObject(data) && data[CLUSTER_SECRET_TOKEN_KEY] === token) {
        return { name, outcome: 'exists, unchanged' };
      }
      await host.client.update(secretsResource, {
        ...existing,
        data: { ...(isJsonObject(data) ? data : {}), [CLUSTER_SECRET_TOKEN_KEY]: token },
      });
      return { name, outcome: 'exists, token updated' };
    }
    const result = await host.client.create(secretsResource, desired);
    created.push(createdObject(host, { ref: secretsResource, object: desired }, result));
    const createdName = result.metadata?.name ?? name ?? '';
    return {
      name: createdName,
      outcome: name === undefined ? `created as ${createdName}` : 'created',
    };
  });
  done(outcome.outcome);
  return outcome.name;
}

// --- Rollback ----------------------------------------------------------------------------------

function createdObject(
  target: ClusterTarget,
  planned: PlannedObject,
  result: KubeObject,
): CreatedObject {
  const name = result.metadata?.name ?? planned.object.metadata?.name ?? '';
  const namespace = planned.ref.namespaced
    ? (result.metadata?.namespace ?? planned.object.metadata?.namespace)
    : undefined;
  return {
    target,
    ref: planned.ref,
    name,
    namespace,
    description: `${planned.object.kind ?? 'object'} ${namespace ? `${namespace}/` : ''}${name} in ${target.name}`,
  };
}

/** Best effort, newest first; returns a sentence for the user. */
async function rollBack(created: CreatedObject[]): Promise<string> {
  if (created.length === 0) return 'Nothing had been created, so nothing was rolled back.';
  const deleted: string[] = [];
  const failed: string[] = [];
  for (const obj of [...created].reverse()) {
    try {
      await obj.target.client.delete(obj.ref, obj.name, { namespace: obj.namespace });
      deleted.push(obj.description);
    } catch (err) {
      if (isNotFound(err)) {
        deleted.push(obj.description);
        continue;
      }
      failed.push(`${obj.description} (${errorMessage(err)})`);
    }
  }
  let text =
    deleted.length > 0
      ? `Rolled back what this join had created: deleted ${deleted.join(', ')}.`
      : '';
  if (failed.length > 0) {
    text +=
      `${text ? ' ' : ''}Could not delete ${failed.join(', ')}; delete ${failed.length === 1 ? 'it' : 'them'} by hand ` +
      "or run 'kubefedctl unjoin' with the same flags.";
  }
  return text;
}

// --- Helpers -----------------------------------------------------------------------------------

function memberEndpoint(member: ClusterTarget): MemberEndpoint {
  const { config } = member;
  return {
    server: config.server,
    caData: config.caData,
    insecureSkipTLSVerify: config.insecureSkipTLSVerify,
    proxyUrl: config.proxyUrl,
  };
}
