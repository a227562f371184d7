// The sync controller's memory of its last write to each member object, for the update-loop rule
// of rewrite-guard.ts: before a pass sends its updates, updates that would continue a loop become
// UpdateLoopDetected slots; after it, each successful update is recorded. In memory only: after a
// restart a loop costs at most `maxRewrites` more writes before it is stopped again.
import type { KubeObject } from '../../json/object.ts';
import type {
  MemberEvent,
  MemberOperation,
} from '../../federation/propagation/member-operations.ts';
import type { ClusterPropagationStatus } from '../../federation/propagation/propagation-status.ts';
import {
  checkRewrite,
  desiredContentHash,
  recordFailedRewrite,
  recordRewrite,
  type PlannedUpdate,
  type RewriteGuardOptions,
  type RewriteRecord,
} from '../../federation/propagation/rewrite-guard.ts';

/** A rewrite more than this after the previous write starts a new count (a person repairing drift). */
export const MEMBER_REWRITE_WINDOW_MS = 5 * 60_000;

export interface GuardedOperations {
  operations: MemberOperation[];
  /** Cluster → why its update was not sent, for the condition message. */
  stopped: Map<string, string>;
  /** The updates that go out, to record once they are answered. */
  planned: Map<string, PlannedUpdate>;
}

export class MemberRewrites {
  readonly #options: RewriteGuardOptions;
  /** Federated key → cluster → the last write. */
  readonly #records = new Map<string, Map<string, RewriteRecord & { stopped?: string }>>();

  constructor(options: RewriteGuardOptions) {
    this.#options = options;
  }

  /**
   * The pass's operations with loop-continuing updates replaced by UpdateLoopDetected slots. The
   * Warning Event goes out once, when writes stop, not on every pass after.
   */
  guard(
    key: string,
    generation: number,
    operations: readonly MemberOperation[],
    nowMs: number,
  ): GuardedOperations {
    const records = this.#records.get(key);
    const guarded: GuardedOperations = { operations: [], stopped: new Map(), planned: new Map() };
    for (const op of operations) {
      if (op.kind !== 'update') {
        // Converged, created, deleted or failing for another reason: any count starts over.
        if (op.kind !== 'none' || op.status === '') records?.delete(op.cluster);
        guarded.operations.push(op);
        continue;
      }
      const update: PlannedUpdate = {
        generation,
        desiredHash: desiredContentHash(op.object),
        live: op.live,
        nowMs,
      };
      const record = records?.get(op.cluster);
      const decision = checkRewrite(record, update, this.#options);
      if (decision.write || record === undefined) {
        guarded.planned.set(op.cluster, update);
        guarded.operations.push(op);
        continue;
      }
      const events: MemberEvent[] = [];
      if (record.stopped === undefined) {
        record.stopped = decision.message;
        events.push({
          type: 'Warning',
          reason: 'UpdateLoopDetected',
          message: `Stopped updating in cluster ${JSON.stringify(op.cluster)}: ${decision.message}`,
        });
      }
      guarded.stopped.set(op.cluster, `UpdateLoopDetected: ${record.stopped}`);
      guarded.operations.push({
        cluster: op.cluster,
        kind: 'none',
        status: 'UpdateLoopDetected',
        events,
      });
    }
    if (records?.size === 0) this.#records.delete(key);
    return guarded;
  }

  /**
   * Records the updates of `planned`: those the members answered (`written`: cluster → answer),
   * and those that failed (`statuses`: UpdateFailed), which count when they continue a run.
   */
  record(
    key: string,
    planned: ReadonlyMap<string, PlannedUpdate>,
    written: ReadonlyMap<string, KubeObject>,
    statuses: ReadonlyMap<string, ClusterPropagationStatus>,
  ): void {
    let records = this.#records.get(key);
    for (const [cluster, update] of planned) {
      const answer = written.get(cluster);
      const previous = records?.get(cluster);
      let next: RewriteRecord | undefined;
      if (answer !== undefined) next = recordRewrite(previous, update, answer, this.#options);
      else if (statuses.get(cluster) === 'UpdateFailed') {
        next = recordFailedRewrite(previous, update, this.#options);
      }
      if (next === undefined || next === previous) continue;
      if (records === undefined) {
        records = new Map();
        this.#records.set(key, records);
      }
      records.set(cluster, next);
    }
  }

  /** The federated object is gone. */
  forget(key: string): void {
    this.#records.delete(key);
  }
}
