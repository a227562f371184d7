// Leader election on a coordination.k8s.io/v1 Lease, with client-go's semantics: a candidate
// takes the lease when it is free or when its holder has not renewed it for leaseDuration (as
// seen on the candidate's own clock, so clock skew between replicas does not matter); the leader
// renews every retryPeriod and gives up leading if it cannot renew within renewDeadline.
// Updates carry the resourceVersion read, so two candidates can never both win.

import { kubeMicroTime } from '../apis/time.ts';

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
}

/** Reads and writes the one Lease; `update` must fail when `resourceVersion` is stale. */
export interface LeaseStore {
  get(): Promise<LeaseRecord | undefined>;
  create(spec: LeaseSpec): Promise<void>;
  update(resourceVersion: string, spec: LeaseSpec): Promise<void>;
}

export interface LeaderElectionTimings {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

/** What a candidate last saw of the lease, and when (its own clock). */
export interface Observation {
  holderIdentity: string;
  renewTime: string;
  observedAtMs: number;
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
  const renewTime = current.spec.renewTime ?? '';
  // The holder's lease runs from when *we* first saw its latest renewal.
  const unchangedSince =
    previous && previous.holderIdentity === holder && previous.renewTime === renewTime
      ? previous.observedAtMs
      : nowMs;
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
  now?: () => number;
  /** Reports failed attempts (they are retried). */
  onError?: (error: unknown) => void;
}

/**
 * Campaigns until it leads, then keeps renewing. `run` resolves with `'lost'` when renewing failed
 * for renewDeadline, or `'stopped'` after `stop()` (which also releases the lease).
 */
export class LeaderElector {
  readonly #options: LeaderElectorOptions;
  readonly #now: () => number;
  #observation: Observation | undefined;
  #stopped = false;
  #wake: (() => void) | undefined;
  #leading = false;

  constructor(options: LeaderElectorOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  get isLeader(): boolean {
    return this.#leading;
  }

  /** Waits until this candidate leads; resolves false if stopped first. */
  async acquire(): Promise<boolean> {
    while (!this.#stopped) {
      if (await this.#tryAcquireOrRenew()) {
        this.#leading = true;
        return true;
      }
      await this.#sleep(this.#jittered(this.#options.timings.retryPeriodMs));
    }
    return false;
  }

  /** While leading: renews until renewing fails for renewDeadline ('lost') or stop() ('stopped'). */
  async holdLeadership(): Promise<'lost' | 'stopped'> {
    const { renewDeadlineMs, retryPeriodMs } = this.#options.timings;
    let lastRenewal = this.#now();
    for (;;) {
      await this.#sleep(retryPeriodMs);
      if (this.isStopped()) break;
      if (await this.#tryAcquireOrRenew()) {
        lastRenewal = this.#now();
      } else if (this.#now() - lastRenewal >= renewDeadlineMs) {
        this.#leading = false;
        return 'lost';
      }
    }
    await this.#release();
    return 'stopped';
  }

  /** A method, not a field read, so the loop re-reads it after each await. */
  isStopped(): boolean {
    return this.#stopped;
  }

  stop(): void {
    this.#stopped = true;
    this.#wake?.();
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const { identity, store, timings } = this.#options;
    try {
      const current = await store.get();
      const now = this.#now();
      const decision = decideLease(
        current,
        this.#observation,
        identity,
        now,
        timings.leaseDurationMs,
      );
      if (current) {
        const holderIdentity = current.spec.holderIdentity ?? '';
        const renewTime = current.spec.renewTime ?? '';
        const same =
          this.#observation?.holderIdentity === holderIdentity &&
          this.#observation.renewTime === renewTime;
        if (!same) this.#observation = { holderIdentity, renewTime, observedAtMs: now };
      }
      if (decision.action === 'wait') return false;
      if (decision.action === 'create') await store.create(decision.spec);
      else if (current) await store.update(current.resourceVersion, decision.spec);
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

  /** Lets the next candidate take over at once instead of waiting out the lease. */
  async #release(): Promise<void> {
    if (!this.#leading) return;
    this.#leading = false;
    const { store } = this.#options;
    try {
      const current = await store.get();
      if (current?.spec.holderIdentity !== this.#options.identity) return;
      await store.update(current.resourceVersion, {
        ...current.spec,
        holderIdentity: '',
        leaseDurationSeconds: 1,
        renewTime: kubeMicroTime(this.#now()),
      });
    } catch (error) {
      this.#options.onError?.(error);
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
