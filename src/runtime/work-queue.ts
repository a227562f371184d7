// The keyed work queue behind every reconcile worker (spec §4.1). A key is either idle, waiting
// for a time (delayed), ready (dirty: it needs a run), or being processed, and never handed to two
// workers at once: a key added while it is processed runs again once `done` is called.
//
// Scheduling keeps the earliest time per key: adding a key now drops its later delayed entry, and a
// delay for a key that is already ready is ignored. Backoff is per key; any enqueue that is not
// `addRateLimited` resets it, as in KubeFed's worker.
import { PerKeyBackoff } from './backoff.ts';
import type { BackoffOptions } from './backoff.ts';
import { systemClock } from './clock.ts';
import type { Clock, TimerHandle } from './clock.ts';
import { DelayHeap } from './delay-heap.ts';

/** What a queue reports as it works; client-go's workqueue metrics. */
export interface WorkQueueMetrics {
  /** Number of keys waiting to be handed out. */
  setDepth(depth: number): void;
  /** A key became ready (not counted when it already was). */
  countAdd(): void;
  /** Seconds from when a key became due until a worker picked it up. */
  observeQueueDuration(seconds: number): void;
  /** Seconds a worker spent on a key, from pick-up to `done`. */
  observeWorkDuration(seconds: number): void;
  /** A key was re-queued after a failure. */
  countRetry(): void;
}

function noWorkQueueMetrics(): WorkQueueMetrics {
  return {
    setDepth: () => undefined,
    countAdd: () => undefined,
    observeQueueDuration: () => undefined,
    observeWorkDuration: () => undefined,
    countRetry: () => undefined,
  };
}

export interface WorkQueueOptions {
  clock?: Clock;
  backoff?: Partial<BackoffOptions>;
  metrics?: WorkQueueMetrics;
  /** How often idle backoff entries are dropped (KubeFed: every minute). */
  backoffGcIntervalMs?: number;
}

/** First-in first-out keys; an array with a moving head so that taking the first key is O(1). */
class KeyFifo {
  #items: string[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(key: string): void {
    this.#items.push(key);
  }

  shift(): string | undefined {
    const key = this.#items[this.#head];
    if (key === undefined) return undefined;
    this.#head++;
    if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return key;
  }

  clear(): void {
    this.#items = [];
    this.#head = 0;
  }
}

export class WorkQueue {
  readonly #clock: Clock;
  readonly #metrics: WorkQueueMetrics;
  readonly #backoff: PerKeyBackoff;
  readonly #backoffGcIntervalMs: number;
  /** Ready keys that are not being processed, in the order they became ready. */
  readonly #ready = new KeyFifo();
  /** Keys that need a run, with the time they became due. */
  readonly #dirty = new Map<string, number>();
  /** Keys handed to a worker, with the time they were picked up. */
  readonly #processing = new Map<string, number>();
  readonly #delayed = new DelayHeap();
  readonly #getters: ((key: string | undefined) => void)[] = [];
  readonly #idleWaiters: (() => void)[] = [];
  #delayTimer: { handle: TimerHandle; due: number } | undefined;
  #gcTimer: TimerHandle | undefined;
  #shuttingDown = false;

  constructor(options: WorkQueueOptions = {}) {
    this.#clock = options.clock ?? systemClock();
    this.#metrics = options.metrics ?? noWorkQueueMetrics();
    this.#backoff = new PerKeyBackoff(options.backoff);
    this.#backoffGcIntervalMs = options.backoffGcIntervalMs ?? 60_000;
  }

  /** Keys that need a run (ready, or re-added while being processed). */
  get depth(): number {
    return this.#dirty.size;
  }

  /** Keys waiting for a later time. */
  get delayedCount(): number {
    return this.#delayed.size;
  }

  /** Keys currently handed to a worker. */
  get processingCount(): number {
    return this.#processing.size;
  }

  get isShuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** When a delayed `key` falls due, or undefined if it is not waiting for a time. */
  scheduledAt(key: string): number | undefined {
    return this.#delayed.dueOf(key);
  }

  /** Consecutive failures counted for `key` by `addRateLimited`. */
  failures(key: string): number {
    return this.#backoff.failures(key, this.#clock.now());
  }

