// Member writes the member rejected for what the object is (422 Invalid, 400 BadRequest, 413 too
// large): sending the same object again gets the same answer, so it is not retried on a timer nor
// on events, only when the federated object changes (another uid or generation), plus a slow
// safety retry for what can change outside the object (a member's CRD schema, an admission
// webhook's rules). 403 Forbidden is not among them: RBAC, a terminating namespace or a quota is
// fixed outside the object and soon, so it keeps the ordinary backoff. Time is passed in.
import type { MemberOperation } from './member-operations.ts';

/** Status codes of a member write that sending the same object again cannot change. */
const REJECTION_CODES: ReadonlySet<number> = new Set([400, 413, 422]);

/** A write of a create or update answered with `code` was rejected for the object itself. */
export function isRejection(code: number | undefined): boolean {
  return code !== undefined && REJECTION_CODES.has(code);
}

/** The safety retry of a rejected write when nothing changed: 5 minutes. */
export const DEFAULT_REJECTION_RETRY_MS = 5 * 60_000;

/** Which version of the federated object a rejected write came from. */
export function objectRevision(fed: {
  metadata?: { uid?: string; generation?: number } | undefined;
}): string {
  return `${fed.metadata?.uid ?? ''}/${String(fed.metadata?.generation ?? 0)}`;
}

type WriteKind = 'create' | 'update';

interface Rejection {
  revision: string;
  kind: WriteKind;
  /** When the member rejected it (ms). */
  at: number;
}

/** Rejected writes per federated object key and cluster, for one sync controller (in memory). */
export class RejectedWrites {
  readonly retryAfterMs: number;
  readonly #byKey = new Map<string, Map<string, Rejection>>();

  constructor(retryAfterMs = DEFAULT_REJECTION_RETRY_MS) {
    if (!(retryAfterMs > 0)) throw new Error(`rejection retry must be > 0 ms, got ${retryAfterMs}`);
    this.retryAfterMs = retryAfterMs;
  }

  /** Federated objects with a rejected write remembered. */
  get size(): number {
    return this.#byKey.size;
  }

  record(key: string, cluster: string, rejection: Rejection): void {
    let clusters = this.#byKey.get(key);
    if (clusters === undefined) {
      clusters = new Map();
      this.#byKey.set(key, clusters);
    }
    clusters.set(cluster, { ...rejection });
  }

  /** Forgets the rejection in `cluster`, or every one of `key` when `cluster` is undefined. */
  forget(key: string, cluster?: string): void {
    if (cluster === undefined) {
      this.#byKey.delete(key);
      return;
    }
    const clusters = this.#byKey.get(key);
    if (clusters === undefined) return;
    clusters.delete(cluster);
    if (clusters.size === 0) this.#byKey.delete(key);
  }

  /**
   * Whether a `kind` write of `revision` to `cluster` is held back: the member rejected the same
   * write of the same revision less than `retryAfterMs` ago.
   */
  holds(key: string, cluster: string, kind: WriteKind, revision: string, now: number): boolean {
    const rejection = this.#byKey.get(key)?.get(cluster);
    return (
      rejection !== undefined &&
      rejection.kind === kind &&
      rejection.revision === revision &&
      now - rejection.at < this.retryAfterMs
    );
  }

  /** Ms until the first held write of `key` is due for its safety retry; undefined if none. */
  nextRetryIn(key: string, now: number): number | undefined {
    let next: number | undefined;
    for (const rejection of this.#byKey.get(key)?.values() ?? []) {
      const due = Math.max(0, rejection.at + this.retryAfterMs - now);
      next = next === undefined ? due : Math.min(next, due);
    }
    return next;
  }
}

/**
 * Replaces each create or update that `holds` says was rejected before by no request: the slot
 * keeps its failure code, without a new Event (the rejection's own Event said why). Returns the
 * clusters held back.
 */
export function holdRejectedWrites(
  operations: readonly MemberOperation[],
  holds: (cluster: string, kind: WriteKind) => boolean,
): { operations: MemberOperation[]; held: Set<string> } {
  const held = new Set<string>();
  const result = operations.map((op): MemberOperation => {
    if ((op.kind !== 'create' && op.kind !== 'update') || !holds(op.cluster, op.kind)) return op;
    held.add(op.cluster);
    return { cluster: op.cluster, kind: 'none', status: op.failureStatus, events: [] };
  });
  return { operations: result, held };
}
