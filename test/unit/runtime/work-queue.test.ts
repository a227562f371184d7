import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../../src/runtime/clock.ts';
import { DelayHeap } from '../../../src/runtime/delay-heap.ts';
import { WorkQueue } from '../../../src/runtime/work-queue.ts';
import type { WorkQueueMetrics } from '../../../src/runtime/work-queue.ts';
import { settle } from './settle.ts';

interface RecordedMetrics extends WorkQueueMetrics {
  depth: number;
  adds: number;
  retries: number;
  queueDurations: number[];
  workDurations: number[];
}

function recordingMetrics(): RecordedMetrics {
  const m: RecordedMetrics = {
    depth: 0,
    adds: 0,
    retries: 0,
    queueDurations: [],
    workDurations: [],
    setDepth: (depth) => {
      m.depth = depth;
    },
    countAdd: () => {
      m.adds++;
    },
    countRetry: () => {
      m.retries++;
    },
    observeQueueDuration: (s) => {
      m.queueDurations.push(s);
    },
    observeWorkDuration: (s) => {
      m.workDurations.push(s);
    },
  };
  return m;
}

function setup(): { clock: ManualClock; queue: WorkQueue; metrics: RecordedMetrics } {
  const clock = new ManualClock(1_000_000);
  const metrics = recordingMetrics();
  return { clock, metrics, queue: new WorkQueue({ clock, metrics }) };
}

const PENDING = Symbol('pending');

/** Starts a `get` and reports whether it has resolved yet. */
function pendingGet(queue: WorkQueue): { result: () => string | undefined | typeof PENDING } {
  let value: string | undefined | typeof PENDING = PENDING;
  void queue.get().then((key) => {
    value = key;
  });
  return { result: () => value };
}

