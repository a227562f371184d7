// One sync pass for one federated object (spec §7.2, §7.3): resolve the key, handle deletion,
// ensure the finalizer, place, render, plan, dispatch to the members, record versions, write
// status. Reads come from caches; every write is skipped when it would change nothing, so a pass
// over a propagated object costs no request at all. The pass never waits: a conflict ends it with
// a short requeue, and the end of the leadership term (the signal) ends it at once.
import { SYNC_CONTROLLER_FINALIZER } from '../../apis/constants.ts';
import { hostNamespaceOf, isSystemNamespaceTarget } from './namespace-rules.ts';
import {
  planManagedLabelRemoval,
  planMemberOperations,
  settleStatuses,
  type MemberOperation,
  type TargetRef,
} from '../../federation/propagation/member-operations.ts';
import {
  holdRejectedWrites,
  objectRevision,
} from '../../federation/propagation/rejected-writes.ts';
import { parseOverrides } from '../../federation/propagation/overrides.ts';
import { computePlacement, placementCluster } from '../../federation/propagation/placement.ts';
import {
  needsBackoff,
  reportedClusters,
  storedPropagationMessage,
  type CollectedPropagation,
  type PropagationReason,
} from '../../federation/propagation/propagation-status.ts';
import {
  renderMemberObject,
  templateWarnings,
  type RenderResult,
} from '../../federation/propagation/render.ts';
import { objectHashes } from '../../federation/propagation/version.ts';
import {
  propagationMessage,
  renderErrors,
  unknownClustersEvent,
  unknownOverrideClusters,
  type InputProblems,
} from '../../federation/propagation/input-problems.ts';
import { ReconcileResult, requeueAfter } from '../../runtime/reconcile-worker.ts';
import { setFinalizer } from '../finalizers.ts';
import type { SyncContext } from './context.ts';
import type { TargetName } from './member-writer.ts';
import { ensureDeletion } from './deletion.ts';
import { dispatchOperations } from './dispatch.ts';
import { memberStates, withClientFailures } from './member-states.ts';
import { collectMemberStatus } from './status-collection.ts';
import { writePropagationStatus, type StatusWrite } from './status-writer.ts';
import { qualifiedName, type KubeObject } from '../../json/object.ts';
import { errorMessage } from '../../kube/errors.ts';

/** After a write conflict: soon, once the watch has brought the newer copy. */
const CONFLICT_REQUEUE_MS = 200;

/** Everything the informers must have loaded before a pass can decide anything. */
function cachesSynced(ctx: SyncContext): boolean {
  return (
    ctx.federated.hasSynced() &&
    (ctx.federatedNamespaces?.hasSynced() ?? true) &&
    (ctx.hostNamespaces?.hasSynced() ?? true) &&
    ctx.members.hasSynced() &&
    ctx.versions.loaded &&
    ctx.members.pendingClusters().length === 0
  );
}

/** `key` is the federated object's `ns/name` (or `name` for cluster-scoped federated types). */
export async function reconcileFederatedObject(
  ctx: SyncContext,
  key: string,
  signal: AbortSignal,
): Promise<ReconcileResult> {
  if (!cachesSynced(ctx)) return ReconcileResult.NotSynced;
  const target = targetNameOf(ctx, key);
  if (isSystemNamespaceTarget(ctx, target)) return ReconcileResult.AllOK;
  const fed = ctx.federated.get(key);
  if (fed === undefined) {
    // Nothing left to collect a member's status into, to hold back, nor loops to stop.
    ctx.statusCollection.takeMemberChange(key);
    ctx.rejectedWrites.forget(key);
    ctx.rewrites.forget(key);
    return removeOrphanedLabels(ctx, target, signal);
  }
  // reconcile_federated_resources_duration_seconds: passes over an existing federated object.
  const started = performance.now();
  try {
    return await reconcileExisting(ctx, fed, target, signal);
  } finally {
    ctx.metrics.recordFederatedResourceReconcile((performance.now() - started) / 1000);
  }
}

