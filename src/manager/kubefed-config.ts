// Loading the KubeFedConfig at start-up (spec §3.3): from --kubefed-config or the host cluster,
// defaulted as the mutating webhook would and validated as the validating webhook does. An
// invalid config stops the process with the reasons; a valid one is logged with the exact line
// KubeFed's e2e tests look for.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { KUBEFED_CONFIG_NAME, ResourceLock, ResourceScope } from '../apis/constants.ts';
import { parseGoDuration } from '../apis/duration.ts';
import {
  applyKubeFedConfigDefaults,
  defaultKubeFedConfig,
  validateKubeFedConfig,
} from '../apis/kubefedconfig.ts';
import { kubeFedConfigsResource } from '../apis/resources.ts';
import type { KubeFedConfig } from '../apis/types.ts';
import type { KubeClient } from '../kube/client.ts';
import { isNotFound } from '../kube/errors.ts';
import type { Logger } from '../runtime/logger.ts';

export async function loadKubeFedConfig(opts: {
  host: KubeClient;
  namespace: string;
  file?: string | undefined;
  env: NodeJS.ProcessEnv;
  logger: Logger;
}): Promise<KubeFedConfig> {
  const { host, namespace, logger } = opts;
  const envScope = opts.env['DEFAULT_KUBEFED_SCOPE'];
  if (
    envScope !== undefined &&
    envScope !== ResourceScope.Cluster &&
    envScope !== ResourceScope.Namespaced
  ) {
    throw new Error(`DEFAULT_KUBEFED_SCOPE must be Cluster or Namespaced, got "${envScope}"`);
  }
  let config: KubeFedConfig;
  if (opts.file !== undefined) {
    config = parse(readFileSync(opts.file, 'utf8')) as KubeFedConfig;
    config.metadata = { ...config.metadata, namespace };
  } else {
    try {
      config = (await host.get(kubeFedConfigsResource, KUBEFED_CONFIG_NAME, {
        namespace,
      })) as KubeFedConfig;
    } catch (error) {
      if (!isNotFound(error)) throw error;
      // Without the admission webhook nobody else defaults it: create the defaulted config.
      logger.info(`Creating KubeFedConfig "${namespace}/${KUBEFED_CONFIG_NAME}" with defaults`);
      config = (await host.create(
        kubeFedConfigsResource,
        defaultKubeFedConfig(namespace, envScope ?? ResourceScope.Cluster),
      )) as KubeFedConfig;
    }
    const scope = config.spec.scope as string | undefined;
    if (envScope !== undefined && scope !== envScope) {
      if (scope) {
        // scope is immutable: replace the object.
        await host.delete(kubeFedConfigsResource, KUBEFED_CONFIG_NAME, { namespace });
      }
      const replaced = structuredClone(config);
      replaced.spec.scope = envScope;
      delete replaced.metadata?.resourceVersion;
      delete replaced.metadata?.uid;
      config = (await host.create(kubeFedConfigsResource, replaced)) as KubeFedConfig;
    }
  }
  const defaulted = applyKubeFedConfigDefaults(config);
  const errors = validateKubeFedConfig(defaulted);
  const qualified = `${namespace}/${config.metadata?.name ?? KUBEFED_CONFIG_NAME}`;
  if (errors.length > 0)
    throw new Error(`invalid KubeFedConfig "${qualified}": ${errors.join('; ')}`);
  logger.info(`Using valid KubeFedConfig "${qualified}"`);
  return defaulted;
}

/** The parts of a (defaulted, valid) KubeFedConfig the runtime uses, durations in ms. */
export interface RuntimeConfig {
  scope: ResourceScope;
  clusterAvailableDelayMs: number;
  clusterUnavailableDelayMs: number;
  cacheSyncTimeoutMs: number;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  resourceLock: ResourceLock;
  healthCheck: {
    periodMs: number;
    timeoutMs: number;
    failureThreshold: number;
    successThreshold: number;
  };
  syncMaxConcurrentReconciles: number;
  skipAdoptingResources: boolean;
  statusMaxConcurrentReconciles: number;
  featureGates: Map<string, boolean>;
}

export function runtimeConfig(config: KubeFedConfig): RuntimeConfig {
  const spec = config.spec;
  const d = (text: string | undefined): number => parseGoDuration(text ?? '0s');
  return {
    scope: spec.scope,
    clusterAvailableDelayMs: d(spec.controllerDuration?.availableDelay),
    clusterUnavailableDelayMs: d(spec.controllerDuration?.unavailableDelay),
    cacheSyncTimeoutMs: d(spec.controllerDuration?.cacheSyncTimeout),
    leaseDurationMs: d(spec.leaderElect?.leaseDuration),
    renewDeadlineMs: d(spec.leaderElect?.renewDeadline),
    retryPeriodMs: d(spec.leaderElect?.retryPeriod),
    resourceLock: spec.leaderElect?.resourceLock ?? ResourceLock.ConfigMaps,
    healthCheck: {
      periodMs: d(spec.clusterHealthCheck?.period),
      timeoutMs: d(spec.clusterHealthCheck?.timeout),
      failureThreshold: spec.clusterHealthCheck?.failureThreshold ?? 3,
      successThreshold: spec.clusterHealthCheck?.successThreshold ?? 1,
    },
    syncMaxConcurrentReconciles: spec.syncController?.maxConcurrentReconciles ?? 1,
    skipAdoptingResources: spec.syncController?.adoptResources === 'Disabled',
    statusMaxConcurrentReconciles: spec.statusController?.maxConcurrentReconciles ?? 1,
    featureGates: new Map(
      (spec.featureGates ?? []).map((g) => [g.name, g.configuration === 'Enabled']),
    ),
  };
}
