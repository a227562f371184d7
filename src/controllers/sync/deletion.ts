// Deleting a federated object (spec §7.11): its member objects go first, then the
// `kubefed.io/sync-controller` finalizer. With `kubefed.io/orphan: "true"` the member objects stay
// and only lose the managed label. The host cluster's own namespace is never deleted.
//
// Unlike KubeFed, which looks only at the clusters the current placement targets, deletion
// clears every ready cluster that holds a managed copy (issue 16): a placement shrunk and
// deleted before a pass saw it, or while no manager ran, leaves copies in the clusters of the
// older placement. The finalizer goes once live reads find no managed copy in any ready cluster.
// An unready cluster cannot be read: deletion waits for it (error backoff) when the placement
// targets it (as KubeFed does) or the status still names it (it may hold a copy of an older
// placement); any other unready cluster is not waited for.
import {
  DELETE_OPTIONS_ANNOTATION,
  MANAGED_LABEL,
  MANAGED_LABEL_TRUE,
  ORPHAN_ANNOTATION,
  ORPHAN_ANNOTATION_TRUE,
  SYNC_CONTROLLER_FINALIZER,
} from '../../apis/constants.ts';
import {
  isHostNamespace,
  planDeletion,
  planManagedLabelRemoval,
} from '../../federation/propagation/member-operations.ts';
import { reportedClusters } from '../../federation/propagation/propagation-status.ts';
import type { DeleteOptions } from '../../kube/client.ts';
import { scopedSignal } from '../../kube/scoped-signal.ts';
import { errorMessage } from '../../kube/errors.ts';
import { ReconcileResult } from '../../runtime/reconcile-worker.ts';
import type { SyncContext } from './context.ts';
import type { TargetName } from './member-writer.ts';
import { hasFinalizer, setFinalizer } from '../finalizers.ts';
import { dispatchOperations } from './dispatch.ts';
import { memberStates } from './member-states.ts';
import { qualifiedName, type KubeObject } from '../../json/object.ts';

export async function ensureDeletion(
  ctx: SyncContext,
  fed: KubeObject,
  target: TargetName,
  targeted: readonly string[],
  hostNamespaceUid: string | undefined,
  signal: AbortSignal,
): Promise<ReconcileResult> {
  ctx.versions.forget(fed);
  if (!hasFinalizer(fed, SYNC_CONTROLLER_FINALIZER)) return ReconcileResult.AllOK;
  const logger = ctx.logger.child({ object: qualifiedName(fed) });
  const mayHold = new Set([...targeted, ...reportedClusters(fed)]);
  const states = memberStates(ctx, target.key, mayHold);

  if (fed.metadata?.annotations?.[ORPHAN_ANNOTATION] === ORPHAN_ANNOTATION_TRUE) {
    logger.v(2).info('Removing the finalizer; member objects are orphaned');
    await removeFinalizer(ctx, fed, signal);
    const plan = planManagedLabelRemoval(states.clusters, mayHold);
    const outcome = await dispatchOperations(
      ctx,
      { fed, target, operations: plan.operations },
      signal,
    );
    const failed = [...outcome.statuses.values()].some((s) => s !== 'LabelRemovalTimedOut');
    if (plan.errors.length > 0 || failed || outcome.timedOut) {
      logger.error('Removing the managed label from orphaned member objects failed', undefined, {
        errors: plan.errors,
      });
      return ReconcileResult.Error;
    }
    return ReconcileResult.AllOK;
  }

  const deleteOptions = parseDeleteOptions(fed);
  if (typeof deleteOptions === 'string') {
    logger.error('Cannot delete member objects', new Error(deleteOptions));
    return ReconcileResult.Error;
  }
  const plan = planDeletion(states.clusters, mayHold, hostNamespaceUid);
  if (plan.operations.length > 0) {
    logger.v(2).info('Deleting member objects', { clusters: plan.remaining });
    const outcome = await dispatchOperations(
      ctx,
      { fed, target, operations: plan.operations, deleteOptions },
      signal,
    );
    const failed = [...outcome.statuses.values()].some(
      (s) => s !== 'DeletionTimedOut' && s !== 'LabelRemovalTimedOut',
    );
    if (failed || outcome.timedOut) return ReconcileResult.Error;
  }
  if (plan.errors.length > 0) {
    logger.error('Cannot delete member objects yet', undefined, { errors: plan.errors });
    return ReconcileResult.Error;
  }
  // Deletions usually complete at once: check the members instead of waiting for their caches.
  // Every ready cluster is read, not only the ones the caches show: a copy created moments ago
  // may not be in its cache yet.
  const ready = states.clusters.filter((c) => c.ready).map((c) => c.name);
  const waiting = await clustersStillHolding(ctx, target, ready, hostNamespaceUid, signal);
  if (waiting === undefined) return ReconcileResult.Error;
  if (waiting.length > 0) {
    ctx.events.record(
      fed,
      'Normal',
      'WaitForRemovalInCluster',
      `Waiting for managed resources to be removed from the following clusters: ${waiting.join(', ')}`,
    );
    return ReconcileResult.NeedsRecheck;
  }
  logger.v(2).info('Member objects are gone; removing the finalizer');
  await removeFinalizer(ctx, fed, signal);
  return ReconcileResult.AllOK;
}

