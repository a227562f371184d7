// One pass of the ReplicaSchedulingPreference controller (spec §9.2) for one RSP and its
// same-named FederatedDeployment or FederatedReplicaSet: the candidate clusters, what each runs
// now (the member cache, and the pods where replicas are not all ready), the plan, and the
// placement and `/spec/replicas` overrides written onto the federated object. The pure core
// (src/federation/scheduling/) decides; this reads and writes.
import type { ReplicaSchedulingPreference } from '../../apis/types.ts';
import { placementCluster } from '../../federation/propagation/placement.ts';
import { analyzePods } from '../../federation/scheduling/pod-analysis.ts';
import {
  memberReplicaState,
  replicaStateFromPods,
} from '../../federation/scheduling/replica-state.ts';
import {
  allowedClusters,
  plannerInputs,
  scheduleReplicas,
  type ClusterWorkload,
} from '../../federation/scheduling/schedule.ts';
import { applySchedulingUpdate, schedulingUpdate } from '../../federation/scheduling/write-back.ts';
import { compareUtf8 } from '../../json/canonical-json.ts';
import type { KubeObject } from '../../json/object.ts';
import { errorMessage, isConflict, isNotFound } from '../../kube/errors.ts';
import { ReconcileResult, requeueAfter } from '../../runtime/reconcile-worker.ts';
import type { SchedulingContext, SchedulingPlugin } from './context.ts';
import { describeReplan } from './replan-event.ts';

/** After a write conflict: soon, once the watch has brought the newer copy. */
const CONFLICT_REQUEUE_MS = 200;

export async function reconcileSchedulingPreference(
  ctx: SchedulingContext,
  key: string,
  signal: AbortSignal,
): Promise<ReconcileResult> {
  if (!ctx.preferences.hasSynced()) return ReconcileResult.NotSynced;
  const rsp = ctx.preferences.get(key) as ReplicaSchedulingPreference | undefined;
  // KubeFed leaves what the RSP wrote when the RSP goes (spec §9.2 step 1).
  if (rsp === undefined) return ReconcileResult.AllOK;

  const registered = ctx.clusters.clusters().map(placementCluster);
  const readyClusters = registered
    .filter((c) => c.ready === true)
    .map((c) => c.name)
    .sort(compareUtf8);
  if (readyClusters.length === 0) return ReconcileResult.AllOK;

  const plugin = ctx.plugins.get(rsp.spec.targetKind);
  if (plugin === undefined) {
    // A typo, or a type that is not federated: said once per RSP generation, retried on change
    // (KubeFed retried a typo every 10 s for ever).
    ctx.reportOnce(
      rsp,
      'InvalidTargetKind',
      ctx.knownKinds.includes(rsp.spec.targetKind)
        ? `spec.targetKind "${rsp.spec.targetKind}" is not federated: enable its FederatedTypeConfig`
        : `spec.targetKind must be one of ${ctx.knownKinds.join(', ')}, not "${rsp.spec.targetKind}"`,
    );
    return ReconcileResult.AllOK;
  }
  if (!pluginSynced(plugin)) return ReconcileResult.NotSynced;
  const fed = plugin.federated.get(key);
  if (fed === undefined) return ReconcileResult.AllOK;

  const namespace = fed.metadata?.namespace ?? '';
  const allowed = allowedClusters(
    rsp.spec,
    fed,
    registered,
    plugin.federatedNamespaces.get(`${namespace}/${namespace}`),
    ctx.limitedScope,
  );
  if (!allowed.ok) {
    ctx.reportOnce(rsp, 'ComputePlacementFailed', allowed.error);
    return ReconcileResult.AllOK;
  }
  const candidates = readyClusters.filter((c) => allowed.clusters.includes(c));
  if (candidates.length === 0) return ReconcileResult.AllOK;

  const now = ctx.now();
  const workloads = new Map<string, ClusterWorkload>();
  let recheckAt = Infinity;
  for (const cluster of candidates) {
    const state = await clusterState(ctx, plugin, cluster, key, now, signal);
    if ('error' in state) {
      ctx.logger.error('Reading the member workload failed', new Error(state.error), {
        object: key,
        cluster,
      });
      return ReconcileResult.Error;
    }
    if (state.absent) continue;
    workloads.set(cluster, {
      replicas: state.replicas,
      ready: state.current,
      capacity: state.capacity,
    });
    recheckAt = Math.min(recheckAt, state.recheckAt ?? Infinity);
  }

  const { plan, scheduled } = scheduleReplicas(
    rsp.spec,
    fed,
    candidates,
    workloads,
    registered.filter((c) => c.ready !== true),
    key,
  );
  const update = schedulingUpdate(fed, scheduled);
  if (update.kind === 'invalid') {
    ctx.reportOnce(rsp, 'InvalidOverrides', `${plugin.kind} "${key}": ${update.error}`);
    return ReconcileResult.AllOK;
  }
  if (update.kind === 'changed') {
    const written = await writeFederated(ctx, plugin, applySchedulingUpdate(fed, update), signal);
    if (written !== 'written') return written;
    const { capacity } = plannerInputs(workloads);
    const message = describeReplan(fed, scheduled, { plan, capacity, readyClusters });
    ctx.logger.info('Rescheduled replicas', { object: key, replicas: message });
    ctx.events.record(rsp, 'Normal', 'Rescheduled', message);
    ctx.events.record(fed, 'Normal', 'Rescheduled', message);
  }
  // Pods still short of the threshold: come back when the first crosses it.
  if (recheckAt !== Infinity) return requeueAfter(Math.max(0, recheckAt - now));
  return ReconcileResult.AllOK;
}

