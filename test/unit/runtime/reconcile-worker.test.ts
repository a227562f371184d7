import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../../src/runtime/clock.ts';
import { Logger } from '../../../src/runtime/logger.ts';
import { MetricsRegistry, registerControllerMetrics } from '../../../src/runtime/metrics.ts';
import {
  ReconcileResult,
  ReconcileWorker,
  requeueAfter,
} from '../../../src/runtime/reconcile-worker.ts';
import type { ReconcileWorkerOptions } from '../../../src/runtime/reconcile-worker.ts';
import { deferred, settle } from './settle.ts';
import type { Deferred } from './settle.ts';

type Reconcile = (key: string, signal: AbortSignal) => Promise<ReconcileResult>;

function setup(
  reconcile: Reconcile,
  options: Partial<ReconcileWorkerOptions> = {},
): {
  clock: ManualClock;
  worker: ReconcileWorker;
  registry: MetricsRegistry;
  logs: Record<string, unknown>[];
} {
  const clock = new ManualClock(1_000_000);
  const registry = new MetricsRegistry();
  const logs: Record<string, unknown>[] = [];
  const logger = new Logger({
    format: 'json',
    sink: (line) => logs.push(JSON.parse(line) as Record<string, unknown>),
    now: () => clock.now(),
  });
  const worker = new ReconcileWorker({
    name: 'federatedconfigmap',
    reconcile,
    logger,
    metrics: registerControllerMetrics(registry),
    clock,
    ...options,
  });
  return { clock, worker, registry, logs };
}