async function reconcileExisting(
  ctx: SyncContext,
  fed: KubeObject,
  target: TargetName,
  signal: AbortSignal,
): Promise<ReconcileResult> {
  const key = qualifiedName(fed);
  const hostNamespace = hostNamespaceOf(ctx, fed, target);
  if ('skip' in hostNamespace) return ReconcileResult.AllOK;
  const hostNamespaceUid = hostNamespace.uid;

  const fedNamespace = ctx.targetNamespaced
    ? ctx.federatedNamespaces?.get(`${target.namespace ?? ''}/${target.namespace ?? ''}`)
    : undefined;
  const clusters = ctx.members.clusters();
  const placement = computePlacement(fed, clusters.map(placementCluster), fedNamespace, {
    targetNamespaced: ctx.targetNamespaced,
    limitedScope: ctx.limitedScope,
  });

  if (fed.metadata?.deletionTimestamp) {
    ctx.rejectedWrites.forget(key);
    const targeted = placement.ok
      ? placement.clusters
      : clusters.map((c) => c.metadata?.name ?? '');
    return ensureDeletion(ctx, fed, target, targeted, hostNamespaceUid, signal);
  }

  let current = fed;
  try {
    const patched = await setFinalizer(
      ctx.host,
      ctx.federatedResource,
      fed,
      SYNC_CONTROLLER_FINALIZER,
      true,
      signal,
    );
    if (patched !== undefined) {
      ctx.logger.v(2).info('Added the finalizer', { object: key });
      current = patched;
    }
  } catch (error) {
    // Cancelled with the term: not the object's failure, so no Event on it.
    if (signal.aborted) return ReconcileResult.Error;
    ctx.events.record(
      fed,
      'Warning',
      'EnsureFinalizerError',
      `Failed to ensure finalizer: ${errorMessage(error)}`,
    );
    return ReconcileResult.Error;
  }

  if (!placement.ok) {
    ctx.events.record(current, 'Warning', 'ComputePlacementFailed', placement.error);
    const written = await writePropagationStatus(
      ctx,
      current,
      'ComputePlacementFailed',
      { statuses: new Map(), message: placement.error },
      signal,
    );
    return written === 'conflict' ? requeueAfter(CONFLICT_REQUEUE_MS) : ReconcileResult.AllOK;
  }
  if (placement.namespaceNotFederated) {
    // The status reason alone is easy to miss; KubeFed's user guide promises an Event with it.
    const namespace = current.metadata?.namespace ?? '';
    ctx.events.record(
      current,
      'Warning',
      'NamespaceNotFederated',
      `Namespace "${namespace}" is not federated, so this object is propagated to no cluster: federate it with \`kubefedctl federate namespace ${namespace}\` (a FederatedNamespace named "${namespace}" in it)`,
    );
  }
  return syncToClusters(ctx, current, target, placement.clusters, signal, {
    hostNamespaceUid,
    reason: placement.namespaceNotFederated ? 'NamespaceNotFederated' : '',
    unknownClusters: placement.unknownClusters,
  });
}

