// Leader election on a coordination.k8s.io/v1 Lease, with client-go's semantics: a candidate
// takes the lease when it is free or when its holder has not renewed it for leaseDuration (as
// seen on the candidate's own clock, so clock skew between replicas does not matter); the leader
// renews every retryPeriod and gives up leading if it cannot renew within renewDeadline.
// Updates carry the resourceVersion read, so two candidates can never both win. Unlike
// client-go's candidate, which looks every retryPeriod, ours watches the lease: it sees each
// renewal as it happens, tries again the moment the holder's lease runs out, and at once when the
// holder releases it; so a dead leader is replaced lease duration after its last renewal.

import { kubeMicroTime } from '../apis/time.ts';
import { scopedSignal } from '../kube/scoped-signal.ts';

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface LeaseRecord {
  resourceVersion: string;
  spec: LeaseSpec;
  /**
   * Changes whenever the holder renews; default `spec.renewTime`. A record made of two locks
   * (lock-record.ts) needs both renewals in it.
   */
  fingerprint?: string;
}

/**
 * Reads and writes the one Lease; `update` must fail when `resourceVersion` is stale. Every call
 * takes a signal: a renewal that cannot finish within the renew deadline is abandoned.
 */
export interface LeaseStore {
  get(signal: AbortSignal): Promise<LeaseRecord | undefined>;
  create(spec: LeaseSpec, signal: AbortSignal): Promise<void>;
  update(resourceVersion: string, spec: LeaseSpec, signal: AbortSignal): Promise<void>;
  /**
   * Calls `onChange` with the lease (undefined: deleted) each time it changes, until the returned
   * function is called. Optional: without it, a candidate sees the lease only when it reads it.
   */
  watch?(onChange: (lease: LeaseRecord | undefined) => void): () => Promise<void>;
}

