// Installs KubeFed's CRDs, system namespace and KubeFedConfig into a host cluster, idempotently.
// Callable from tests and other tools as well as from `kubefedctl init`.
import { setTimeout as sleep } from 'node:timers/promises';
import { KUBEFED_CONFIG_NAME } from '../../apis/constants.ts';
import type { ResourceScope } from '../../apis/constants.ts';
import { kubeFedConfigsResource } from '../../apis/resources.ts';
import type { KubeClient } from '../../kube/client.ts';
import { ifFound, isAlreadyExists, isNotFound } from '../../kube/errors.ts';
import { customResourceDefinitionsResource, namespacesResource } from '../../kube/resource.ts';
import { waitForEstablished } from '../crd-readiness.ts';
import { silentProgress } from '../progress.ts';
import type { Progress } from '../progress.ts';
import { decideKubeFedConfig, planInstall } from './plan.ts';
import { isJsonObject, type KubeObject } from '../../json/object.ts';

export interface InstallOptions {
  namespace: string;
  /** Scope of a new KubeFedConfig (default Cluster); must match an existing one when given. */
  scope?: ResourceScope | undefined;
  fieldManager?: string;
  /** How long to wait for the CRDs to be Established. Default 60 s. */
  crdEstablishTimeoutMs?: number;
  pollIntervalMs?: number;
  progress?: Progress;
  signal?: AbortSignal;
}

export type ObjectResult = 'created' | 'unchanged';

export interface InstallSummary {
  namespace: string;
  /** The scope the control plane runs with (the existing KubeFedConfig's, if there was one). */
  scope: ResourceScope;
  /** Names of the CRDs applied. */
  crds: string[];
  namespaceResult: ObjectResult;
  kubefedConfigResult: ObjectResult;
}

export async function installKubeFed(
  client: KubeClient,
  options: InstallOptions,
): Promise<InstallSummary> {
  const { namespace, signal } = options;
  const progress = options.progress ?? silentProgress;
  const fieldManager = options.fieldManager ?? 'kubefedctl';

  // Refuse a scope change before writing anything.
  const existingConfig = await ifFound(
    client.get(kubeFedConfigsResource, KUBEFED_CONFIG_NAME, { namespace, signal }),
  );
  const decision = decideKubeFedConfig(existingConfig, options.scope, namespace);
  const plan = planInstall({ namespace, scope: decision.scope });

  let done = progress.begin('Installing CRDs');
  // Forced server-side apply: init is the authority on these definitions, whoever (Helm, an
  // older init) wrote them before.
  await Promise.all(
    plan.crds.map((crd) =>
      client.apply(customResourceDefinitionsResource, crd, { fieldManager, force: true, signal }),
    ),
  );
  const crdNames = plan.crds.map((crd) => crd.metadata?.name ?? '');
  await waitForEstablished(client, crdNames, {
    timeoutMs: options.crdEstablishTimeoutMs ?? 60_000,
    pollIntervalMs: options.pollIntervalMs ?? 250,
    signal,
  });
  client.discovery.invalidate();
  done(`done (${crdNames.length})`);

  done = progress.begin(`Namespace ${namespace}`);
  const namespaceResult = await ensureNamespace(client, plan.namespaceObject, signal);
  done(namespaceResult);

  done = progress.begin(`KubeFedConfig ${namespace}/${KUBEFED_CONFIG_NAME}`);
  let kubefedConfigResult: ObjectResult = 'unchanged';
  if (decision.action === 'create') {
    kubefedConfigResult = await createKubeFedConfig(client, plan.kubefedConfig, options);
  }
  done(
    kubefedConfigResult === 'created'
      ? `created (scope ${decision.scope})`
      : `unchanged (kept the existing config, scope ${decision.scope})`,
  );

  return {
    namespace,
    scope: decision.scope,
    crds: crdNames,
    namespaceResult,
    kubefedConfigResult,
  };
}

async function ensureNamespace(
  client: KubeClient,
  namespaceObject: KubeObject,
  signal: AbortSignal | undefined,
): Promise<ObjectResult> {
  const name = namespaceObject.metadata?.name ?? '';
  const existing = await ifFound(client.get(namespacesResource, name, { signal }));
  if (existing) {
    const status = existing['status'];
    if (isJsonObject(status) && status['phase'] === 'Terminating') {
      throw new Error(
        `namespace ${name} is being deleted; wait until it is gone, then run init again`,
      );
    }
    return 'unchanged';
  }
  try {
    await client.create(namespacesResource, namespaceObject, { signal });
    return 'created';
  } catch (err) {
    if (isAlreadyExists(err)) return 'unchanged';
    throw err;
  }
}

async function createKubeFedConfig(
  client: KubeClient,
  config: KubeObject,
  options: InstallOptions,
): Promise<ObjectResult> {
  // A just-Established CRD may not be served by every API server replica yet: retry NotFound briefly.
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await client.create(kubeFedConfigsResource, config, { signal: options.signal });
      return 'created';
    } catch (err) {
      if (isAlreadyExists(err)) {
        // Created concurrently: the same rules as for one found up front.
        const existing = await client.get(kubeFedConfigsResource, KUBEFED_CONFIG_NAME, {
          namespace: options.namespace,
          signal: options.signal,
        });
        decideKubeFedConfig(existing, options.scope, options.namespace);
        return 'unchanged';
      }
      if (!isNotFound(err) || Date.now() >= deadline) throw err;
      await sleep(options.pollIntervalMs ?? 250, undefined, { signal: options.signal });
    }
  }
}
