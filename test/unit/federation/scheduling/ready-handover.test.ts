import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  handOverReady,
  type ClusterReplicas,
} from '../../../../src/federation/scheduling/ready-handover.ts';

const state = (entries: [string, number, number][]): Map<string, ClusterReplicas> =>
  new Map(entries.map(([c, replicas, ready]) => [c, { replicas, ready }]));
const plan = (entries: [string, number][]): Map<string, number> => new Map(entries);

describe('handOverReady', () => {
  it('applies a plan that shrinks nothing below its ready replicas as it is', () => {
    const planned = plan([
      ['a', 3],
      ['b', 3],
      ['c', 3],
    ]);
    assert.deepEqual(
      handOverReady(
        planned,
        state([
          ['a', 3, 3],
          ['b', 3, 1],
          ['c', 0, 0],
        ]),
        9,
      ),
      planned,
    );
  });

  it('keeps the ready replicas of a shrinking cluster until the growing one is ready', () => {
    // c came back: a and b hold all 9 ready replicas.
    const planned = plan([
      ['a', 3],
      ['b', 3],
      ['c', 3],
    ]);
    const before = state([
      ['a', 5, 5],
      ['b', 4, 4],
      ['c', 0, 0],
    ]);
    assert.deepEqual(
      handOverReady(planned, before, 9),
      plan([
        ['a', 5],
        ['b', 4],
        ['c', 3],
      ]),
    );
    // Two of c's replicas are ready: two of the old ones may go, a's first.
    const partly = state([
      ['a', 5, 5],
      ['b', 4, 4],
      ['c', 3, 2],
    ]);
    assert.deepEqual(
      handOverReady(planned, partly, 9),
      plan([
        ['a', 3],
        ['b', 4],
        ['c', 3],
      ]),
    );
    const done = state([
      ['a', 3, 3],
      ['b', 4, 4],
      ['c', 3, 3],
    ]);
    assert.deepEqual(handOverReady(planned, done, 9), planned);
  });

  it('never lets the ready total drop, and always converges once the new replicas are ready', () => {
    const planned = plan([
      ['a', 0],
      ['b', 6],
    ]);
    let current = state([
      ['a', 6, 6],
      ['b', 0, 0],
    ]);
    for (let step = 0; step < 10; step++) {
      const next = handOverReady(planned, current, 6);
      // The members act on it: b's new replicas all turn ready, a stops what it was told to.
      const a = next.get('a') ?? 0;
      const b = next.get('b') ?? 0;
      const readyAfter = Math.min(a, current.get('a')?.ready ?? 0) + b;
      assert.ok(readyAfter >= 6, `step ${String(step)}: ${String(readyAfter)} ready`);
      current = state([
        ['a', a, Math.min(a, current.get('a')?.ready ?? 0)],
        ['b', b, b],
      ]);
    }
    assert.deepEqual(handOverReady(planned, current, 6), planned);
  });

  it('scales down replicas that are not ready at once', () => {
    const planned = plan([['a', 1]]);
    assert.deepEqual(handOverReady(planned, state([['a', 4, 1]]), 1), plan([['a', 1]]));
  });
});
