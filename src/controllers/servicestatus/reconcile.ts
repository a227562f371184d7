// One pass of the legacy status controller (spec §8.1) for one federated Service: read the
// caches, let the pure core decide (`federation/status/service-status.ts`), write at most once.
// Reads come from caches only, so a pass with nothing new costs no request.
import type { FederatedServiceStatus } from '../../apis/types.ts';
import {
  desiredClusterStatus,
  planServiceStatusWrite,
  type MemberServiceObservation,
  type TypeIdentity,
} from '../../federation/status/service-status.ts';
import type { KubeClient } from '../../kube/client.ts';
import { isAlreadyExists, isCancelled, isConflict } from '../../kube/errors.ts';
import type { Informer } from '../../kube/informer.ts';
import type { ResourceRef } from '../../kube/resource.ts';
import type { FederatedInformer } from '../../multicluster/federated-informer.ts';
import type { Logger } from '../../runtime/logger.ts';
import type { KubeFedMetrics } from '../../runtime/metrics.ts';
import { ReconcileResult, requeueAfter } from '../../runtime/reconcile-worker.ts';

/** What a pass reads and writes through; built once by `startServiceStatusController`. */
export interface ServiceStatusContext {
  host: Pick<KubeClient, 'create' | 'update'>;
  /** The status type on the host (FederatedServiceStatus). */
  statusResource: ResourceRef;
  federatedType: TypeIdentity;
  statusType: TypeIdentity;
  /** Federated Services on the host. */
  federated: Pick<Informer, 'hasSynced' | 'get'>;
  /** Status objects on the host. */
  statuses: Pick<Informer, 'hasSynced' | 'get'>;
  /** Managed member Services of every ready cluster. */
  members: Pick<FederatedInformer, 'hasSynced' | 'pendingClusters' | 'clusters' | 'cache'>;
  logger: Logger;
  metrics: Pick<KubeFedMetrics, 'controllerReconcileDuration'>;
}

/** After a conflict or a create that raced our cache: soon, once the watch has the newer copy. */
const STALE_CACHE_REQUEUE_MS = 200;

/** `controller` label of controller_runtime_reconcile_duration_seconds, as KubeFed's. */
const DURATION_LABEL = { controller: 'statuscontroller' };

/** `key` is the federated Service's `ns/name`; the status object and member Services share it. */
export async function reconcileServiceStatus(
  ctx: ServiceStatusContext,
  key: string,
  signal: AbortSignal,
): Promise<ReconcileResult> {
  const started = performance.now();
  try {
    return await reconcile(ctx, key, signal);
  } finally {
    ctx.metrics.controllerReconcileDuration
      .labels(DURATION_LABEL)
      .observe((performance.now() - started) / 1000);
  }
}

async function reconcile(
  ctx: ServiceStatusContext,
  key: string,
  signal: AbortSignal,
): Promise<ReconcileResult> {
  if (!cachesSynced(ctx)) return ReconcileResult.NotSynced;
  const federated = ctx.federated.get(key);
  // Its status object goes with it (garbage collected through the owner reference).
  if (federated === undefined || federated.metadata?.deletionTimestamp) {
    return ReconcileResult.AllOK;
  }
  const existing = ctx.statuses.get(key) as FederatedServiceStatus | undefined;
  const write = planServiceStatusWrite({
    federated,
    federatedType: ctx.federatedType,
    statusType: ctx.statusType,
    existing,
    clusterStatus: desiredClusterStatus(observeMembers(ctx, key), existing?.clusterStatus),
  });
  if (write.action === 'none') return ReconcileResult.AllOK;

  const logger = ctx.logger.child({ object: key });
  logger.v(2).info(`${write.action === 'create' ? 'Creating' : 'Updating'} ${ctx.statusType.kind}`);
  try {
    if (write.action === 'create')
      await ctx.host.create(ctx.statusResource, write.object, { signal });
    else await ctx.host.update(ctx.statusResource, write.object, { signal });
    return ReconcileResult.AllOK;
  } catch (error) {
    if (isCancelled(signal)) return ReconcileResult.Error;
    // Our cache is behind the server; its watch event queues the key again anyway.
    if (isConflict(error) || isAlreadyExists(error)) return requeueAfter(STALE_CACHE_REQUEUE_MS);
    logger.error(
      `Writing the ${ctx.statusType.kind} failed; retrying after the retry delay`,
      error,
      {
        operation: write.action,
      },
    );
    return ReconcileResult.NeedsRecheck;
  }
}

/** KubeFed's gate (spec §7.1): every cache loaded, one member cache settled per ready cluster. */
function cachesSynced(ctx: ServiceStatusContext): boolean {
  return (
    ctx.federated.hasSynced() &&
    ctx.statuses.hasSynced() &&
    ctx.members.hasSynced() &&
    ctx.members.pendingClusters().length === 0
  );
}

/** The Service `key` as each ready cluster's member cache has it. */
function observeMembers(ctx: ServiceStatusContext, key: string): MemberServiceObservation[] {
  const observations: MemberServiceObservation[] = [];
  for (const cluster of ctx.members.clusters()) {
    const name = cluster.metadata?.name ?? '';
    const cache = ctx.members.cache(name);
    switch (cache.state) {
      case 'unready':
        break;
      case 'synced': {
        const service = cache.get(key);
        observations.push(
          service === undefined
            ? { cluster: name, state: 'absent' }
            : { cluster: name, state: 'present', service },
        );
        break;
      }
      case 'pending':
      case 'client-failed':
      case 'cache-failed':
        observations.push({ cluster: name, state: 'unknown' });
        break;
    }
  }
  return observations;
}