function pluginSynced(plugin: SchedulingPlugin): boolean {
  return (
    plugin.federated.hasSynced() &&
    plugin.federatedNamespaces.hasSynced() &&
    plugin.members.hasSynced() &&
    plugin.members.pendingClusters().length === 0
  );
}

type ClusterState =
  | { absent: true }
  | {
      absent: false;
      replicas: number;
      current: number;
      capacity?: number | undefined;
      recheckAt?: number | undefined;
    }
  | { error: string };

/** What the member workload of `cluster` runs now (spec §9.2 step 6). */
async function clusterState(
  ctx: SchedulingContext,
  plugin: SchedulingPlugin,
  cluster: string,
  key: string,
  now: number,
  signal: AbortSignal,
): Promise<ClusterState> {
  const cache = plugin.members.cache(cluster);
  if (cache.state !== 'synced') {
    return { error: cache.state === 'unready' ? 'cluster not ready' : 'member cache not synced' };
  }
  const member = cache.get(key);
  if (member === undefined) return { absent: true };
  const state = memberReplicaState(member);
  if (state.kind === 'settled') {
    return { absent: false, replicas: state.current, current: state.current };
  }
  if (state.kind === 'invalid') return { error: state.error };
  const client = plugin.members.client(cluster);
  if (client === undefined) return { error: 'no member client' };
  try {
    const pods = await client.list(podsResource, {
      namespace: member.metadata?.namespace,
      labelSelector: state.podSelector,
      signal,
    });
    const analysis = analyzePods(pods.items, now, ctx.unschedulableThresholdMs);
    const replicaState = replicaStateFromPods(state.replicas, analysis);
    return {
      absent: false,
      replicas: state.replicas,
      current: replicaState.current,
      capacity: replicaState.capacity,
      recheckAt: analysis.recheckAt,
    };
  } catch (error) {
    return { error: `listing pods: ${errorMessage(error)}` };
  }
}

const podsResource = { group: '', version: 'v1', resource: 'pods', namespaced: true };

async function writeFederated(
  ctx: SchedulingContext,
  plugin: SchedulingPlugin,
  next: KubeObject,
  signal: AbortSignal,
): Promise<'written' | ReconcileResult> {
  try {
    await ctx.host.update(plugin.federatedResource, next, {
      namespace: next.metadata?.namespace,
      signal,
    });
    return 'written';
  } catch (error) {
    if (isNotFound(error)) return ReconcileResult.AllOK;
    if (isConflict(error)) return requeueAfter(CONFLICT_REQUEUE_MS);
    ctx.logger.error('Updating the federated object failed', error, {
      object: `${next.metadata?.namespace ?? ''}/${next.metadata?.name ?? ''}`,
    });
    return ReconcileResult.Error;
  }
}
