import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  duplicates,
  firstOf,
  formatLine,
  judgeMembers,
  type Desired,
  type Held,
} from '../../../chaos/verdict.ts';

const want = (clusters: string[], v: string): Desired => ({
  clusters: new Set(clusters),
  data: { v },
});
const held = (cluster: string, name: string, v: string, uid = `${cluster}-${name}`): Held => ({
  cluster,
  name,
  uid,
  data: { v },
});

describe('chaos verdict', () => {
  it('finds nothing wrong when the members hold exactly what is desired', () => {
    const desired = new Map([
      ['a', want(['member1', 'member2'], '1')],
      ['b', want(['member2'], '2')],
    ]);
    const verdict = judgeMembers(desired, [
      held('member1', 'a', '1'),
      held('member2', 'a', '1'),
      held('member2', 'b', '2'),
    ]);
    assert.deepEqual(verdict, { lost: [], orphaned: [], stale: [] });
  });

  it('counts lost, orphaned (deleted or unplaced) and stale objects', () => {
    const desired = new Map([
      ['a', want(['member1', 'member2'], '2')],
      ['b', want(['member2'], '1')],
    ]);
    const verdict = judgeMembers(desired, [
      held('member1', 'a', '1'), // stale
      held('member1', 'b', '1'), // placement shrank away from member1
      held('member2', 'b', '1'),
      held('member1', 'gone', '1'), // federated object deleted
    ]);
    assert.deepEqual(verdict, {
      lost: ['member2/a'],
      orphaned: ['member1/b', 'member1/gone'],
      stale: ['member1/a'],
    });
  });

  it('compares data as a whole: extra or missing keys are stale', () => {
    const desired = new Map([['a', want(['member1'], '1')]]);
    const extra: Held = { ...held('member1', 'a', '1'), data: { v: '1', w: 'x' } };
    assert.deepEqual(judgeMembers(desired, [extra]).stale, ['member1/a']);
    const none: Held = { ...held('member1', 'a', '1'), data: {} };
    assert.deepEqual(judgeMembers(desired, [none]).stale, ['member1/a']);
  });

  it('counts member objects created more often than they were due', () => {
    const created = new Map([
      ['member1/a', 1],
      ['member1/b', 2],
      ['member2/b', 2],
      ['member2/c', 1],
    ]);
    const arrivals = new Map([
      ['member1/a', 1],
      ['member1/b', 1],
      ['member2/b', 2],
    ]);
    assert.deepEqual(duplicates(created, arrivals), ['member1/b x2', 'member2/c x1']);
    assert.deepEqual(duplicates(new Map([['member1/a', 1]]), new Map([['member1/a', 3]])), []);
  });

  it('prints one line: verdict, name, figures, goal, examples', () => {
    assert.equal(
      formatLine('kill-loop', {
        pass: false,
        figures: { lost: 0, orphaned: 2 },
        goal: '0 orphaned',
        examples: firstOf({ orphaned: ['member1/a', 'member1/b', 'member1/c'], lost: [] }),
      }),
      'FAIL kill-loop  lost=0 orphaned=2  goal: 0 orphaned  e.g. orphaned member1/a; orphaned member1/b',
    );
    assert.equal(
      formatLine('failover', { pass: true, figures: { worst_s: '4.1' }, goal: '<= 7 s' }),
      'PASS failover  worst_s=4.1  goal: <= 7 s',
    );
  });
});
