// Running a pass's member operations (spec §7.7): all clusters at once through the MemberWriter,
// each bounded by one shared budget (30 s) and by the leadership term, so one dead member never
// delays the others. Per cluster the requests run in a straight line (create; on a collision,
// read what is there and adopt it); what to do and what each answer means comes from the pure
// core (member-operations.ts, member-results.ts).
import type { KubeObject } from '../../json/object.ts';
import {
  planAdoption,
  type MemberOperation,
  type TargetRef,
} from '../../federation/propagation/member-operations.ts';
import {
  foldOutcomes,
  outcomeOfFailedAdoptionRead,
  outcomeOfWrite,
  outcomeWithoutRequest,
  type ClusterOutcome,
  type MemberCallResult,
  type PassOutcome,
} from '../../federation/propagation/member-results.ts';
import type { RenderResult } from '../../federation/propagation/render.ts';
import type { DeleteOptions } from '../../kube/client.ts';
import { scopedSignal } from '../../kube/scoped-signal.ts';
import type { SyncContext } from './context.ts';
import type { TargetName } from './member-writer.ts';
import { createCollided } from './namespace-rules.ts';

/** What dispatching reads of the sync context. */
export type DispatchContext = Pick<
  SyncContext,
  'target' | 'targetIsNamespace' | 'writer' | 'adoptResources' | 'operationTimeoutMs'
> & {
  events: Pick<SyncContext['events'], 'record'>;
  metrics: {
    dispatchOperationDuration: {
      labels(labels: { action: string }): { observe(seconds: number): void };
    };
  };
};

export interface DispatchInput {
  /** Events are recorded on it; undefined when there is no federated object (orphans). */
  fed: KubeObject | undefined;
  target: TargetName;
  operations: readonly MemberOperation[];
  /** The desired object rendered over an existing one, for adoption after AlreadyExists. */
  renderOver?: (cluster: string, live: KubeObject) => RenderResult;
  /** Recorded version per cluster (adoption compares against it). */
  recorded?: ReadonlyMap<string, string> | { error: string };
  hostNamespaceUid?: string | undefined;
  deleteOptions?: DeleteOptions | undefined;
}

export async function dispatchOperations(
  ctx: DispatchContext,
  input: DispatchInput,
  signal: AbortSignal,
): Promise<PassOutcome> {
  const targetRef: TargetRef = { kind: ctx.target.kind, qualifiedName: input.target.key };
  const budget = scopedSignal([signal], ctx.operationTimeoutMs);
  const outcomes = await Promise.all(
    input.operations.map(async (op) => {
      if (op.kind === 'none') return outcomeWithoutRequest(op);
      const started = performance.now();
      try {
        return await runInCluster(ctx, input, op, targetRef, budget.signal);
      } finally {
        ctx.metrics.dispatchOperationDuration
          .labels({ action: op.kind })
          .observe((performance.now() - started) / 1000);
      }
    }),
  ).finally(budget.dispose);
  const pass = foldOutcomes(outcomes, targetRef, ctx.operationTimeoutMs);
  const fed = input.fed;
  if (fed !== undefined && !signal.aborted) {
    for (const event of pass.events)
      ctx.events.record(fed, event.type, event.reason, event.message);
  }
  return pass;
}

async function runInCluster(
  ctx: DispatchContext,
  input: DispatchInput,
  op: Exclude<MemberOperation, { kind: 'none' }>,
  target: TargetRef,
  signal: AbortSignal,
): Promise<ClusterOutcome> {
  const result = await send(ctx, input, op, signal);
  if (op.kind !== 'create' || !createCollided(ctx.targetIsNamespace, result)) {
    return outcomeOfWrite(op, result, target);
  }

  // AlreadyExists: read what is there and adopt it, or report why not (spec §7.7a).
  const cluster = op.cluster;
  const live = await ctx.writer.get(cluster, input.target, signal);
  if (!live.ok || live.object === undefined) {
    const failure: Extract<MemberCallResult, { ok: false }> = live.ok
      ? { ok: false, reason: 'Failed', message: 'empty answer' }
      : live;
    return outcomeOfFailedAdoptionRead(cluster, failure, target, ['create']);
  }
  const recorded = input.recorded ?? new Map<string, string>();
  const adoption = planAdoption({
    cluster,
    target,
    live: live.object,
    desired: input.renderOver?.(cluster, live.object) ?? {
      ok: false,
      status: 'ComputeResourceFailed',
      error: 'no desired object',
      warnings: [],
    },
    recordedVersion: 'error' in recorded ? recorded : recorded.get(cluster),
    adoptResources: ctx.adoptResources,
    hostNamespaceUid: input.hostNamespaceUid,
  });
  const next = adoption.operation;
  if (next.kind === 'none') {
    const outcome = outcomeWithoutRequest(next);
    return { ...outcome, attempted: ['create'], events: [...adoption.events, ...outcome.events] };
  }
  const prior = { events: adoption.events, attempted: ['create' as const] };
  return outcomeOfWrite(next, await send(ctx, input, next, signal), target, prior);
}

function send(
  ctx: DispatchContext,
  input: DispatchInput,
  op: Exclude<MemberOperation, { kind: 'none' }>,
  signal: AbortSignal,
): Promise<MemberCallResult> {
  switch (op.kind) {
    case 'create':
      return ctx.writer.create(op.cluster, op.object, signal);
    case 'update':
      return ctx.writer.update(op.cluster, op.object, signal);
    case 'delete':
      return ctx.writer.delete(op.cluster, input.target, input.deleteOptions, signal);
    case 'unlabel':
      return ctx.writer.removeManagedLabel(op.cluster, input.target, signal);
  }
}
