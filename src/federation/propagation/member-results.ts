// What member writes did, as data (spec §7.7): a member writer answers each request with a plain
// result; these pure functions turn one cluster's results into its status slot, recorded version
// and Events, and fold all clusters into the outcome of a pass. The I/O that produced the results
// lives in the sync controller's dispatch; every decision about them is made here.
import type { KubeObject } from '../../json/object.ts';
import {
  operationEvents,
  operationFailedEvent,
  type MemberEvent,
  type MemberOperation,
  type OperationKind,
  type TargetRef,
} from './member-operations.ts';
import type { ClusterPropagationStatus } from './propagation-status.ts';
import { isRejection } from './rejected-writes.ts';
import { objectVersion } from './version.ts';

/** The answer to one member request. */
export type MemberCallResult =
  | { ok: true; object?: KubeObject | undefined }
  | {
      ok: false;
      /**
       * `NotSent`: the pass was already cancelled (budget or term over), nothing went out;
       * `Aborted`: the pass's budget ran out or the leadership term ended before an answer;
       * `NoClient`: the cluster has no client (not ready, or its config is malformed);
       * `ServerTimeout`: the member answered that it could not finish in time.
       */
      reason:
        | 'NotFound'
        | 'AlreadyExists'
        | 'NoClient'
        | 'NotSent'
        | 'Aborted'
        | 'ServerTimeout'
        | 'Failed';
      message: string;
      /** The member's HTTP status code, when it answered. */
      code?: number | undefined;
    };

/** What happened in one cluster during a pass. */
export interface ClusterOutcome {
  cluster: string;
  /** The final slot, or the operation's pending code when the budget ran out. */
  status: ClusterPropagationStatus;
  /** Version of the member object this pass wrote (create or update). */
  version?: string | undefined;
  /** The member object as the write answered it (create or update): newer than the cache. */
  written?: KubeObject | undefined;
  /** Requests sent that changed (or tried to change) the member. */
  attempted: OperationKind[];
  events: MemberEvent[];
  timedOut: boolean;
  /** The member rejected the create or update for what the object is (see rejected-writes.ts). */
  rejected?: 'create' | 'update' | undefined;
}

/** The outcome of a cluster whose planned operation needs no request. */
export function outcomeWithoutRequest(
  op: Extract<MemberOperation, { kind: 'none' }>,
): ClusterOutcome {
  return {
    cluster: op.cluster,
    status: op.status,
    attempted: [],
    events: [...op.events],
    timedOut: false,
  };
}

/**
 * One request's result for a write operation. A delete or a label removal of an object that is
 * already gone succeeded. `prior` carries what earlier steps in the cluster (adoption) recorded.
 */
export function outcomeOfWrite(
  op: Exclude<MemberOperation, { kind: 'none' }>,
  result: MemberCallResult,
  target: TargetRef,
  prior: Pick<ClusterOutcome, 'events' | 'attempted'> = { events: [], attempted: [] },
): ClusterOutcome {
  const base: ClusterOutcome = {
    cluster: op.cluster,
    status: op.pendingStatus,
    attempted: [...prior.attempted],
    events: [...prior.events],
    timedOut: false,
  };
  if (!result.ok && result.reason === 'NoClient') {
    return {
      ...base,
      status: 'ClientRetrievalFailed',
      events: [
        ...base.events,
        {
          type: 'Warning',
          reason: 'ClientRetrievalFailed',
          message: `Error retrieving client for cluster "${op.cluster}"`,
        },
      ],
    };
  }
  // Refused before sending (the pass was over): no write happened, and no Event may claim one.
  if (!result.ok && result.reason === 'NotSent') return { ...base, timedOut: true };
  base.attempted.push(op.kind);
  if (!result.ok && result.reason === 'Aborted') return { ...base, timedOut: true };
  const gone = !result.ok && result.reason === 'NotFound';
  if (!result.ok && !(gone && (op.kind === 'delete' || op.kind === 'unlabel'))) {
    const rejected =
      (op.kind === 'create' || op.kind === 'update') && isRejection(result.code)
        ? op.kind
        : undefined;
    return {
      ...base,
      ...(rejected === undefined ? {} : { rejected }),
      status: op.failureStatus,
      events: [...base.events, operationFailedEvent(op.kind, target, op.cluster, result.message)],
    };
  }
  const written = result.ok ? result.object : undefined;
  return {
    ...base,
    ...(written !== undefined && (op.kind === 'create' || op.kind === 'update')
      ? { version: objectVersion(written), written }
      : {}),
  };
}

/** The outcome when the object a create collided with could not be read for adoption. */
export function outcomeOfFailedAdoptionRead(
  cluster: string,
  result: Extract<MemberCallResult, { ok: false }>,
  target: TargetRef,
  attempted: OperationKind[],
): ClusterOutcome {
  if (result.reason === 'Aborted' || result.reason === 'NotSent') {
    return {
      cluster,
      status: 'CreationTimedOut',
      attempted,
      events: [],
      timedOut: true,
    };
  }
  return {
    cluster,
    status: 'RetrievalFailed',
    attempted,
    events: [
      {
        type: 'Warning',
        reason: 'RetrievalFailed',
        message: `Failed to retrieve ${target.kind} "${target.qualifiedName}" in cluster "${cluster}": ${result.message}`,
      },
    ],
    timedOut: false,
  };
}

/** The outcome of a pass over all clusters. */
export interface PassOutcome {
  /** Slots as the operations left them (pending codes remain for what timed out). */
  statuses: Map<string, ClusterPropagationStatus>;
  /** Version of each member object written in this pass. */
  versions: Map<string, string>;
  /** Each member object written in this pass, as the member answered. */
  written: Map<string, KubeObject>;
  timedOut: boolean;
  /** Clusters whose member rejected the write for what the object is, with the write's kind. */
  rejected: Map<string, 'create' | 'update'>;
  /** Member writes issued. */
  writes: number;
  /**
   * Events to record: each cluster's own (failures, adoption) and then one per operation kind
   * naming every cluster it ran in (not one per cluster), and the timeout warning.
   */
  events: MemberEvent[];
}

export function foldOutcomes(
  outcomes: readonly ClusterOutcome[],
  target: TargetRef,
  budgetMs: number,
): PassOutcome {
  const pass: PassOutcome = {
    statuses: new Map(),
    versions: new Map(),
    written: new Map(),
    timedOut: false,
    rejected: new Map(),
    writes: 0,
    events: [],
  };
  const attempted: { kind: OperationKind; cluster: string }[] = [];
  for (const outcome of outcomes) {
    pass.statuses.set(outcome.cluster, outcome.status);
    if (outcome.version !== undefined) pass.versions.set(outcome.cluster, outcome.version);
    if (outcome.written !== undefined) pass.written.set(outcome.cluster, outcome.written);
    pass.timedOut ||= outcome.timedOut;
    if (outcome.rejected !== undefined) pass.rejected.set(outcome.cluster, outcome.rejected);
    pass.writes += outcome.attempted.length;
    pass.events.push(...outcome.events);
    for (const kind of outcome.attempted) attempted.push({ kind, cluster: outcome.cluster });
  }
  pass.events.push(...operationEvents(target, attempted));
  if (pass.timedOut) {
    pass.events.push({
      type: 'Warning',
      reason: 'OperationTimeoutError',
      message: `Operations did not complete within ${String(budgetMs / 1000)}s`,
    });
  }
  return pass;
}