describe('WorkQueue', () => {
  it('de-duplicates keys that are waiting and hands them out first in, first out', async () => {
    const { queue, metrics } = setup();
    queue.add('ns/a');
    queue.add('ns/b');
    queue.add('ns/a');
    assert.equal(queue.depth, 2);
    assert.equal(metrics.adds, 2);
    assert.equal(metrics.depth, 2);
    assert.equal(await queue.get(), 'ns/a');
    assert.equal(await queue.get(), 'ns/b');
    assert.equal(queue.depth, 0);
    assert.equal(metrics.depth, 0);
  });

  it('keeps the earliest scheduled time for a key', () => {
    const { clock, queue } = setup();
    const t0 = clock.now();
    queue.addAfter('k', 10_000);
    queue.addAfter('k', 5_000);
    queue.addAfter('k', 20_000);
    assert.equal(queue.scheduledAt('k'), t0 + 5_000);
    assert.equal(queue.delayedCount, 1);
    clock.advance(4_999);
    assert.equal(queue.depth, 0);
    clock.advance(1);
    assert.equal(queue.depth, 1);
    assert.equal(queue.delayedCount, 0);
    assert.equal(clock.pendingTimers, 0, 'no timer left once nothing is delayed');
  });

  it('drops a later delivery when the key is added now, and ignores delays for ready keys', () => {
    const { clock, queue } = setup();
    queue.addAfter('k', 5_000);
    queue.add('k');
    assert.equal(queue.scheduledAt('k'), undefined);
    queue.addAfter('k', 1_000);
    assert.equal(queue.scheduledAt('k'), undefined, 'already due now, which is earlier');
    clock.advance(10_000);
    assert.equal(queue.depth, 1);
  });

  it('delivers delayed keys in due order', async () => {
    const { clock, queue } = setup();
    queue.addAfter('c', 300);
    queue.addAfter('a', 100);
    queue.addAfter('b', 200);
    clock.advance(300);
    assert.deepEqual([await queue.get(), await queue.get(), await queue.get()], ['a', 'b', 'c']);
  });

  it('never hands a key to two workers at once; a key added while processed runs after done', async () => {
    const { queue } = setup();
    queue.add('k');
    assert.equal(await queue.get(), 'k');
    queue.add('k');
    assert.equal(queue.depth, 1, 'the re-add is remembered');
    const second = pendingGet(queue);
    await settle();
    assert.equal(second.result(), PENDING, 'not handed out while still being processed');
    queue.done('k');
    await settle();
    assert.equal(second.result(), 'k');
    assert.equal(queue.processingCount, 1);
  });

  it('does not run a key again after done when it was not re-added', async () => {
    const { queue } = setup();
    queue.add('k');
    await queue.get();
    queue.done('k');
    const next = pendingGet(queue);
    await settle();
    assert.equal(next.result(), PENDING);
    assert.equal(queue.depth, 0);
  });

  it('wakes a waiting worker when a key is added', async () => {
    const { queue } = setup();
    const waiting = pendingGet(queue);
    await settle();
    assert.equal(waiting.result(), PENDING);
    queue.add('k');
    await settle();
    assert.equal(waiting.result(), 'k');
  });

  it('backs off failing keys exponentially up to the cap; only forget resets it', async () => {
    const { clock, queue, metrics } = setup();
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      queue.addRateLimited('k');
      const due = queue.scheduledAt('k');
      assert.ok(due !== undefined);
      delays.push(due - clock.now());
      clock.advance(due - clock.now());
      assert.equal(await queue.get(), 'k');
      queue.done('k');
    }
    assert.deepEqual(delays, [5000, 10000, 20000, 40000, 60000, 60000]);
    assert.equal(queue.failures('k'), 6);
    assert.equal(metrics.retries, 6);

    queue.forget('k');
    assert.equal(queue.failures('k'), 0);
    queue.addRateLimited('k');
    assert.equal(queue.scheduledAt('k'), clock.now() + 5000, 'starts over after forget');
  });

  it('keeps the backoff of a key queued again by add, addAfter or addLowPriority', async () => {
    const { clock, queue } = setup();
    const fail = (): number => {
      queue.addRateLimited('k');
      const due = queue.scheduledAt('k');
      assert.ok(due !== undefined);
      return due - clock.now();
    };
    assert.equal(fail(), 5000);
    // An event runs the key at once, but the failure count stays.
    queue.add('k');
    assert.equal(queue.scheduledAt('k'), undefined, 'add makes it ready now');
    assert.equal(queue.failures('k'), 1, 'add keeps the failure count');
    assert.equal(await queue.get(), 'k');
    queue.done('k');
    assert.equal(fail(), 10_000, 'the next failure waits longer');

    queue.addAfter('k', 1);
    assert.equal(queue.failures('k'), 2, 'addAfter keeps it');
    assert.equal(queue.scheduledAt('k'), clock.now() + 1, 'the earlier time wins');
    clock.advance(1);
    assert.equal(await queue.get(), 'k');
    queue.done('k');
    assert.equal(fail(), 20_000);

    queue.addLowPriority('k', 1);
    assert.equal(queue.failures('k'), 3, 'addLowPriority keeps it');
    clock.advance(1);
    assert.equal(await queue.get(), 'k');
    queue.done('k');
    assert.equal(fail(), 40_000);

    // Events while the key is being processed do not reset it either.
    clock.advance(40_000);
    assert.equal(await queue.get(), 'k');
    queue.add('k');
    queue.done('k');
    assert.equal(queue.failures('k'), 4);
    assert.equal(await queue.get(), 'k');
    queue.done('k');
    assert.equal(fail(), 60_000, 'capped');
  });

  it('expires the backoff of a key idle for more than twice the cap', () => {
    const { clock, queue } = setup();
    queue.addRateLimited('k');
    queue.addRateLimited('k');
    assert.equal(queue.failures('k'), 2);
    clock.advance(120_000);
    assert.equal(queue.failures('k'), 2, 'not idle for more than 2 x 60 s yet');
    clock.advance(1);
    assert.equal(queue.failures('k'), 0);
  });

  it('uses a configurable backoff', () => {
    const clock = new ManualClock();
    const queue = new WorkQueue({ clock, backoff: { initialMs: 50, maxMs: 100 } });
    queue.addRateLimited('k');
    assert.equal(queue.scheduledAt('k'), 50);
  });

  it('garbage-collects idle backoff entries and then stops its collection timer', () => {
    const { clock, queue } = setup();
    queue.addRateLimited('k');
    assert.equal(queue.backoffEntries, 1);
    clock.advance(60_000);
    assert.equal(queue.backoffEntries, 1, 'not idle for 2 x 60 s yet');
    clock.advance(120_000);
    assert.equal(queue.backoffEntries, 0);
    assert.equal(clock.pendingTimers, 0);
  });

  it('reports time from due to pick-up and processing time', async () => {
    const { clock, queue, metrics } = setup();
    queue.addAfter('k', 1000);
    clock.advance(1250);
    assert.equal(await queue.get(), 'k');
    clock.advance(100);
    queue.done('k');
    assert.deepEqual(metrics.queueDurations, [0.25]);
    assert.deepEqual(metrics.workDurations, [0.1]);
  });

  it('shuts down: waiting workers get undefined, adds are ignored, in-flight keys are awaited', async () => {
    const { clock, queue } = setup();
    queue.add('busy');
    assert.equal(await queue.get(), 'busy');
    queue.add('queued');
    queue.addAfter('later', 1000);
    const secondWorker = pendingGet(queue);
    const waitingWorker = pendingGet(queue);
    await settle();

    let stopped = false;
    const stopping = queue.shutDown().then(() => {
      stopped = true;
    });
    await settle();
    assert.equal(stopped, false, 'waits for the key being processed');
    assert.equal(secondWorker.result(), 'queued', 'this get had already been given a key');
    assert.equal(waitingWorker.result(), undefined);
    assert.equal(queue.depth, 0);
    assert.equal(clock.pendingTimers, 0);
    queue.add('new');
    assert.equal(queue.depth, 0);
    assert.equal(await queue.get(), undefined);

    queue.done('busy');
    queue.done('queued');
    await stopping;
    assert.equal(stopped, true);
  });
});

