// Per-key exponential backoff for failed reconciles (client-go flowcontrol.Backoff as KubeFed uses
// it): the first failure waits `initialMs`, each further one `factor` times longer, capped at
// `maxMs`. An entry idle for more than twice the cap has expired: the next failure starts over.

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
}

/** KubeFed's worker backoff: 5 s, x2, at most 60 s. */
const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({
  initialMs: 5_000,
  maxMs: 60_000,
  factor: 2,
});

interface BackoffEntry {
  delayMs: number;
  failures: number;
  lastUpdate: number;
}

export class PerKeyBackoff {
  readonly options: Readonly<BackoffOptions>;
  readonly #entries = new Map<string, BackoffEntry>();

  constructor(options: Partial<BackoffOptions> = {}) {
    const merged = { ...DEFAULT_BACKOFF, ...options };
    if (!(merged.initialMs > 0) || !(merged.maxMs >= merged.initialMs) || !(merged.factor >= 1)) {
      throw new Error(
        `invalid backoff ${JSON.stringify(merged)}: need initialMs > 0, maxMs >= initialMs, factor >= 1`,
      );
    }
    this.options = Object.freeze(merged);
  }

  /** Number of keys with a backoff entry. */
  get size(): number {
    return this.#entries.size;
  }

  /** Records a failure of `key` at `now` and returns how long to wait before retrying it. */
  next(key: string, now: number): number {
    const entry = this.#entries.get(key);
    if (entry === undefined || this.#expired(entry, now)) {
      this.#entries.set(key, { delayMs: this.options.initialMs, failures: 1, lastUpdate: now });
      return this.options.initialMs;
    }
    entry.delayMs = Math.min(entry.delayMs * this.options.factor, this.options.maxMs);
    entry.failures++;
    entry.lastUpdate = now;
    return entry.delayMs;
  }

  /** Consecutive failures recorded for `key` (0 once forgotten or expired). */
  failures(key: string, now: number): number {
    const entry = this.#entries.get(key);
    return entry === undefined || this.#expired(entry, now) ? 0 : entry.failures;
  }

  forget(key: string): void {
    this.#entries.delete(key);
  }

  /** Drops expired entries; returns how many were dropped. */
  collectGarbage(now: number): number {
    let dropped = 0;
    for (const [key, entry] of this.#entries) {
      if (this.#expired(entry, now)) {
        this.#entries.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  clear(): void {
    this.#entries.clear();
  }

  #expired(entry: BackoffEntry, now: number): boolean {
    return now - entry.lastUpdate > 2 * this.options.maxMs;
  }
}
