// Removes a member cluster's registration (spec §13.3): its service account and RBAC objects in
// the member, the member's KubeFed namespace when nothing else needs it, then the token Secret and
// the KubeFedCluster in the host. Reads first: an unreachable member or a context that points at
// another cluster stops unjoin before it deletes anything, unless --force.
import { KUBEFED_CONFIG_NAME } from '../../apis/constants.ts';
import { kubeFedClustersResource, kubeFedConfigsResource } from '../../apis/resources.ts';
import { ifFound, isNotFound, errorMessage } from '../../kube/errors.ts';
import {
  clusterRoleBindingsResource,
  namespacesResource,
  roleBindingsResource,
  secretsResource,
} from '../../kube/resource.ts';
import type { KubeObject } from '../../json/object.ts';
import { describeTarget, explainClusterError, onCluster } from '../cluster-access.ts';
import type { ClusterTarget } from '../cluster-access.ts';
import { describeObject } from '../names.ts';
import {
  clusterApiEndpoint,
  clusterSecretName,
  foreignRegistrationNamespace,
  roleName,
  serviceAccountName,
} from '../registration.ts';
import type { PlannedObject } from '../registration.ts';
import {
  decideMemberNamespace,
  remainingRegistrations,
  sameEndpoint,
  unjoinMemberObjects,
} from './plan.ts';
import type { NamespaceDecision } from './plan.ts';

export interface UnjoinOptions {
  clusterName: string;
  hostClusterName: string;
  namespace: string;
  host: ClusterTarget;
  /** Absent when its kubeconfig context could not be used (only with force). */
  member: ClusterTarget | undefined;
  force: boolean;
  dryRun: boolean;
  /** One line of output. */
  report: (line: string) => void;
}

export interface UnjoinResult {
  /** What was deleted, or would be in a dry run. */
  deleted: string[];
  /** Problems --force went past. */
  warnings: string[];
}

/** What the reads found in the member, when it can be cleaned up. */
interface MemberState {
  target: ClusterTarget;
  namespace: KubeObject | undefined;
  /**
   * The ClusterRole(Binding) `kubefed-controller-manager:<sa>` of a Cluster-scoped registration
   * has no namespace in its name: it may belong to this cluster's registration with a control
   * plane in another namespace (this value), which must keep it.
   */
  foreignNamespace: string | undefined;
}

/** Collects what unjoin did, for the output and the result. */
class UnjoinLog {
  readonly deleted: string[] = [];
  readonly warnings: string[] = [];
  readonly #options: UnjoinOptions;

  constructor(options: UnjoinOptions) {
    this.#options = options;
  }

  deletedObject(description: string, outcome?: string): void {
    this.deleted.push(description);
    this.#options.report(
      `${description}... ${outcome ?? (this.#options.dryRun ? 'would delete' : 'deleted')}`,
    );
  }

  /** Without --force, stop with `advice`; with it, remember the problem and go on. */
  problem(message: string, advice: string, cause: unknown): void {
    if (!this.#options.force) throw new Error(`${message}. ${advice}`, { cause });
    this.warnings.push(message);
  }
}

const forceAdvice =
  'Fix the cause and run unjoin again, or run it with --force to remove the registration from ' +
  'the host anyway (what join created in the member then stays there)';

export async function unjoinCluster(options: UnjoinOptions): Promise<UnjoinResult> {
  const { host, namespace, clusterName } = options;
  const log = new UnjoinLog(options);
  const registration = await onCluster(host, () =>
    ifFound(host.client.get(kubeFedClustersResource, clusterName, { namespace })),
  );
  const member = await inspectMember(options, registration, log);
  if (member) await cleanUpMember(options, member, registration !== undefined, log);

  if (!registration) {
    const cleaned =
      log.deleted.length > 0
        ? ` (${options.dryRun ? 'would remove' : 'removed'} what an earlier join left in ${member?.target.name ?? 'the member'})`
        : '';
    throw new Error(
      `KubeFedCluster ${namespace}/${clusterName} was not found in the ${describeTarget(host)}: ` +
        `cluster "${clusterName}" is not joined${cleaned}. 'kubefedctl get clusters' lists the joined clusters`,
    );
  }
  await onCluster(host, async () => {
    const secretName = clusterSecretName(registration);
    const hostObjects: PlannedObject[] = [
      ...(secretName !== undefined
        ? [
            {
              ref: secretsResource,
              object: { kind: 'Secret', metadata: { name: secretName, namespace } },
            },
          ]
        : []),
      {
        ref: kubeFedClustersResource,
        object: { kind: 'KubeFedCluster', metadata: { name: clusterName, namespace } },
      },
    ];
    for (const planned of hostObjects) {
      if (await deleteIfExists(host, planned, options.dryRun)) {
        log.deletedObject(`${describeObject(planned.object)} in ${host.name}`);
      }
    }
  });
  return { deleted: log.deleted, warnings: log.warnings };
}

