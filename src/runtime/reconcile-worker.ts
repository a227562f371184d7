// KubeFed's ReconcileWorker (spec §4.1): `maxConcurrentReconciles` workers pull keys (`ns/name`)
// from a work queue and call `reconcile`; its result decides when the key runs again, so a
// reconcile never waits itself (controller-runtime's reconcileHandler). Event handlers only call
// the enqueue methods. A reconcile that throws counts as `Error` and is logged with its key: one
// bad object never stops the others, nor the process. Every reconcile gets the worker's signal,
// which aborts when the leadership term ends or the worker stops: in-flight calls are cancelled
// instead of waited for.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { BackoffOptions } from './backoff.ts';
import { systemClock } from './clock.ts';
import type { Clock } from './clock.ts';
import type { Logger } from './logger.ts';
import type { ControllerMetrics } from './metrics.ts';
import { WorkQueue } from './work-queue.ts';
import type { WorkQueueMetrics } from './work-queue.ts';

export const ReconcileResult = {
  AllOK: 'AllOK',
  Error: 'Error',
  NeedsRecheck: 'NeedsRecheck',
  NotSynced: 'NotSynced',
} as const;
type NamedResult = (typeof ReconcileResult)[keyof typeof ReconcileResult];
/** Run the key again after `requeueAfterMs`, without counting it as a failure. */
export interface RequeueAfter {
  requeueAfterMs: number;
}
export type ReconcileResult = NamedResult | RequeueAfter;

export function requeueAfter(ms: number): RequeueAfter {
  return { requeueAfterMs: ms };
}

/** `result` label of controller_runtime_reconcile_total. */
const resultLabel: Readonly<Record<NamedResult | 'RequeueAfter', string>> = {
  AllOK: 'success',
  Error: 'error',
  NeedsRecheck: 'needs_recheck',
  NotSynced: 'not_synced',
  RequeueAfter: 'requeue_after',
};

function labelOf(result: ReconcileResult): keyof typeof resultLabel {
  return typeof result === 'string' ? result : 'RequeueAfter';
}

function isResult(value: unknown): value is ReconcileResult {
  if (typeof value === 'string')
    return Object.hasOwn(resultLabel, value) && value !== 'RequeueAfter';
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { requeueAfterMs?: unknown }).requeueAfterMs === 'number'
  );
}

/** Reconciles slower than this are logged at v(4), as KubeFed does. */
const LONG_RECONCILE_MS = 10_000;

export interface ReconcileWorkerOptions {
  /** Controller name: the `controller` and workqueue `name` metric label. */
  name: string;
  reconcile: (key: string, signal: AbortSignal) => Promise<ReconcileResult>;
  /** Ends the work (the leadership term); stop() ends it too. */
  signal?: AbortSignal;
  /**
   * Asked before each reconcile (the term's clock check): after a freeze, a queue timer may run
   * before the term's own deadline timer has aborted the signal.
   */
  isLeading?: () => boolean;
  logger: Logger;
  metrics: ControllerMetrics;
  clock?: Clock;
  /** Default 1. */
  maxConcurrentReconciles?: number;
  /** Delay after `NeedsRecheck` and for `enqueueForRetry`; default 10 s. */
  retryDelayMs?: number;
  /** Delay after `NotSynced` and for `enqueueForClusterSync`; default 0. */
  clusterSyncDelayMs?: number;
  /** Backoff after `Error`; default 5 s, x2, at most 60 s. */
  backoff?: Partial<BackoffOptions>;
}

