import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { KubeClient } from '../../../src/kube/client.ts';
import type { ResourceRef } from '../../../src/kube/resource.ts';
import { ConcurrencyLimit, TokenBucket } from '../../../src/kube/throttle.ts';

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

describe('TokenBucket', () => {
  it('starts full: a burst goes through at once, then one token per 1/qps', () => {
    const c = clock();
    const bucket = new TokenBucket({ qps: 5, burst: 3, now: c.now });
    assert.equal(bucket.tryTake(), true);
    assert.equal(bucket.tryTake(), true);
    assert.equal(bucket.tryTake(), true);
    assert.equal(bucket.tryTake(), false);
    c.advance(199);
    assert.equal(bucket.tryTake(), false);
    c.advance(1);
    assert.equal(bucket.tryTake(), true);
    assert.equal(bucket.tryTake(), false);
  });

  it('never holds more than burst, however long it was idle', () => {
    const c = clock();
    const bucket = new TokenBucket({ qps: 10, burst: 2, now: c.now });
    c.advance(60_000);
    assert.equal(bucket.tokens, 2);
    assert.equal(bucket.reserve(), 0);
    assert.equal(bucket.reserve(), 0);
    assert.equal(bucket.reserve(), 100);
  });

  it('reserves in arrival order: each waiter gets the next slot at exactly qps', () => {
    const c = clock();
    const bucket = new TokenBucket({ qps: 4, burst: 1, now: c.now });
    assert.deepEqual(
      [1, 2, 3, 4].map(() => bucket.reserve()),
      [0, 250, 500, 750],
    );
    c.advance(500);
    // Two slots were paid back meanwhile; one reservation is still ahead of this one.
    assert.equal(bucket.reserve(), 500);
  });

  it('gives a cancelled reservation back', () => {
    const c = clock();
    const bucket = new TokenBucket({ qps: 2, burst: 1, now: c.now });
    assert.equal(bucket.reserve(), 0);
    assert.equal(bucket.reserve(), 500);
    bucket.cancel();
    assert.equal(bucket.reserve(), 500);
  });

  it('defaults burst to ceil(qps) and rejects nonsense', () => {
    assert.equal(new TokenBucket({ qps: 20 }).burst, 20);
    assert.equal(new TokenBucket({ qps: 0.5 }).burst, 1);
    assert.throws(() => new TokenBucket({ qps: 0 }), /invalid QPS 0/);
    assert.throws(() => new TokenBucket({ qps: -1 }), /invalid QPS/);
    assert.throws(() => new TokenBucket({ qps: 5, burst: 0 }), /invalid burst 0/);
    assert.throws(() => new TokenBucket({ qps: 5, burst: 1.5 }), /invalid burst/);
  });

  it('take() waits for its slot and can be aborted, returning the token', async () => {
    const bucket = new TokenBucket({ qps: 20, burst: 1 });
    await bucket.take();
    const started = performance.now();
    await bucket.take();
    assert.ok(performance.now() - started >= 40, 'second take waited ~50 ms');

    const controller = new AbortController();
    const waiting = bucket.take(controller.signal);
    controller.abort(new Error('gave up'));
    await assert.rejects(waiting, /gave up/);
    await assert.rejects(bucket.take(controller.signal), /gave up/);
  });
});

describe('ConcurrencyLimit', () => {
  it('lets `limit` holders in and the rest in arrival order', async () => {
    const limit = new ConcurrencyLimit(2);
    const order: string[] = [];
    const a = await limit.acquire();
    const b = await limit.acquire();
    const c = limit.acquire().then((release) => {
      order.push('c');
      return release;
    });
    const d = limit.acquire().then((release) => {
      order.push('d');
      return release;
    });
    assert.equal(limit.waiting, 2);
    a();
    a(); // releasing twice frees one slot only
    (await c)();
    b();
    (await d)();
    assert.deepEqual(order, ['c', 'd']);
    assert.equal(limit.active, 0);
  });

  it('drops an aborted waiter from the queue', async () => {
    const limit = new ConcurrencyLimit(1);
    const held = await limit.acquire();
    const controller = new AbortController();
    const waiting = limit.acquire(controller.signal);
    controller.abort(new Error('timeout'));
    await assert.rejects(waiting, /timeout/);
    assert.equal(limit.waiting, 0);
    held();
    assert.equal(limit.active, 0);
    assert.throws(() => new ConcurrencyLimit(0), /invalid concurrency limit/);
  });
});

describe('KubeClient rate limiting', () => {
  const configmaps: ResourceRef = {
    group: '',
    version: 'v1',
    resource: 'configmaps',
    namespaced: true,
  };

  it('spaces ordinary requests at qps after the burst, but does not hold back watches', async () => {
    const arrivals: { watch: boolean; at: number }[] = [];
    const server = createServer((req, res) => {
      const watch = (req.url ?? '').includes('watch=true');
      arrivals.push({ watch, at: performance.now() });
      res.writeHead(200, { 'content-type': 'application/json' });
      if (watch) res.end();
      else
        res.end(
          JSON.stringify({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: {}, items: [] }),
        );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new KubeClient({ server: url }, { cluster: 'member1', qps: 20, burst: 2 });
    try {
      const started = performance.now();
      await Promise.all([1, 2, 3, 4, 5].map(() => client.list(configmaps)));
      const elapsed = performance.now() - started;
      // 2 at once, then 3 more at 50 ms intervals.
      assert.ok(elapsed >= 140, `5 requests took ${elapsed} ms`);
      // The bucket is empty now, yet watches start at once.
      const watchStart = performance.now();
      for (let i = 0; i < 5; i++) {
        for await (const event of await client.watch(configmaps))
          assert.fail(`unexpected ${event.type}`);
      }
      assert.ok(performance.now() - watchStart < 100);
      assert.equal(arrivals.filter((a) => a.watch).length, 5);
    } finally {
      await client.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
