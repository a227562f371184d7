// The keyed work queue behind every reconcile worker (spec §4.1). A key is either idle, waiting
// for a time (delayed), ready (dirty: it needs a run), or being processed, and never handed to two
// workers at once: a key added while it is processed runs again once `done` is called.
//
// Scheduling keeps the earliest time per key: adding a key now drops its later delayed entry, and a
// delay for a key that is already ready is ignored. Backoff is per key and survives every other
// add: a key queued again by an event (a cluster became available, a resync, a related object
// changed) keeps its failure count, so such events cannot hold a broken object at its shortest
// retry delay. Only `forget` resets it: the owner calls it after a success or when the object
// itself changed. (KubeFed reset it on every add, so each event restarted the backoff.)
//
// Ready keys wait in two lanes, each first in first out: workers take a low-priority key only when
// no ordinary key is ready, so passes that only collect status never delay propagation. Requests
// for a key merge into one run, so the key is low only while every request pending for it is.
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

type Priority = 'ordinary' | 'low';

interface Slot {
  readonly key: string;
}

/**
 * First-in first-out keys, each at most once. An array with a moving head makes taking the first
 * key O(1); removing a key is O(1) too: its slot stays behind, and `shift` skips slots that are no
 * longer the live one of their key.
 */
class KeyFifo {
  #slots: Slot[] = [];
  #head = 0;
  readonly #live = new Map<string, Slot>();

  get length(): number {
    return this.#live.size;
  }

  push(key: string): void {
    const slot = { key };
    this.#slots.push(slot);
    this.#live.set(key, slot);
  }

  /** Removes `key`; returns whether it was there. */
  delete(key: string): boolean {
    if (!this.#live.delete(key)) return false;
    this.#compact();
    return true;
  }

  shift(): string | undefined {
    for (let slot = this.#slots[this.#head]; slot !== undefined; slot = this.#slots[this.#head]) {
      this.#head++;
      this.#compact();
      if (this.#live.get(slot.key) === slot) {
        this.#live.delete(slot.key);
        return slot.key;
      }
    }
    return undefined;
  }

  clear(): void {
    this.#slots = [];
    this.#head = 0;
    this.#live.clear();
  }

  // Drops taken and removed slots once they are half the array, so memory follows the live keys
  // (amortized O(1): at least as many slots died since the last copy as this one copies).
  #compact(): void {
    if (this.#slots.length < 1024 || this.#live.size * 2 > this.#slots.length) return;
    this.#slots = this.#slots.slice(this.#head).filter((slot) => this.#live.get(slot.key) === slot);
    this.#head = 0;
  }
}

export class WorkQueue {
  readonly #clock: Clock;
  readonly #metrics: WorkQueueMetrics;
  readonly #backoff: PerKeyBackoff;
  readonly #backoffGcIntervalMs: number;
  /** Ready ordinary keys that are not being processed, in the order they became ready. */
  readonly #ready = new KeyFifo();
  /** Ready low-priority keys that are not being processed; handed out when `#ready` is empty. */
  readonly #readyLow = new KeyFifo();
  /** Keys that need a run, with the time they became due. */
  readonly #dirty = new Map<string, number>();
  /** Delayed or dirty keys whose every pending request is low-priority. */
  readonly #lowPriority = new Set<string>();
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

  /** Keys that need a run (ready in either lane, or re-added while being processed). */
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

  /** Makes `key` ready now; its backoff is kept. */
  add(key: string): void {
    if (this.#shuttingDown) return;
    this.#schedule(key, 0, 'ordinary');
  }

  /** Makes `key` ready after `delayMs`, unless it is already due earlier; its backoff is kept. */
  addAfter(key: string, delayMs: number): void {
    if (this.#shuttingDown) return;
    this.#schedule(key, delayMs, 'ordinary');
  }

  /**
   * Makes `key` ready after `delayMs`, unless it is already due earlier, behind every ordinary key.
   * It stays low only while no ordinary add of it is pending: the one run serves both requests.
   * Its backoff is kept.
   */
  addLowPriority(key: string, delayMs: number): void {
    if (this.#shuttingDown) return;
    this.#schedule(key, delayMs, 'low');
  }

  /** Counts a failure of `key` and makes it ready after its backoff delay. */
  addRateLimited(key: string): void {
    if (this.#shuttingDown) return;
    const delayMs = this.#backoff.next(key, this.#clock.now());
    this.#metrics.countRetry();
    this.#schedule(key, delayMs, 'ordinary');
    this.#armBackoffGc();
  }

  /** Resets the backoff of `key`: after a success, or when the object itself changed. */
  forget(key: string): void {
    this.#backoff.forget(key);
  }

  /**
   * Waits for the next ready key and marks it as being processed; the caller must call `done`.
   * Resolves to undefined once the queue shuts down.
   */
  get(): Promise<string | undefined> {
    if (this.#shuttingDown) return Promise.resolve(undefined);
    if (this.#readyCount > 0) return Promise.resolve(this.#take());
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
      this.#pushReady(key);
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
      this.#readyLow.clear();
      this.#dirty.clear();
      this.#lowPriority.clear();
      this.#backoff.clear();
      this.#metrics.setDepth(0);
      for (const resolve of this.#getters.splice(0)) resolve(undefined);
    }
    if (this.#processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#idleWaiters.push(resolve);
    });
  }

  #schedule(key: string, delayMs: number, priority: Priority): void {
    this.#mergePriority(key, priority);
    const now = this.#clock.now();
    if (delayMs <= 0) {
      // Due now: any later delivery of this key is superseded by the run this one causes.
      if (this.#delayed.delete(key)) this.#armDelayTimer();
      this.#markReady(key, now);
      this.#handOut();
      return;
    }
    if (this.#dirty.has(key)) return;
    if (this.#delayed.schedule(key, now + delayMs)) this.#armDelayTimer();
  }

  // A low request only marks a key that has nothing pending yet; an ordinary one upgrades it
  // wherever it waits (delayed, ready in the low lane, or dirty while processed).
  #mergePriority(key: string, priority: Priority): void {
    if (priority === 'low') {
      if (!this.#dirty.has(key) && this.#delayed.dueOf(key) === undefined) {
        this.#lowPriority.add(key);
      }
      return;
    }
    if (this.#lowPriority.delete(key) && this.#readyLow.delete(key)) this.#ready.push(key);
  }

  // The caller hands out afterwards, so that keys falling due together are all in their lanes
  // before a waiting worker picks one.
  #markReady(key: string, dueAt: number): void {
    if (this.#dirty.has(key)) return;
    this.#dirty.set(key, dueAt);
    this.#metrics.countAdd();
    this.#metrics.setDepth(this.#dirty.size);
    if (!this.#processing.has(key)) this.#pushReady(key);
  }

  #pushReady(key: string): void {
    (this.#lowPriority.has(key) ? this.#readyLow : this.#ready).push(key);
  }

  get #readyCount(): number {
    return this.#ready.length + this.#readyLow.length;
  }

  #handOut(): void {
    while (this.#readyCount > 0) {
      const resolve = this.#getters.shift();
      if (resolve === undefined) return;
      resolve(this.#take());
    }
  }

  #take(): string | undefined {
    const key = this.#ready.shift() ?? this.#readyLow.shift();
    if (key === undefined) return undefined;
    const now = this.#clock.now();
    const dueAt = this.#dirty.get(key) ?? now;
    this.#dirty.delete(key);
    // The run serves every pending request; the set holds only pending keys, so it does not grow.
    this.#lowPriority.delete(key);
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
      this.#handOut();
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
