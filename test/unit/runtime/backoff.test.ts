import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PerKeyBackoff } from '../../../src/runtime/backoff.ts';

describe('PerKeyBackoff', () => {
  it('starts at 5 s, doubles, and stops at 60 s', () => {
    const backoff = new PerKeyBackoff();
    const delays = Array.from({ length: 7 }, (_, i) => backoff.next('ns/a', i * 1000));
    assert.deepEqual(delays, [5000, 10000, 20000, 40000, 60000, 60000, 60000]);
    assert.equal(backoff.failures('ns/a', 7000), 7);
    assert.equal(backoff.next('ns/b', 0), 5000, 'keys are independent');
  });

  it('starts over after forget or after being idle for more than twice the cap', () => {
    const backoff = new PerKeyBackoff({ initialMs: 100, maxMs: 1000 });
    backoff.next('a', 0);
    backoff.next('a', 0);
    backoff.forget('a');
    assert.equal(backoff.next('a', 0), 100);
    assert.equal(backoff.next('a', 2000), 200, 'idle exactly 2 x max is not yet expired');
    assert.equal(backoff.next('a', 4001), 100);
  });

  it('drops expired entries on garbage collection', () => {
    const backoff = new PerKeyBackoff({ initialMs: 100, maxMs: 1000 });
    backoff.next('old', 0);
    backoff.next('recent', 1500);
    assert.equal(backoff.collectGarbage(2001), 1);
    assert.equal(backoff.size, 1);
    assert.equal(backoff.failures('recent', 2001), 1);
  });

  it('is configurable and rejects nonsense', () => {
    const backoff = new PerKeyBackoff({ initialMs: 10, factor: 3, maxMs: 100 });
    assert.deepEqual(
      [0, 0, 0, 0].map(() => backoff.next('k', 0)),
      [10, 30, 90, 100],
    );
    assert.throws(() => new PerKeyBackoff({ initialMs: 0 }), /invalid backoff/);
    assert.throws(() => new PerKeyBackoff({ initialMs: 10, maxMs: 5 }), /invalid backoff/);
  });
});
