// Client-side throttling of one cluster's requests: how fast (a token bucket, client-go's QPS and
// burst) and how many at once (a concurrency limit). Watches bypass both: they are long-lived, and
// starving them would stop the informers that the requests exist to serve.

export interface TokenBucketOptions {
  /** Sustained rate, tokens per second. */
  qps: number;
  /** Tokens available at once; the bucket starts full. Default `ceil(qps)`, at least 1. */
  burst?: number | undefined;
  /** Milliseconds, monotonic enough for rate keeping. Default `performance.now`. */
  now?: () => number;
}

/**
 * A token bucket that hands out reservations, as golang.org/x/time/rate (client-go's limiter) does:
 * taking a token when none is left borrows against the future, so waiters are served in arrival
 * order at exactly `qps` without polling.
 */
export class TokenBucket {
  readonly qps: number;
  readonly burst: number;
  readonly #now: () => number;
  /** May go negative: tokens already promised to waiters. */
  #tokens: number;
  #last: number;

  constructor(options: TokenBucketOptions) {
    const { qps } = options;
    const burst = options.burst ?? Math.max(1, Math.ceil(qps));
    if (!(qps > 0) || !Number.isFinite(qps)) {
      throw new Error(`invalid QPS ${qps}: must be a positive number`);
    }
    if (!(burst >= 1) || !Number.isInteger(burst)) {
      throw new Error(`invalid burst ${burst}: must be a positive integer`);
    }
    this.qps = qps;
    this.burst = burst;
    this.#now = options.now ?? (() => performance.now());
    this.#tokens = burst;
    this.#last = this.#now();
  }

  /** Tokens in the bucket now (negative while reservations are outstanding). */
  get tokens(): number {
    this.#refill();
    return this.#tokens;
  }

  /** Takes a token if one is available now. */
  tryTake(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Takes a token, borrowing if needed; returns how many milliseconds to wait before using it. */
  reserve(): number {
    this.#refill();
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : (-this.#tokens / this.qps) * 1000;
  }

  /** Gives back a reserved token that will not be used (the caller gave up waiting). */
  cancel(): void {
    this.#refill();
    this.#tokens = Math.min(this.burst, this.#tokens + 1);
  }

  /** Waits for a token. Rejects with the signal's reason if aborted; the token is then returned. */
  async take(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const waitMs = this.reserve();
    if (waitMs <= 0) return;
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        this.cancel();
        reject(signal?.reason as Error);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, waitMs);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #refill(): void {
    const now = this.#now();
    const elapsed = Math.max(0, now - this.#last);
    this.#last = now;
    this.#tokens = Math.min(this.burst, this.#tokens + (elapsed / 1000) * this.qps);
  }
}

/** At most `limit` holders at once; the others wait in arrival order. */
export class ConcurrencyLimit {
  readonly limit: number;
  #active = 0;
  readonly #waiters: (() => void)[] = [];

  constructor(limit: number) {
    if (!(limit >= 1) || !Number.isInteger(limit)) {
      throw new Error(`invalid concurrency limit ${limit}: must be a positive integer`);
    }
    this.limit = limit;
  }

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#waiters.length;
  }

  /** Resolves to a release function once a slot is free; call it exactly once. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.#active < this.limit) {
      this.#active++;
      return this.#releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const waiter = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(signal?.reason as Error);
      };
      this.#waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    // The slot was handed over by the releaser: #active already counts it.
    return this.#releaser();
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      if (next) next();
      else this.#active--;
    };
  }
}