/** The value of one sample line of the exposed text, e.g. `name{a="b"}`. */
async function sample(registry: MetricsRegistry, series: string): Promise<number | undefined> {
  const line = (await registry.metrics()).split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** A reconcile that returns scripted results in order, recording the keys it saw. */
function scripted(...results: ReconcileResult[]): Reconcile & { calls: string[] } {
  const calls: string[] = [];
  const fn = (key: string): Promise<ReconcileResult> => {
    calls.push(key);
    return Promise.resolve(results[calls.length - 1] ?? ReconcileResult.AllOK);
  };
  return Object.assign(fn, { calls });
}

describe('ReconcileWorker', () => {
  it('does not requeue after AllOK', async () => {
    const reconcile = scripted(ReconcileResult.AllOK);
    const { worker, clock, registry } = setup(reconcile);
    worker.start();
    worker.enqueue('ns/a');
    await settle();
    clock.advance(120_000);
    await settle();
    assert.deepEqual(reconcile.calls, ['ns/a']);
    assert.equal(worker.queue.scheduledAt('ns/a'), undefined);
    assert.equal(
      await sample(
        registry,
        'controller_runtime_reconcile_total{controller="federatedconfigmap",result="success"}',
      ),
      1,
    );
    await worker.stop();
  });

  it('requeues NeedsRecheck after the retry delay', async () => {
    const reconcile = scripted(ReconcileResult.NeedsRecheck);
    const { worker, clock } = setup(reconcile);
    worker.start();
    worker.enqueue('ns/a');
    await settle();
    assert.equal(worker.queue.scheduledAt('ns/a'), clock.now() + 10_000);
    clock.advance(10_000);
    await settle();
    assert.deepEqual(reconcile.calls, ['ns/a', 'ns/a']);
    await worker.stop();
  });

  it('requeues NotSynced after the cluster-sync delay (default 0: right away)', async () => {
    const immediate = scripted(ReconcileResult.NotSynced);
    const first = setup(immediate);
    first.worker.start();
    first.worker.enqueue('ns/a');
    await settle();
    assert.deepEqual(immediate.calls, ['ns/a', 'ns/a']);
    await first.worker.stop();

    const delayed = scripted(ReconcileResult.NotSynced);
    const second = setup(delayed, { clusterSyncDelayMs: 1000 });
    second.worker.start();
    second.worker.enqueue('ns/a');
    await settle();
    assert.equal(second.worker.queue.scheduledAt('ns/a'), second.clock.now() + 1000);
    await second.worker.stop();
  });

  it('requeues Error with exponential backoff, and a later success resets it', async () => {
    const reconcile = scripted(
      ReconcileResult.Error,
      ReconcileResult.Error,
      ReconcileResult.Error,
      ReconcileResult.AllOK,
    );
    const { worker, clock, registry } = setup(reconcile);
    worker.start();
    worker.enqueue('ns/a');
    await settle();
    assert.equal(worker.queue.scheduledAt('ns/a'), clock.now() + 5_000);
    clock.advance(5_000);
    await settle();
    assert.equal(worker.queue.scheduledAt('ns/a'), clock.now() + 10_000);
    clock.advance(10_000);
    await settle();
    assert.equal(worker.queue.scheduledAt('ns/a'), clock.now() + 20_000);
    clock.advance(20_000);
    await settle();
    assert.equal(reconcile.calls.length, 4);
    assert.equal(worker.queue.failures('ns/a'), 0);
    const labels = '{controller="federatedconfigmap"}';
    assert.equal(await sample(registry, `controller_runtime_reconcile_errors_total${labels}`), 3);
    assert.equal(await sample(registry, `workqueue_retries_total{name="federatedconfigmap"}`), 3);
    await worker.stop();
  });

  it('counts a throwing reconcile as Error and logs it with the key', async () => {
    const { worker, clock, registry, logs } = setup((key) => {
      if (key === 'ns/bad') throw new Error('boom');
      return Promise.reject(new Error(`rejected ${key}`));
    });
    worker.start();
    worker.enqueue('ns/bad');
    worker.enqueue('ns/worse');
    await settle();
    assert.equal(worker.queue.scheduledAt('ns/bad'), clock.now() + 5_000);
    assert.equal(worker.queue.scheduledAt('ns/worse'), clock.now() + 5_000);
    const errors = logs.filter((l) => l['level'] === 'error');
    assert.deepEqual(
      errors.map((l) => [l['controller'], l['object'], l['error']]),
      [
        ['federatedconfigmap', 'ns/bad', 'boom'],
        ['federatedconfigmap', 'ns/worse', 'rejected ns/worse'],
      ],
    );
    assert.equal(
      await sample(
        registry,
        'controller_runtime_reconcile_total{controller="federatedconfigmap",result="error"}',
      ),
      2,
    );
    await worker.stop();
  });

  it('treats an unknown result as Error', async () => {
    const { worker, clock, logs } = setup(() => Promise.resolve('Bogus' as ReconcileResult));
    worker.start();
    worker.enqueue('ns/a');
    await settle();
    assert.equal(worker.queue.scheduledAt('ns/a'), clock.now() + 5_000);
    assert.equal(logs[0]?.['result'], 'Bogus');
    await worker.stop();
  });

  it('runs up to maxConcurrentReconciles keys at once, never the same key twice', async () => {
    const pending = new Map<string, Deferred<ReconcileResult>[]>();
    let running = 0;
    let maxRunning = 0;
    const { worker, registry } = setup(
      async (key) => {
        const d = deferred<ReconcileResult>();
        pending.set(key, [...(pending.get(key) ?? []), d]);
        running++;
        maxRunning = Math.max(maxRunning, running);
        try {
          return await d.promise;
        } finally {
          running--;
        }
      },
      { maxConcurrentReconciles: 2 },
    );
    worker.start();
    worker.enqueue('a');
    worker.enqueue('b');
    worker.enqueue('c');
    await settle();
    assert.equal(running, 2);
    assert.equal(
      await sample(registry, 'controller_runtime_active_workers{controller="federatedconfigmap"}'),
      2,
    );
    assert.equal(
      await sample(
        registry,
        'controller_runtime_max_concurrent_reconciles{controller="federatedconfigmap"}',
      ),
      2,
    );

    worker.enqueue('a');
    pending.get('b')?.[0]?.resolve(ReconcileResult.AllOK);
    await settle();
    assert.deepEqual([...pending.keys()], ['a', 'b', 'c'], 'c runs; a is not started twice');
    assert.equal(pending.get('a')?.length, 1);

    pending.get('a')?.[0]?.resolve(ReconcileResult.AllOK);
    await settle();
    assert.equal(pending.get('a')?.length, 2, 'the re-added a runs after the first finished');
    assert.equal(maxRunning, 2);

    pending.get('a')?.[1]?.resolve(ReconcileResult.AllOK);
    pending.get('c')?.[0]?.resolve(ReconcileResult.AllOK);
    await worker.stop();
    assert.equal(
      await sample(registry, 'controller_runtime_active_workers{controller="federatedconfigmap"}'),
      0,
    );
  });

  it('stop() waits for in-flight reconciles and then takes no more keys', async () => {
    const gate = deferred<ReconcileResult>();
    const calls: string[] = [];
    const { worker } = setup((key) => {
      calls.push(key);
      return gate.promise;
    });
    worker.start();
    worker.enqueue('a');
    worker.enqueue('b');
    await settle();
    let stopped = false;
    const stopping = worker.stop().then(() => {
      stopped = true;
    });
    await settle();
    assert.equal(stopped, false);
    gate.resolve(ReconcileResult.NeedsRecheck);
    await stopping;
    assert.deepEqual(calls, ['a'], 'b was waiting and is dropped');
    worker.enqueue('c');
    await settle();
    assert.deepEqual(calls, ['a']);
    assert.throws(() => {
      worker.start();
    }, /stopped/);
  });

  it('offers the enqueue variants of spec §4.1', async () => {
    const { worker, clock } = setup(scripted(), { retryDelayMs: 50, clusterSyncDelayMs: 1000 });
    const now = clock.now();
    worker.enqueueForRetry('retry');
    worker.enqueueForClusterSync('sync');
    worker.enqueueWithDelay('delay', 777);
    worker.enqueueForError('error');
    worker.enqueueForError('error');
    worker.enqueue('now');
    assert.equal(worker.queue.scheduledAt('retry'), now + 50);
    assert.equal(worker.queue.scheduledAt('sync'), now + 1000);
    assert.equal(worker.queue.scheduledAt('delay'), now + 777);
    assert.equal(worker.queue.scheduledAt('error'), now + 5000, 'earliest of 5 s and 10 s');
    assert.equal(worker.queue.failures('error'), 2);
    assert.equal(worker.queue.depth, 1);
    worker.enqueueWithDelay('error', 60_000);
    worker.enqueue('error');
    assert.equal(worker.queue.failures('error'), 2, 'an event keeps the backoff');
    worker.enqueueChanged('error');
    assert.equal(worker.queue.failures('error'), 0, 'a change of the object resets it');
    worker.enqueueChanged('delay');
    assert.equal(worker.queue.scheduledAt('delay'), undefined, 'and runs it now');
    assert.equal(worker.queue.depth, 3);
    await worker.stop();
  });

  it('runs a low-priority key after the ordinary keys enqueued with it', async () => {
    const gate = deferred<ReconcileResult>();
    const calls: string[] = [];
    const { worker, clock } = setup((key) => {
      calls.push(key);
      return key === 'ns/busy' ? gate.promise : Promise.resolve(ReconcileResult.AllOK);
    });
    worker.start();
    worker.enqueue('ns/busy');
    await settle();
    worker.enqueueLowPriority('ns/status', 0);
    worker.enqueue('ns/a');
    worker.enqueueWithDelay('ns/b', 0);
    gate.resolve(ReconcileResult.AllOK);
    await settle();
    assert.deepEqual(calls, ['ns/busy', 'ns/a', 'ns/b', 'ns/status']);

    // Due at the same time, with the worker idle: the timer readies both before one is taken.
    worker.enqueueLowPriority('ns/status', 1_000);
    worker.enqueueWithDelay('ns/a', 1_000);
    clock.advance(1_000);
    await settle();
    assert.deepEqual(calls.slice(4), ['ns/a', 'ns/status']);
    await worker.stop();
  });

  it('keys enqueued before start run once started', async () => {
    const reconcile = scripted();
    const { worker } = setup(reconcile);
    worker.enqueue('early');
    await settle();
    assert.deepEqual(reconcile.calls, []);
    worker.start();
    await settle();
    assert.deepEqual(reconcile.calls, ['early']);
    await worker.stop();
  });

  it('measures reconcile time and queue latency on the injected clock', async () => {
    const slow: { clock?: ManualClock } = {};
    const { worker, registry, clock } = setup(() => {
      slow.clock?.advance(300);
      return Promise.resolve(ReconcileResult.AllOK);
    });
    slow.clock = clock;
    worker.enqueueWithDelay('a', 100);
    clock.advance(150);
    worker.start();
    await settle();
    const text = await registry.metrics();
    assert.match(
      text,
      /^controller_runtime_reconcile_time_seconds_sum\{controller="federatedconfigmap"\} 0\.3$/m,
    );
    assert.match(
      text,
      /^controller_runtime_reconcile_time_seconds_bucket\{le="0\.25",controller="federatedconfigmap"\} 0$/m,
    );
    assert.match(
      text,
      /^controller_runtime_reconcile_time_seconds_bucket\{le="0\.3",controller="federatedconfigmap"\} 1$/m,
    );
    assert.match(
      text,
      /^workqueue_queue_duration_seconds_sum\{name="federatedconfigmap"\} 0\.05$/m,
    );
    assert.match(text, /^workqueue_work_duration_seconds_sum\{name="federatedconfigmap"\} 0\.3$/m);
    assert.match(text, /^workqueue_adds_total\{name="federatedconfigmap"\} 1$/m);
    assert.match(text, /^workqueue_depth\{name="federatedconfigmap"\} 0$/m);
    for (const result of ['success', 'error', 'needs_recheck', 'not_synced']) {
      assert.match(
        text,
        new RegExp(`result="${result}"`),
        `${result} series exists from the start`,
      );
    }
    await worker.stop();
  });

  it('rejects a bad concurrency', () => {
    assert.throws(() => setup(scripted(), { maxConcurrentReconciles: 0 }), /positive integer/);
  });
});

describe('ReconcileWorker results and cancellation', () => {
  it('runs a key again after requeueAfter, without backoff', async () => {
    const reconcile = scripted(requeueAfter(200), ReconcileResult.AllOK);
    const { worker, clock } = setup(reconcile);
    worker.start();
    worker.enqueue('ns/a');
    await settle();
    assert.equal(worker.queue.scheduledAt('ns/a'), clock.now() + 200);
    clock.advance(199);
    await settle();
    assert.deepEqual(reconcile.calls, ['ns/a']);
    clock.advance(1);
    await settle();
    assert.deepEqual(reconcile.calls, ['ns/a', 'ns/a']);
    await worker.stop();
  });

  it('gives each reconcile a signal that stop() aborts, and does not wait for the work', async () => {
    const started = deferred<AbortSignal>();
    const reconcile = (_key: string, signal: AbortSignal): Promise<ReconcileResult> => {
      started.resolve(signal);
      // A request that only its signal ends, as a member write in flight.
      return new Promise((_, reject) => {
        signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
      });
    };
    const { worker, logs } = setup(reconcile);
    worker.start();
    worker.enqueue('ns/a');
    const signal = await started.promise;
    assert.equal(signal.aborted, false);
    await worker.stop();
    assert.equal(signal.aborted, true);
    // Cancelled work is not an object's failure: nothing is logged as one.
    assert.deepEqual(
      logs.filter((l) => l['level'] === 'error'),
      [],
    );
  });

  it('ends with the term: an aborted term signal stops reconciles and requeues', async () => {
    const term = new AbortController();
    const reconcile = scripted(ReconcileResult.NeedsRecheck);
    const { worker } = setup(reconcile, { signal: term.signal });
    worker.start();
    worker.enqueue('ns/a');
    await settle();
    assert.deepEqual(reconcile.calls, ['ns/a']);
    term.abort();
    worker.enqueue('ns/b');
    await settle();
    assert.deepEqual(reconcile.calls, ['ns/a']);
    await worker.stop();
  });

  it('asks isLeading before each reconcile: a term past its deadline reconciles nothing more', async () => {
    let leading = true;
    const reconcile = scripted();
    const { worker } = setup(reconcile, { isLeading: () => leading });
    worker.start();
    worker.enqueue('ns/a');
    await settle();
    leading = false;
    worker.enqueue('ns/b');
    await settle();
    assert.deepEqual(reconcile.calls, ['ns/a']);
    await worker.stop();
  });
});