  /** Makes `key` ready now and resets its backoff. */
  add(key: string): void {
    if (this.#shuttingDown) return;
    this.#backoff.forget(key);
    this.#schedule(key, 0);
  }

  /** Makes `key` ready after `delayMs`, unless it is already due earlier; resets its backoff. */
  addAfter(key: string, delayMs: number): void {
    if (this.#shuttingDown) return;
    this.#backoff.forget(key);
    this.#schedule(key, delayMs);
  }

  /** Counts a failure of `key` and makes it ready after its backoff delay. */
  addRateLimited(key: string): void {
    if (this.#shuttingDown) return;
    const delayMs = this.#backoff.next(key, this.#clock.now());
    this.#metrics.countRetry();
    this.#schedule(key, delayMs);
    this.#armBackoffGc();
  }

  /** Resets the backoff of `key`. */
  forget(key: string): void {
    this.#backoff.forget(key);
  }

  /**
   * Waits for the next ready key and marks it as being processed; the caller must call `done`.
   * Resolves to undefined once the queue shuts down.
   */
  get(): Promise<string | undefined> {
    if (this.#shuttingDown) return Promise.resolve(undefined);
    if (this.#ready.length > 0) return Promise.resolve(this.#take());
    return new Promise((resolve) => {
      this.#getters.push(resolve);
    });
  }

  /** Ends the processing of `key`; if it was added meanwhile, it becomes ready again. */
  done(key: string): void {
    const pickedUp = this.#processing.get(key);
    if (pickedUp === undefined) return;
    this.#processing.delete(key);
    this.#metrics.observeWorkDuration(seconds(this.#clock.now() - pickedUp));
    if (!this.#shuttingDown && this.#dirty.has(key)) {
      this.#ready.push(key);
      this.#handOut();
    }
    if (this.#processing.size === 0) {
      for (const wake of this.#idleWaiters.splice(0)) wake();
    }
  }

  /**
   * Stops the queue: later adds are ignored, waiting and delayed keys are dropped (the state is in
   * the API; a restart relists), pending `get` calls resolve to undefined. Resolves once every key
   * being processed is `done`.
   */
  shutDown(): Promise<void> {
    if (!this.#shuttingDown) {
      this.#shuttingDown = true;
      if (this.#delayTimer !== undefined) this.#clock.clearTimeout(this.#delayTimer.handle);
      if (this.#gcTimer !== undefined) this.#clock.clearTimeout(this.#gcTimer);
      this.#delayTimer = undefined;
      this.#gcTimer = undefined;
      this.#delayed.clear();
      this.#ready.clear();
      this.#dirty.clear();
      this.#backoff.clear();
      this.#metrics.setDepth(0);
      for (const resolve of this.#getters.splice(0)) resolve(undefined);
    }
    if (this.#processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#idleWaiters.push(resolve);
    });
  }

  #schedule(key: string, delayMs: number): void {
    const now = this.#clock.now();
    if (delayMs <= 0) {
      // Due now: any later delivery of this key is superseded by the run this one causes.
      if (this.#delayed.delete(key)) this.#armDelayTimer();
      this.#markReady(key, now);
      return;
    }
    if (this.#dirty.has(key)) return;
    if (this.#delayed.schedule(key, now + delayMs)) this.#armDelayTimer();
  }

  #markReady(key: string, dueAt: number): void {
    if (this.#dirty.has(key)) return;
    this.#dirty.set(key, dueAt);
    this.#metrics.countAdd();
    this.#metrics.setDepth(this.#dirty.size);
    if (this.#processing.has(key)) return;
    this.#ready.push(key);
    this.#handOut();
  }

  #handOut(): void {
    while (this.#ready.length > 0) {
      const resolve = this.#getters.shift();
      if (resolve === undefined) return;
      resolve(this.#take());
    }
  }

  #take(): string | undefined {
    const key = this.#ready.shift();
    if (key === undefined) return undefined;
    const now = this.#clock.now();
    const dueAt = this.#dirty.get(key) ?? now;
    this.#dirty.delete(key);
    this.#processing.set(key, now);
    this.#metrics.setDepth(this.#dirty.size);
    this.#metrics.observeQueueDuration(seconds(now - dueAt));
    return key;
  }

  #armDelayTimer(): void {
    const due = this.#delayed.peekDue();
    if (this.#delayTimer !== undefined) {
      if (this.#delayTimer.due === due) return;
      this.#clock.clearTimeout(this.#delayTimer.handle);
      this.#delayTimer = undefined;
    }
    if (due === undefined) return;
    const handle = this.#clock.setTimeout(() => {
      this.#delayTimer = undefined;
      for (const entry of this.#delayed.popDue(this.#clock.now())) {
        this.#markReady(entry.key, entry.due);
      }
      this.#armDelayTimer();
    }, due - this.#clock.now());
    this.#delayTimer = { handle, due };
  }

  // Runs only while some key has a backoff entry, so an idle queue holds no timer.
  #armBackoffGc(): void {
    if (this.#gcTimer !== undefined || this.#shuttingDown) return;
    this.#gcTimer = this.#clock.setTimeout(() => {
      this.#gcTimer = undefined;
      this.#backoff.collectGarbage(this.#clock.now());
      if (this.#backoff.size > 0) this.#armBackoffGc();
    }, this.#backoffGcIntervalMs);
  }

  /** Keys with a backoff entry (for tests and debugging). */
  get backoffEntries(): number {
    return this.#backoff.size;
  }
}

function seconds(ms: number): number {
  return Math.max(0, ms) / 1000;
}