describe('WorkQueue low-priority lane', () => {
  /** Takes every ready key, marking each done, in the order workers would get them. */
  async function drain(queue: WorkQueue): Promise<string[]> {
    const keys: string[] = [];
    while (queue.depth > 0) {
      const key = await queue.get();
      assert.ok(key !== undefined);
      keys.push(key);
      queue.done(key);
    }
    return keys;
  }

  it('hands out ordinary keys before low ones, first in first out within each lane', async () => {
    const { queue, metrics } = setup();
    queue.addLowPriority('low1', 0);
    queue.add('ord1');
    queue.addLowPriority('low2', 0);
    queue.add('ord2');
    queue.addLowPriority('low1', 0);
    assert.equal(queue.depth, 4, 'depth counts both lanes');
    assert.equal(metrics.depth, 4);
    assert.equal(metrics.adds, 4);
    assert.deepEqual(await drain(queue), ['ord1', 'ord2', 'low1', 'low2']);
    assert.equal(metrics.depth, 0);
  });

  it('upgrades a ready low key on any ordinary add, moving it behind the ordinary keys', async () => {
    const { queue, metrics } = setup();
    queue.addLowPriority('low', 0);
    queue.addLowPriority('a', 0);
    queue.addLowPriority('b', 0);
    queue.addLowPriority('c', 0);
    queue.add('ord');
    queue.addAfter('b', 5_000);
    queue.addRateLimited('c');
    queue.add('a');
    assert.equal(queue.scheduledAt('b'), undefined, 'already due now, which is earlier');
    assert.equal(queue.scheduledAt('c'), undefined);
    assert.equal(queue.failures('c'), 1);
    assert.equal(queue.depth, 5, 'an upgrade is not another add');
    assert.equal(metrics.adds, 5);
    assert.deepEqual(await drain(queue), ['ord', 'b', 'c', 'a', 'low']);
  });

  it('keeps a key ordinary when a low add joins an ordinary one, ready or delayed', async () => {
    const { clock, queue } = setup();
    queue.addLowPriority('low', 0);
    queue.add('ready');
    queue.addLowPriority('ready', 0);
    queue.addLowPriority('ready', 1_000);
    assert.deepEqual(await drain(queue), ['ready', 'low']);

    queue.addLowPriority('low', 500);
    queue.addAfter('delayed', 2_000);
    queue.addLowPriority('delayed', 500);
    assert.equal(queue.scheduledAt('delayed'), clock.now() + 500, 'the earlier time wins');
    clock.advance(500);
    assert.deepEqual(await drain(queue), ['delayed', 'low']);
  });

  it('upgrades a delayed low key and keeps its earliest time', async () => {
    const { clock, queue } = setup();
    const t0 = clock.now();
    queue.addLowPriority('low', 5_000);
    queue.addLowPriority('k', 5_000);
    queue.addLowPriority('k', 8_000);
    assert.equal(queue.scheduledAt('k'), t0 + 5_000, 'a later low request never postpones');
    queue.addAfter('k', 10_000);
    assert.equal(queue.scheduledAt('k'), t0 + 5_000, 'nor does a later ordinary one');
    queue.addLowPriority('k', 3_000);
    assert.equal(queue.scheduledAt('k'), t0 + 3_000);
    clock.advance(3_000);
    queue.addLowPriority('other', 0);
    clock.advance(2_000);
    assert.deepEqual(await drain(queue), ['k', 'other', 'low']);

    queue.addLowPriority('low', 1_000);
    queue.addLowPriority('k', 1_000);
    queue.addAfter('k', 500);
    assert.equal(queue.scheduledAt('k'), clock.now() + 500, 'an earlier ordinary request wins');
    clock.advance(1_000);
    assert.deepEqual(await drain(queue), ['k', 'low']);
  });

  it('gives a waiting worker the ordinary key among keys that fall due together', async () => {
    const { clock, queue } = setup();
    queue.addLowPriority('low', 1_000);
    queue.addAfter('ord', 1_000);
    const waiting = pendingGet(queue);
    await settle();
    clock.advance(1_000);
    await settle();
    assert.equal(waiting.result(), 'ord');
    queue.done('ord');
    assert.equal(await queue.get(), 'low');
  });

  it('puts a key re-added while processed in the lane of its merged priority after done', async () => {
    const { queue } = setup();
    queue.add('k');
    assert.equal(await queue.get(), 'k');
    queue.addLowPriority('k', 0);
    queue.addLowPriority('low', 0);
    const next = pendingGet(queue);
    await settle();
    assert.equal(next.result(), 'low', 'k is not handed out while processed');
    queue.add('ord');
    queue.done('low');
    queue.done('k');
    assert.deepEqual(await drain(queue), ['ord', 'k'], 'k runs again, as a low key');

    queue.add('k');
    assert.equal(await queue.get(), 'k');
    queue.addLowPriority('k', 0);
    queue.add('k');
    queue.addLowPriority('low', 0);
    queue.done('k');
    assert.deepEqual(await drain(queue), ['k', 'low'], 'the ordinary re-add upgraded it');
  });

  it('places a low key upgraded, run and added low again at its new turn', async () => {
    const { queue } = setup();
    queue.addLowPriority('first', 0);
    queue.addLowPriority('k', 0);
    queue.addLowPriority('second', 0);
    queue.add('k');
    assert.equal(await queue.get(), 'k');
    queue.done('k');
    queue.addLowPriority('k', 0);
    assert.deepEqual(await drain(queue), ['first', 'second', 'k']);
  });

  it('keeps both lanes first in first out through many upgrades', async () => {
    const { queue } = setup();
    const keys = Array.from({ length: 3_000 }, (_, i) => `k${i}`);
    for (const key of keys) queue.addLowPriority(key, 0);
    const upgraded = keys.filter((_, i) => i % 3 === 0);
    for (const key of upgraded) queue.add(key);
    const order = await drain(queue);
    assert.deepEqual(order, [...upgraded, ...keys.filter((_, i) => i % 3 !== 0)]);
  });

  it('drops low keys on shutdown like ordinary ones', async () => {
    const { clock, queue, metrics } = setup();
    queue.add('busy');
    assert.equal(await queue.get(), 'busy');
    queue.addLowPriority('busy', 0);
    queue.addLowPriority('ready', 0);
    queue.addLowPriority('later', 1_000);
    const stopping = queue.shutDown();
    assert.equal(queue.depth, 0);
    assert.equal(queue.delayedCount, 0);
    assert.equal(metrics.depth, 0);
    assert.equal(clock.pendingTimers, 0);
    queue.addLowPriority('new', 0);
    assert.equal(queue.depth, 0);
    assert.equal(await queue.get(), undefined);
    queue.done('busy');
    await stopping;
    assert.equal(queue.depth, 0, 'the key re-added while processed does not come back');
  });
});

describe('DelayHeap', () => {
  it('pops keys in due order whatever the insertion order, ties first in first out', () => {
    const heap = new DelayHeap();
    const dues = new Map<string, number>();
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 500; i++) {
      const key = `k${Math.floor(random() * 200)}`;
      const due = Math.floor(random() * 1000);
      heap.schedule(key, due);
      dues.set(key, Math.min(due, dues.get(key) ?? Infinity));
      if (random() < 0.1) {
        heap.delete(key);
        dues.delete(key);
      }
    }
    const popped = heap.popDue(Infinity);
    assert.equal(popped.length, dues.size);
    for (const { key, due } of popped) assert.equal(due, dues.get(key));
    for (let i = 1; i < popped.length; i++) {
      assert.ok((popped[i - 1]?.due ?? 0) <= (popped[i]?.due ?? 0));
    }
    assert.equal(heap.size, 0);
  });

  it('only pops what is due', () => {
    const heap = new DelayHeap();
    heap.schedule('a', 10);
    heap.schedule('b', 10);
    heap.schedule('c', 20);
    assert.deepEqual(
      heap.popDue(15).map((e) => e.key),
      ['a', 'b'],
    );
    assert.equal(heap.peekDue(), 20);
  });
});
