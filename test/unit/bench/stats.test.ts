import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  percentile,
  readyLatencies,
  spread,
  statusWriteBound,
  type Rollout,
} from '../../../bench/stats.ts';

describe('benchmark statistics', () => {
  it('takes nearest-rank percentiles of an ascending list', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(values, 50), 50);
    assert.equal(percentile(values, 99), 99);
    assert.equal(percentile([7], 99), 7);
    assert.ok(Number.isNaN(percentile([], 50)));
    assert.deepEqual(spread([3.4, 1, 2.6]), { p50: 3, p99: 3, max: 3 });
  });

  it('times a rollout from its last member becoming ready to the federated status', () => {
    const rollout = (members: number[], fedReadyAt: number | undefined): Rollout => ({
      createdAt: 0,
      memberReadyAt: new Map(members.map((t, i) => [`member${String(i + 1)}`, t])),
      fedReadyAt,
    });
    assert.deepEqual(
      readyLatencies(
        [
          ['a', rollout([100, 400, 250], 900)],
          ['b', rollout([50, 60, 70], 70)],
        ],
        3,
      ),
      [500, 0],
    );
    assert.throws(
      () => readyLatencies([['a', rollout([100, 400], 900)]], 3),
      /a: rollout not complete \(2 of 3 members ready/,
    );
    assert.throws(() => readyLatencies([['a', rollout([1, 2, 3], undefined)]], 3), /not ready/);
  });

  it('bounds status writes at one per object plus one per window of each duration', () => {
    assert.equal(statusWriteBound([0, 999, 1000, 4500], 1000), 1 + 1 + 2 + 5);
    assert.equal(statusWriteBound([], 1000), 0);
  });
});