export interface LeaderElectionTimings {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

/** What a candidate last saw of the lease, and when (its own clock). */
export interface Observation {
  holderIdentity: string;
  /** The record's fingerprint (its renewTime for a plain Lease). */
  renewTime: string;
  observedAtMs: number;
}

/**
 * Pure: what a candidate knows after reading `current` at `nowMs`. The same holder and renewTime
 * as before keep the earlier observation: the holder's lease runs from when we first saw it.
 */
export function observeLease(
  previous: Observation | undefined,
  current: LeaseRecord,
  nowMs: number,
): Observation {
  const holderIdentity = current.spec.holderIdentity ?? '';
  const renewTime = current.fingerprint ?? current.spec.renewTime ?? '';
  return previous?.holderIdentity === holderIdentity && previous.renewTime === renewTime
    ? previous
    : { holderIdentity, renewTime, observedAtMs: nowMs };
}

/**
 * How long after its lease runs out (by our clock) a candidate tries: timers may fire a little
 * early against `Date.now`, and an attempt a moment too soon would only find the lease held.
 */
export const EXPIRY_MARGIN_MS = 10;

/**
 * Pure: how long a candidate whose attempt did not win waits before the next one. client-go waits
 * a (jittered) retry period; knowing when the holder's lease runs out by its own clock (from when
 * it saw the last renewal), a candidate tries right then if that comes first, so a dead leader is
 * replaced after the lease duration, not up to a retry period later. A lease that is free, ours,
 * unknown or already expired (the attempt then failed: the apiserver is away, another candidate
 * won) waits the retry period, so a failing apiserver is never hammered.
 */
export function nextAttemptInMs(
  observation: Observation | undefined,
  identity: string,
  nowMs: number,
  leaseDurationMs: number,
  retryPeriodMs: number,
): number {
  const holder = observation?.holderIdentity ?? '';
  if (observation === undefined || holder === '' || holder === identity) return retryPeriodMs;
  const expiresInMs = observation.observedAtMs + leaseDurationMs + EXPIRY_MARGIN_MS - nowMs;
  return expiresInMs > 0 ? Math.min(expiresInMs, retryPeriodMs) : retryPeriodMs;
}

export type LeaseDecision =
  | { action: 'create'; spec: LeaseSpec }
  | { action: 'update'; spec: LeaseSpec }
  | { action: 'wait'; holder: string };

/** Pure: what `identity` should do given the current lease and what it saw before. */
export function decideLease(
  current: LeaseRecord | undefined,
  previous: Observation | undefined,
  identity: string,
  nowMs: number,
  leaseDurationMs: number,
): LeaseDecision {
  const leaseDurationSeconds = Math.ceil(leaseDurationMs / 1000);
  const now = kubeMicroTime(nowMs);
  if (current === undefined) {
    return {
      action: 'create',
      spec: {
        holderIdentity: identity,
        leaseDurationSeconds,
        acquireTime: now,
        renewTime: now,
        leaseTransitions: 0,
      },
    };
  }
  const holder = current.spec.holderIdentity ?? '';
  // The holder's lease runs from when *we* first saw its latest renewal.
  const unchangedSince = observeLease(previous, current, nowMs).observedAtMs;
  const heldByOther = holder !== '' && holder !== identity;
  if (heldByOther && unchangedSince + leaseDurationMs > nowMs) return { action: 'wait', holder };
  const transitions = current.spec.leaseTransitions ?? 0;
  return {
    action: 'update',
    spec: {
      holderIdentity: identity,
      leaseDurationSeconds,
      acquireTime: holder === identity ? (current.spec.acquireTime ?? now) : now,
      renewTime: now,
      leaseTransitions: holder === identity ? transitions : transitions + 1,
    },
  };
}

export interface LeaderElectorOptions {
  identity: string;
  store: LeaseStore;
  timings: LeaderElectionTimings;
  /** Wall clock for the lease's times; default Date.now. */
  now?: () => number;
  /** Monotonic clock for the renew deadline; default performance.now. */
  monotonicNow?: () => number;
  /** Reports failed attempts (they are retried). */
  onError?: (error: unknown) => void;
}

export type TermEnd = 'lost' | 'stopped';

/**
 * One period of leadership, as controller-runtime's leader context: `signal` aborts the moment the
 * term ends, and every reconcile and client call of the controllers takes it. The term ends when
 * the lease could not be renewed within the renew deadline ('lost': a standby may take over once
 * the lease duration has passed, so we stop writing before then), or on `stop()` ('stopped').
 */
export class LeadershipTerm {
  readonly signal: AbortSignal;
  readonly ended: Promise<TermEnd>;
  readonly #abort = new AbortController();
  readonly #monotonicNow: () => number;
  #resolve!: (end: TermEnd) => void;
  #deadlineAt: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(renewedAt: number, renewDeadlineMs: number, monotonicNow: () => number) {
    this.signal = this.#abort.signal;
    this.#monotonicNow = monotonicNow;
    this.ended = new Promise((resolve) => (this.#resolve = resolve));
    this.#deadlineAt = renewedAt + renewDeadlineMs;
    this.renewed(renewedAt, renewDeadlineMs);
  }

  /**
   * Whether this term still holds, checked against the clock, not only against the timer: after
   * the process was frozen (SIGSTOP, a long GC pause, a suspended VM) timers that expired earlier
   * may run before the deadline's own, so a writer asks right before it writes.
   */
  isLeading(): boolean {
    if (!this.signal.aborted && this.#monotonicNow() >= this.#deadlineAt) this.end('lost');
    return !this.signal.aborted;
  }

  /** Milliseconds left before the renew deadline. */
  remainingMs(): number {
    return Math.max(0, this.#deadlineAt - this.#monotonicNow());
  }

  renewed(renewedAt: number, renewDeadlineMs: number): void {
    if (this.signal.aborted) return;
    this.#deadlineAt = renewedAt + renewDeadlineMs;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.end('lost'), this.remainingMs());
  }

  end(how: TermEnd): void {
    if (this.signal.aborted) return;
    clearTimeout(this.#timer);
    this.#abort.abort(new Error(how === 'lost' ? 'leader election lost' : 'leadership stopped'));
    this.#resolve(how);
  }
}

/**
 * Campaigns until it leads (`acquire` resolves with the term), then renews every retryPeriod in
 * the background until the term ends. `stop()` ends the term; `release()` then hands the lease
 * over at once. While campaigning it watches the lease (when the store can): the next attempt
 * comes when the holder's lease runs out, or at once when it is released.
 */
export class LeaderElector {
  readonly #options: LeaderElectorOptions;
  readonly #now: () => number;
  readonly #monotonicNow: () => number;
  #observation: Observation | undefined;
  #stopped = false;
  #wake: (() => void) | undefined;
  #term: LeadershipTerm | undefined;

  constructor(options: LeaderElectorOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#monotonicNow = options.monotonicNow ?? (() => performance.now());
  }

  /** Waits until this candidate leads; resolves undefined if stopped first. */
  async acquire(): Promise<LeadershipTerm | undefined> {
    const { store, identity, timings } = this.#options;
    const unwatch = store.watch?.((lease) => this.#leaseChanged(lease));
    try {
      while (!this.#stopped) {
        const attemptedAt = this.#monotonicNow();
        if (await this.#tryAcquireOrRenew(AbortSignal.timeout(timings.renewDeadlineMs))) {
          if (this.#isStopped()) break;
          const term = new LeadershipTerm(attemptedAt, timings.renewDeadlineMs, this.#monotonicNow);
          this.#term = term;
          this.#renewWhileLeading(term).catch((error: unknown) => {
            this.#options.onError?.(error);
            term.end('lost');
          });
          return term;
        }
        await this.#sleep(
          nextAttemptInMs(
            this.#observation,
            identity,
            this.#now(),
            timings.leaseDurationMs,
            this.#jittered(timings.retryPeriodMs),
          ),
        );
      }
      return undefined;
    } finally {
      // Not awaited: a watch slow to close must not hold up a term that has begun.
      void unwatch?.();
    }
  }

  /**
   * The watch saw the lease change: a renewal restarts the holder's lease from now (the next
   * wake-up reschedules from it); a released or deleted lease is free, so try at once.
   */
  #leaseChanged(lease: LeaseRecord | undefined): void {
    if (lease !== undefined)
      this.#observation = observeLease(this.#observation, lease, this.#now());
    if (lease === undefined || (lease.spec.holderIdentity ?? '') === '') this.#wake?.();
  }

  /** A method, not a field read, so a loop re-reads it after each await. */
  #isStopped(): boolean {
    return this.#stopped;
  }

  /** Ends the current term (if any) and any campaign. */
  stop(): void {
    this.#stopped = true;
    this.#term?.end('stopped');
    this.#wake?.();
  }

  /** Lets the next candidate take over at once instead of waiting out the lease. */
  async release(): Promise<void> {
    const { store, identity, timings } = this.#options;
    const signal = AbortSignal.timeout(timings.renewDeadlineMs);
    try {
      const current = await store.get(signal);
      if (current?.spec.holderIdentity !== identity) return;
      await store.update(
        current.resourceVersion,
        {
          ...current.spec,
          holderIdentity: '',
          leaseDurationSeconds: 1,
          renewTime: kubeMicroTime(this.#now()),
        },
        signal,
      );
    } catch (error) {
      this.#options.onError?.(error);
    }
  }

  /** Each renewal is bounded by what is left of the renew deadline, as client-go's renew loop. */
  async #renewWhileLeading(term: LeadershipTerm): Promise<void> {
    const { retryPeriodMs, renewDeadlineMs } = this.#options.timings;
    while (!term.signal.aborted) {
      await this.#sleep(retryPeriodMs);
      if (!term.isLeading()) return;
      const attemptedAt = this.#monotonicNow();
      const renewal = scopedSignal([term.signal], Math.ceil(term.remainingMs()));
      const renewed = await this.#tryAcquireOrRenew(renewal.signal).finally(renewal.dispose);
      if (renewed) term.renewed(attemptedAt, renewDeadlineMs);
    }
  }

  async #tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const { identity, store, timings } = this.#options;
    try {
      const current = await store.get(signal);
      const now = this.#now();
      const decision = decideLease(
        current,
        this.#observation,
        identity,
        now,
        timings.leaseDurationMs,
      );
      if (current) this.#observation = observeLease(this.#observation, current, now);
      if (decision.action === 'wait') return false;
      if (decision.action === 'create') await store.create(decision.spec, signal);
      else if (current) await store.update(current.resourceVersion, decision.spec, signal);
      this.#observation = {
        holderIdentity: identity,
        renewTime: decision.spec.renewTime ?? '',
        observedAtMs: now,
      };
      return true;
    } catch (error) {
      this.#options.onError?.(error);
      return false;
    }
  }

  #jittered(ms: number): number {
    return ms * (1 + Math.random() * 0.2);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }
}