async function syncToClusters(
  ctx: SyncContext,
  fed: KubeObject,
  target: TargetName,
  selected: string[],
  signal: AbortSignal,
  options: {
    hostNamespaceUid: string | undefined;
    reason: PropagationReason;
    /** `placement.clusters` names without a KubeFedCluster. */
    unknownClusters: readonly string[];
  },
): Promise<ReconcileResult> {
  const key = qualifiedName(fed);
  for (const warning of templateWarnings(fed)) {
    ctx.events.record(fed, 'Warning', warning.reason, warning.message);
  }
  const targetRef: TargetRef = { kind: ctx.target.kind, qualifiedName: target.key };
  const states = memberStates(ctx, target.key, new Set(selected));
  const overrides = parseOverrides(fed);
  const render = (cluster: string, live: KubeObject | undefined): RenderResult =>
    renderMemberObject(fed, ctx.target, cluster, overrides, {
      live,
      targetIsNamespace: ctx.targetIsNamespace,
    });
  const desired = new Map<string, RenderResult>();
  for (const state of states.clusters) {
    if (state.ready && selected.includes(state.name)) {
      desired.set(state.name, render(state.name, state.observed));
    }
  }
  const hashes = objectHashes(fed);
  const recorded = hashes.ok ? ctx.versions.get(fed, hashes.hashes) : { error: hashes.error };
  const guarded = ctx.rewrites.guard(
    key,
    fed.metadata?.generation ?? 0,
    withClientFailures(
      planMemberOperations({
        target: targetRef,
        clusters: states.clusters,
        selected,
        desired,
        recordedVersions: recorded,
        hostNamespaceUid: options.hostNamespaceUid,
        reported: reportedClusters(fed),
      }),
      states.clientFailures,
    ),
    ctx.now(),
  );
  const revision = objectRevision(fed);
  const started = ctx.now();
  const { operations, held } = holdRejectedWrites(guarded.operations, (cluster, kind) =>
    ctx.rejectedWrites.holds(key, cluster, kind, revision, started),
  );
  const problems: InputProblems = {
    unknownPlacementClusters: options.unknownClusters,
    unknownOverrideClusters: unknownOverrideClusters(
      overrides,
      states.clusters.map((c) => c.name),
    ),
    clusterErrors: new Map([...renderErrors(desired), ...guarded.stopped]),
  };
  const unknownClusters = unknownClustersEvent(problems, storedPropagationMessage(fed));
  if (unknownClusters !== undefined) {
    ctx.events.record(fed, unknownClusters.type, unknownClusters.reason, unknownClusters.message);
  }

  // A new object's PropagatedVersion is created alongside the member writes; its status (the
  // versions those writes produced) follows them.
  const preparing = hashes.ok ? ctx.versions.prepare(fed, signal) : Promise.resolve();
  const outcome = await dispatchOperations(
    ctx,
    {
      fed,
      target,
      operations,
      renderOver: render,
      recorded,
      hostNamespaceUid: options.hostNamespaceUid,
    },
    signal,
  );
  // The term ended: whatever we would record now, a new leader records better.
  if (signal.aborted) {
    await preparing;
    return ReconcileResult.Error;
  }
  ctx.rewrites.record(key, guarded.planned, outcome.written, outcome.statuses);
  if (outcome.writes > 0) {
    ctx.logger.v(2).info('Propagated to member clusters', {
      object: target.key,
      writes: outcome.writes,
    });
  }
  rememberRejections(ctx, key, revision, operations, { rejected: outcome.rejected, held }, started);

  const recordVersions = async (): Promise<'unchanged' | 'written' | 'retry'> => {
    await preparing;
    if (!hashes.ok) return 'unchanged';
    try {
      const recorded = await ctx.versions.update(
        fed,
        hashes.hashes,
        selected,
        outcome.versions,
        signal,
      );
      if (recorded === 'written') {
        ctx.logger.v(2).info('Recorded propagated versions', { object: target.key });
      }
      return recorded;
    } catch (error) {
      // Only costs a needless update next time (spec §7.3 step 6).
      ctx.logger.error('Recording propagated versions failed', error, { object: target.key });
      return 'unchanged';
    }
  };
  const statuses = outcome.timedOut ? outcome.statuses : settleStatuses(outcome.statuses);
  const member = collectMemberStatus(ctx.statusCollection, {
    slots: statuses.keys(),
    selected,
    states: states.clusters,
    written: outcome.written,
    render: (cluster) => desired.get(cluster) ?? render(cluster, undefined),
  });
  const collected: CollectedPropagation = { statuses, message: propagationMessage(problems) };
  if (member.remoteStatuses !== undefined) collected.remoteStatuses = member.remoteStatuses;
  // The recorded versions and the status are independent objects: write them side by side.
  const [versions, status] = await Promise.all([
    recordVersions(),
    writePropagationStatus(ctx, fed, options.reason, collected, signal, member.workload),
  ]);
  recordCollection(ctx, key, status);
  // Rejected writes wait for a change of the object (or their safety retry), not for backoff.
  const retried = new Map(
    [...statuses].filter(([cluster]) => !held.has(cluster) && !outcome.rejected.has(cluster)),
  );
  if (needsBackoff(options.reason, retried)) return ReconcileResult.Error;
  if (versions === 'retry' || status === 'conflict') return requeueAfter(CONFLICT_REQUEUE_MS);
  const safetyRetryMs = ctx.rejectedWrites.nextRetryIn(key, ctx.now());
  return safetyRetryMs === undefined ? ReconcileResult.AllOK : requeueAfter(safetyRetryMs);
}