/** Reads from the member; undefined when there is no member to clean up (with --force). */
async function inspectMember(
  options: UnjoinOptions,
  registration: KubeObject | undefined,
  log: UnjoinLog,
): Promise<MemberState | undefined> {
  const { member, namespace, clusterName } = options;
  if (!member) return undefined;
  try {
    const endpoint = registration ? clusterApiEndpoint(registration) : undefined;
    if (endpoint !== undefined && !sameEndpoint(endpoint, member.config.server)) {
      throw new Error(
        `KubeFedCluster ${namespace}/${clusterName} points at ${endpoint}, but kubeconfig context ` +
          `"${member.context}" points at ${member.config.server}; pass the context of that cluster with --cluster-context`,
      );
    }
    const serviceAccount = serviceAccountName(clusterName, options.hostClusterName);
    const [namespaceObject, binding] = await Promise.all([
      ifFound(member.client.get(namespacesResource, namespace)),
      ifFound(member.client.get(clusterRoleBindingsResource, roleName(serviceAccount))),
    ]);
    return {
      target: member,
      namespace: namespaceObject,
      foreignNamespace: binding
        ? foreignRegistrationNamespace(binding, serviceAccount, namespace)
        : undefined,
    };
  } catch (err) {
    const message = errorMessage(explainClusterError(err, member));
    if (!options.force) {
      throw new Error(
        `${message}. To remove the registration from the host anyway, run unjoin again with ` +
          '--force (what join created in the member then stays there)',
        { cause: err },
      );
    }
    log.warnings.push(`skipped the member cluster: ${message}`);
    return undefined;
  }
}

async function cleanUpMember(
  options: UnjoinOptions,
  member: MemberState,
  registered: boolean,
  log: UnjoinLog,
): Promise<void> {
  const { target } = member;
  const sharedRoleName = roleName(serviceAccountName(options.clusterName, options.hostClusterName));
  let found = false;
  for (const planned of unjoinMemberObjects(
    options.clusterName,
    options.hostClusterName,
    options.namespace,
  )) {
    const description = `${describeObject(planned.object)} in ${target.name}`;
    if (
      member.foreignNamespace !== undefined &&
      !planned.ref.namespaced &&
      planned.object.metadata?.name === sharedRoleName
    ) {
      options.report(
        `${description}... not deleted: it belongs to the registration with the control plane ` +
          `in namespace "${member.foreignNamespace}"`,
      );
      continue;
    }
    try {
      if (await deleteIfExists(target, planned, options.dryRun)) {
        found = true;
        log.deletedObject(description);
      }
    } catch (err) {
      const message = errorMessage(explainClusterError(err, target));
      log.problem(`could not delete ${description}: ${message}`, forceAdvice, err);
    }
  }
  if (!found) options.report(`No objects of this registration found in ${target.name}`);
  if (!member.namespace) return;

  const title = `Namespace ${options.namespace} in ${target.name}`;
  try {
    const decision = await decideNamespace(options, member, { registered, found });
    if (!decision.delete) {
      options.report(`${title}... not deleted: ${decision.reason}`);
      return;
    }
    await target.client.delete(namespacesResource, options.namespace, {
      dryRun: options.dryRun,
    });
    log.deletedObject(title, options.dryRun ? undefined : 'deleting (finishes in the background)');
  } catch (err) {
    if (isNotFound(err)) return;
    const message = errorMessage(explainClusterError(err, target));
    log.problem(`could not delete ${title}: ${message}`, forceAdvice, err);
  }
}

async function decideNamespace(
  options: UnjoinOptions,
  member: MemberState,
  facts: { registered: boolean; found: boolean },
): Promise<NamespaceDecision> {
  const { namespace, host } = options;
  const { client } = member.target;
  const [hostNamespace, clusterBindings, roleBindings, kubefedConfig] = await Promise.all([
    onCluster(host, () => ifFound(host.client.get(namespacesResource, namespace))),
    client.list(clusterRoleBindingsResource),
    client.list(roleBindingsResource, { namespace }),
    // Also 404 when the member has no KubeFed CRDs at all.
    ifFound(client.get(kubeFedConfigsResource, KUBEFED_CONFIG_NAME, { namespace })),
  ]);
  // In a dry run, this registration's own bindings are still there.
  const own = new Set(
    unjoinMemberObjects(options.clusterName, options.hostClusterName, namespace).map(
      (p) => `${p.object.kind ?? ''} ${p.object.metadata?.name ?? ''}`,
    ),
  );
  const withKind = (items: KubeObject[], kind: string): KubeObject[] =>
    items.map((item) => ({ ...item, kind }));
  const others = remainingRegistrations(
    [
      ...withKind(clusterBindings.items, 'ClusterRoleBinding'),
      ...withKind(roleBindings.items, 'RoleBinding'),
    ],
    namespace,
  ).filter((name) => !own.has(name));
  return decideMemberNamespace({
    namespace,
    memberNamespace: member.namespace,
    hostNamespace,
    registered: facts.registered,
    foundRegistrationObjects: facts.found,
    otherRegistrations: others,
    memberHasKubeFedConfig: kubefedConfig !== undefined,
  });
}

/** Delete (or in a dry run, look up) one object; false when it was not there. */
async function deleteIfExists(
  target: ClusterTarget,
  planned: PlannedObject,
  dryRun: boolean,
): Promise<boolean> {
  const name = planned.object.metadata?.name ?? '';
  const namespace = planned.ref.namespaced ? planned.object.metadata?.namespace : undefined;
  try {
    if (dryRun) {
      await target.client.get(planned.ref, name, { namespace });
    } else {
      await target.client.delete(planned.ref, name, { namespace });
    }
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}