/**
 * Which of `clusters` still hold a managed member object (live reads, not the caches); undefined
 * when one could not be read.
 */
async function clustersStillHolding(
  ctx: SyncContext,
  target: TargetName,
  clusters: readonly string[],
  hostNamespaceUid: string | undefined,
  signal: AbortSignal,
): Promise<string[] | undefined> {
  const budget = scopedSignal([signal], ctx.operationTimeoutMs);
  const results = await Promise.all(
    clusters.map(async (cluster): Promise<boolean | undefined> => {
      const read = await ctx.writer.get(cluster, target, budget.signal);
      if (!read.ok) {
        // No client (planDeletion reported it where it matters) or already gone.
        if (read.reason === 'NoClient' || read.reason === 'NotFound') return false;
        ctx.logger.error('Checking for a member object failed', new Error(read.message), {
          cluster,
        });
        return undefined;
      }
      const live = read.object;
      if (live?.metadata?.labels?.[MANAGED_LABEL] !== MANAGED_LABEL_TRUE) return false;
      return !(isHostNamespace(live, hostNamespaceUid) && live.metadata.deletionTimestamp);
    }),
  );
  budget.dispose();
  if (results.includes(undefined)) return undefined;
  return clusters.filter((_, i) => results[i] === true);
}

async function removeFinalizer(
  ctx: SyncContext,
  fed: KubeObject,
  signal: AbortSignal,
): Promise<void> {
  await setFinalizer(
    ctx.host,
    ctx.federatedResource,
    fed,
    SYNC_CONTROLLER_FINALIZER,
    false,
    signal,
  );
}

/** `kubefed.io/deleteoption`: only gracePeriodSeconds, propagationPolicy and preconditions count. */
export function parseDeleteOptions(fed: KubeObject): DeleteOptions | undefined | string {
  const text = fed.metadata?.annotations?.[DELETE_OPTIONS_ANNOTATION];
  if (text === undefined || text === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return `annotation ${DELETE_OPTIONS_ANNOTATION} is not valid JSON: ${errorMessage(error)}`;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return `annotation ${DELETE_OPTIONS_ANNOTATION} must be a JSON object`;
  }
  const source = parsed as Record<string, unknown>;
  const options: DeleteOptions = {};
  if (typeof source['gracePeriodSeconds'] === 'number') {
    options.gracePeriodSeconds = source['gracePeriodSeconds'];
  }
  const policy = source['propagationPolicy'];
  if (policy === 'Orphan' || policy === 'Background' || policy === 'Foreground') {
    options.propagationPolicy = policy;
  }
  const preconditions = source['preconditions'];
  if (typeof preconditions === 'object' && preconditions !== null) {
    options.preconditions = preconditions;
  }
  return options;
}