export class ReconcileWorker {
  readonly name: string;
  readonly maxConcurrentReconciles: number;
  readonly retryDelayMs: number;
  readonly clusterSyncDelayMs: number;
  readonly #reconcile: (key: string, signal: AbortSignal) => Promise<ReconcileResult>;
  readonly #stop = new AbortController();
  readonly #signal: AbortSignal;
  readonly #isLeading: () => boolean;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #queue: WorkQueue;
  readonly #metrics: {
    total: Readonly<Record<keyof typeof resultLabel, { inc(): void }>>;
    errors: { inc(): void };
    time: { observe(seconds: number): void };
    maxConcurrent: { set(value: number): void };
    active: { inc(): void; dec(): void; set(value: number): void };
  };
  #workers: Promise<void>[] | undefined;
  #stopping: Promise<void> | undefined;

  constructor(options: ReconcileWorkerOptions) {
    const concurrency = options.maxConcurrentReconciles ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new Error(
        `${options.name}: maxConcurrentReconciles must be a positive integer, got ${concurrency}`,
      );
    }
    this.name = options.name;
    this.maxConcurrentReconciles = concurrency;
    this.retryDelayMs = options.retryDelayMs ?? 10_000;
    this.clusterSyncDelayMs = options.clusterSyncDelayMs ?? 0;
    this.#reconcile = options.reconcile;
    this.#isLeading = options.isLeading ?? (() => true);
    this.#signal = options.signal
      ? AbortSignal.any([options.signal, this.#stop.signal])
      : this.#stop.signal;
    this.#logger = options.logger.child({ controller: options.name });
    this.#clock = options.clock ?? systemClock();

    const m = options.metrics;
    const controller = { controller: options.name };
    const total = (result: keyof typeof resultLabel): { inc(): void } =>
      m.reconcileTotal.labels({ ...controller, result: resultLabel[result] });
    // Every series exists from the start, so dashboards see zeros rather than gaps.
    this.#metrics = {
      total: {
        AllOK: total('AllOK'),
        Error: total('Error'),
        NeedsRecheck: total('NeedsRecheck'),
        NotSynced: total('NotSynced'),
        RequeueAfter: total('RequeueAfter'),
      },
      errors: m.reconcileErrorsTotal.labels(controller),
      time: m.reconcileTimeSeconds.labels(controller),
      maxConcurrent: m.maxConcurrentReconciles.labels(controller),
      active: m.activeWorkers.labels(controller),
    };
    const queueOptions = {
      clock: this.#clock,
      metrics: workQueueMetrics(m, options.name),
    };
    this.#queue = new WorkQueue(
      options.backoff === undefined ? queueOptions : { ...queueOptions, backoff: options.backoff },
    );
  }

  /** The underlying queue, for introspection (depth, scheduled times). */
  get queue(): WorkQueue {
    return this.#queue;
  }

  /** Starts the workers; calling it again does nothing. */
  start(): void {
    if (this.#stopping !== undefined) throw new Error(`${this.name}: worker was stopped`);
    if (this.#workers !== undefined) return;
    this.#metrics.maxConcurrent.set(this.maxConcurrentReconciles);
    this.#metrics.active.set(0);
    this.#workers = Array.from({ length: this.maxConcurrentReconciles }, () => this.#runWorker());
  }

  /** Stops taking keys, aborts in-flight reconciles and resolves once they have returned. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#stop.abort(new Error(`${this.name}: worker stopped`));
      await this.#queue.shutDown();
      await Promise.all(this.#workers ?? []);
    })();
    return this.#stopping;
  }

  /** Reconcile `key` now; its failure count (backoff) is kept: see `enqueueChanged`. */
  enqueue(key: string): void {
    this.#queue.add(key);
  }

  /**
   * The object of `key` itself changed (a new generation, deletion): what failed before may work
   * now, so its backoff starts over, and it is reconciled now.
   */
  enqueueChanged(key: string): void {
    this.#queue.forget(key);
    this.#queue.add(key);
  }

  /** Reconcile `key` after the retry delay; its backoff is kept. */
  enqueueForRetry(key: string): void {
    this.#queue.addAfter(key, this.retryDelayMs);
  }

  /** Reconcile `key` after the cluster-sync delay; its backoff is kept. */
  enqueueForClusterSync(key: string): void {
    this.#queue.addAfter(key, this.clusterSyncDelayMs);
  }

  /** Reconcile `key` after `delayMs` (or earlier if already scheduled earlier); its backoff is kept. */
  enqueueWithDelay(key: string, delayMs: number): void {
    this.#queue.addAfter(key, delayMs);
  }

  /**
   * Reconcile `key` after `delayMs`, behind every ordinary key: for passes that only collect
   * status. An ordinary enqueue of the key before it runs makes that run ordinary; its backoff is
   * kept.
   */
  enqueueLowPriority(key: string, delayMs: number): void {
    this.#queue.addLowPriority(key, delayMs);
  }

  /** Reconcile `key` after its next backoff delay. */
  enqueueForError(key: string): void {
    this.#queue.addRateLimited(key);
  }

  async #runWorker(): Promise<void> {
    for (let key = await this.#queue.get(); key !== undefined; key = await this.#queue.get()) {
      if (this.#signal.aborted || !this.#isLeading()) {
        this.#queue.done(key);
        break;
      }
      const result = await this.#process(key);
      this.#queue.done(key);
      this.#requeue(key, result);
      // Let timers and I/O run between keys even when reconciles resolve without waiting.
      await nextTurn();
    }
  }

  async #process(key: string): Promise<ReconcileResult> {
    const started = this.#clock.now();
    this.#metrics.active.inc();
    let result: ReconcileResult;
    try {
      result = await this.#reconcile(key, this.#signal);
      // Guards JavaScript callers and `as` casts; the type already rules this out.
      if (!isResult(result)) {
        const returned: unknown = result;
        this.#logger.error(
          'Reconcile returned an unknown result; retrying with backoff',
          undefined,
          {
            object: key,
            result: returned,
          },
        );
        result = ReconcileResult.Error;
      }
    } catch (err) {
      // Cancelled by the end of the term or a stop: not a failure of the object.
      if (!this.#signal.aborted) {
        this.#logger.error('Reconcile failed with an exception; retrying with backoff', err, {
          object: key,
        });
      }
      result = ReconcileResult.Error;
    }
    this.#metrics.active.dec();
    const elapsedMs = Math.max(0, this.#clock.now() - started);
    this.#metrics.time.observe(elapsedMs / 1000);
    this.#metrics.total[labelOf(result)].inc();
    if (result === ReconcileResult.Error) this.#metrics.errors.inc();
    if (elapsedMs > LONG_RECONCILE_MS) {
      this.#logger
        .v(4)
        .info('Reconcile took long to complete', { object: key, durationMs: elapsedMs });
    }
    return result;
  }

  #requeue(key: string, result: ReconcileResult): void {
    if (this.#signal.aborted) return;
    if (typeof result === 'object') {
      this.#queue.addAfter(key, result.requeueAfterMs);
      return;
    }
    switch (result) {
      case ReconcileResult.AllOK:
        this.#queue.forget(key);
        return;
      case ReconcileResult.Error:
        this.#queue.addRateLimited(key);
        return;
      case ReconcileResult.NeedsRecheck:
        this.#queue.addAfter(key, this.retryDelayMs);
        return;
      case ReconcileResult.NotSynced:
        this.#queue.addAfter(key, this.clusterSyncDelayMs);
        return;
    }
  }
}

/** The queue's reports, as client-go workqueue metrics labelled with the queue's name. */
function workQueueMetrics(metrics: ControllerMetrics, name: string): WorkQueueMetrics {
  const depth = metrics.workQueueDepth.labels({ name });
  const adds = metrics.workQueueAddsTotal.labels({ name });
  const queueDuration = metrics.workQueueQueueDurationSeconds.labels({ name });
  const workDuration = metrics.workQueueWorkDurationSeconds.labels({ name });
  const retries = metrics.workQueueRetriesTotal.labels({ name });
  return {
    setDepth: (value) => {
      depth.set(value);
    },
    countAdd: () => {
      adds.inc();
    },
    observeQueueDuration: (seconds) => {
      queueDuration.observe(seconds);
    },
    observeWorkDuration: (seconds) => {
      workDuration.observe(seconds);
    },
    countRetry: () => {
      retries.inc();
    },
  };
}
