// Running a pass's member operations (spec §7.7): all clusters at once, each request bounded by
// one shared budget (30 s), so one dead member never delays the others. Every decision (what to
// write, which status a failure gets, adoption) comes from the pure core; this module only talks
// to the members and records what happened.
import { MANAGED_LABEL } from '../../apis/constants.ts';
import {
  initialStatuses,
  operationEvents,
  operationFailedEvent,
  planAdoption,
  type MemberEvent,
  type MemberOperation,
  type OperationKind,
  type TargetRef,
} from '../../federation/propagation/member-operations.ts';
import type { ClusterPropagationStatus } from '../../federation/propagation/propagation-status.ts';
import type { RenderResult } from '../../federation/propagation/render.ts';
import { objectVersion } from '../../federation/propagation/version.ts';
import type { DeleteOptions, KubeClient } from '../../kube/client.ts';
import { isAlreadyExists, isNotFound, isTimeout, errorMessage } from '../../kube/errors.ts';
import type { SyncContext, TargetName } from './context.ts';
import type { KubeObject } from '../../json/object.ts';

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

export interface DispatchOutcome {
  /** Slots as the operations left them (pending codes remain for what timed out). */
  statuses: Map<string, ClusterPropagationStatus>;
  /** Version of each member object written in this pass. */
  versions: Map<string, string>;
  resourcesUpdated: boolean;
  timedOut: boolean;
  /** Member writes issued. */
  writes: number;
}

export async function dispatchOperations(
  ctx: SyncContext,
  input: DispatchInput,
): Promise<DispatchOutcome> {
  const { fed, operations } = input;
  const outcome: DispatchOutcome = {
    statuses: initialStatuses(operations),
    versions: new Map(),
    resourcesUpdated: false,
    timedOut: false,
    writes: 0,
  };
  const targetRef: TargetRef = { kind: ctx.target.kind, qualifiedName: input.target.key };
  const signal = AbortSignal.timeout(ctx.operationTimeoutMs);
  const record = (event: MemberEvent): void => {
    if (fed !== undefined) ctx.events.record(fed, event.type, event.reason, event.message);
  };
  /** Operations sent, for one Event per kind once the pass is over (not one per cluster). */
  const attempted: { kind: OperationKind; cluster: string }[] = [];

  const run = async (op: MemberOperation): Promise<void> => {
    if (op.kind === 'none') {
      op.events.forEach(record);
      return;
    }
    const cluster = op.cluster;
    const client = ctx.members.client(cluster);
    if (client === undefined) {
      outcome.statuses.set(cluster, 'ClientRetrievalFailed');
      record({
        type: 'Warning',
        reason: 'ClientRetrievalFailed',
        message: `Error retrieving client for cluster "${cluster}"`,
      });
      return;
    }
    const started = performance.now();
    try {
      await execute(op, client);
    } catch (error) {
      if (signal.aborted) {
        outcome.timedOut = true; // the pending (…TimedOut) slot stays
        return;
      }
      outcome.statuses.set(cluster, op.failureStatus);
      record(operationFailedEvent(op.kind, targetRef, cluster, messageOf(error)));
      ctx.logger.v(1).info('Member operation failed', {
        object: input.target.key,
        cluster,
        operation: op.kind,
        error: messageOf(error),
      });
    } finally {
      ctx.metrics.dispatchOperationDuration
        .labels({ action: op.kind })
        .observe((performance.now() - started) / 1000);
    }
  };

  const { name, namespace } = input.target;
  const opts = { namespace, signal };

  const execute = async (op: MemberOperation, client: KubeClient): Promise<void> => {
    const cluster = op.cluster;
    if (op.kind === 'none') return;
    attempted.push({ kind: op.kind, cluster });
    outcome.writes++;
    switch (op.kind) {
      case 'create': {
        try {
          const created = await client.create(ctx.targetResource, op.object, opts);
          outcome.versions.set(cluster, objectVersion(created));
        } catch (error) {
          const collided =
            isAlreadyExists(error) ||
            (ctx.targetIsNamespace && isTimeout(error) && !signal.aborted);
          if (!collided) throw error;
          await adopt(cluster, client);
        }
        return;
      }
      case 'update': {
        const updated = await client.update(ctx.targetResource, op.object, opts);
        outcome.versions.set(cluster, objectVersion(updated));
        outcome.resourcesUpdated = true;
        return;
      }
      case 'delete': {
        try {
          await client.delete(ctx.targetResource, name, {
            ...opts,
            options: input.deleteOptions,
          });
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
        return;
      }
      case 'unlabel': {
        try {
          await client.patch(
            ctx.targetResource,
            name,
            { metadata: { labels: { [MANAGED_LABEL]: null } } },
            { ...opts, type: 'merge' },
          );
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
        return;
      }
    }
  };

  /** AlreadyExists: fetch what is there and adopt it, or report why not (spec §7.7a). */
  const adopt = async (cluster: string, client: KubeClient): Promise<void> => {
    let live: KubeObject;
    try {
      live = await client.get(ctx.targetResource, name, opts);
    } catch (error) {
      if (signal.aborted) throw error;
      outcome.statuses.set(cluster, 'RetrievalFailed');
      record({
        type: 'Warning',
        reason: 'RetrievalFailed',
        message: `Failed to retrieve ${ctx.target.kind} "${input.target.key}" in cluster "${cluster}": ${messageOf(error)}`,
      });
      return;
    }
    const recorded = input.recorded ?? new Map<string, string>();
    const plan = planAdoption({
      cluster,
      target: targetRef,
      live,
      desired: input.renderOver?.(cluster, live) ?? {
        ok: false,
        status: 'ComputeResourceFailed',
        error: 'no desired object',
        warnings: [],
      },
      recordedVersion: 'error' in recorded ? recorded : recorded.get(cluster),
      adoptResources: ctx.adoptResources,
      hostNamespaceUid: input.hostNamespaceUid,
    });
    plan.events.forEach(record);
    const next = plan.operation;
    if (next.kind === 'none') {
      outcome.statuses.set(cluster, next.status);
      next.events.forEach(record);
      return;
    }
    outcome.statuses.set(cluster, next.pendingStatus);
    try {
      await execute(next, client);
    } catch (error) {
      if (signal.aborted) throw error;
      outcome.statuses.set(cluster, next.failureStatus);
      record(operationFailedEvent(next.kind, targetRef, cluster, messageOf(error)));
    }
  };

  await Promise.all(operations.map(run));
  operationEvents(targetRef, attempted).forEach(record);
  if (outcome.timedOut) {
    record({
      type: 'Warning',
      reason: 'OperationTimeoutError',
      message: `Operations did not complete within ${String(ctx.operationTimeoutMs / 1000)}s`,
    });
  }
  return outcome;
}

function messageOf(error: unknown): string {
  return errorMessage(error);
}