/**
 * Remembers the writes the members just rejected for what the object is, keeps those held back,
 * and forgets the rest: a cluster whose write went through (or now needs another operation) is
 * no longer held.
 */
function rememberRejections(
  ctx: SyncContext,
  key: string,
  revision: string,
  operations: readonly MemberOperation[],
  {
    rejected,
    held,
  }: { rejected: ReadonlyMap<string, 'create' | 'update'>; held: ReadonlySet<string> },
  at: number,
): void {
  for (const op of operations) {
    const kind = rejected.get(op.cluster);
    if (kind !== undefined) {
      ctx.rejectedWrites.record(key, op.cluster, { revision, kind, at });
      ctx.logger.info('Member rejected the object; retrying when the federated object changes', {
        object: key,
        cluster: op.cluster,
        operation: kind,
        retryAfterMs: ctx.rejectedWrites.retryAfterMs,
      });
    } else if (!held.has(op.cluster)) {
      ctx.rejectedWrites.forget(key, op.cluster);
    }
  }
}

/** A pass that got its status through has collected every member change seen before it began. */
function recordCollection(ctx: SyncContext, key: string, write: StatusWrite): void {
  if (write !== 'written' && write !== 'unchanged') return;
  const since = ctx.statusCollection.takeMemberChange(key);
  if (since === undefined) return;
  ctx.metrics.statusCollectionDuration
    .labels({ controller: ctx.controllerName })
    .observe((ctx.now() - since) / 1000);
}

/** A managed member object without a federated object (spec §7.8): it loses the managed label. */
async function removeOrphanedLabels(
  ctx: SyncContext,
  target: TargetName,
  signal: AbortSignal,
): Promise<ReconcileResult> {
  const states = memberStates(ctx, target.key, 'all');
  const plan = planManagedLabelRemoval(states.clusters);
  if (plan.operations.length === 0) {
    return plan.errors.length > 0 ? ReconcileResult.Error : ReconcileResult.AllOK;
  }
  ctx.logger
    .v(2)
    .info('Removing the managed label from member objects without a federated object', {
      object: target.key,
    });
  // No federated object to hold events: the outcome goes to the log only.
  const outcome = await dispatchOperations(
    ctx,
    { fed: undefined, target, operations: plan.operations },
    signal,
  );
  const failed = [...outcome.statuses.values()].some((s) => s !== 'LabelRemovalTimedOut');
  return plan.errors.length > 0 || failed || outcome.timedOut
    ? ReconcileResult.Error
    : ReconcileResult.AllOK;
}

/** The member object a federated key stands for (namespaces: `foo/foo` ⇒ `foo`). */
export function targetNameOf(ctx: Pick<SyncContext, 'targetIsNamespace'>, key: string): TargetName {
  const slash = key.indexOf('/');
  const namespace = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (ctx.targetIsNamespace) return { name, namespace: undefined, key: name };
  return { name, namespace, key };
}
