import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { LeadershipTerm } from '../../../src/runtime/leader-election.ts';
import { Leadership } from '../../../src/runtime/leadership.ts';

/** Terms end after each test: their deadline timer would keep the process alive. */
const terms: LeadershipTerm[] = [];
const term = (): LeadershipTerm => {
  const t = new LeadershipTerm(0, 60_000, () => 0);
  terms.push(t);
  return t;
};

describe('Leadership', () => {
  afterEach(() => {
    for (const t of terms.splice(0)) t.end('stopped');
  });

  it('runs the waiting actions when the term begins, in order, and later ones at once', () => {
    const leadership = new Leadership();
    const ran: string[] = [];
    leadership.whenLeading(() => ran.push('first'));
    leadership.whenLeading(() => ran.push('second'));
    assert.equal(leadership.isLeading(), false);
    assert.equal(ran.length, 0);
    leadership.begin(term());
    assert.equal(leadership.isLeading(), true);
    assert.deepEqual(ran, ['first', 'second']);
    leadership.whenLeading(() => ran.push('late'));
    assert.deepEqual(ran, ['first', 'second', 'late']);
  });

  it('does not run a cancelled action (a controller stopped on the standby)', () => {
    const leadership = new Leadership();
    const ran: string[] = [];
    const cancel = leadership.whenLeading(() => ran.push('cancelled'));
    leadership.whenLeading(() => ran.push('kept'));
    cancel();
    leadership.begin(term());
    assert.deepEqual(ran, ['kept']);
  });

  it('aborts its signal with the term, and isLeading follows the term', () => {
    const leadership = new Leadership();
    const t = term();
    leadership.begin(t);
    assert.equal(leadership.signal.aborted, false);
    t.end('lost');
    assert.equal(leadership.signal.aborted, true);
    assert.equal(leadership.isLeading(), false);
  });

  it('begins with a term that already ended: aborted, nothing runs', () => {
    const leadership = new Leadership();
    let ran = false;
    leadership.whenLeading(() => (ran = true));
    const t = term();
    t.end('stopped');
    leadership.begin(t);
    assert.equal(leadership.signal.aborted, true);
    assert.equal(ran, false);
  });

  it('abandoned before leading: its signal aborts and no action ever runs', () => {
    const leadership = new Leadership();
    let ran = false;
    leadership.whenLeading(() => (ran = true));
    leadership.abandon();
    assert.equal(leadership.signal.aborted, true);
    leadership.whenLeading(() => (ran = true));
    assert.equal(ran, false);
    assert.throws(() => leadership.begin(term()), /at most once/);
  });

  it('leads at most once', () => {
    const leadership = new Leadership();
    leadership.begin(term());
    assert.throws(() => leadership.begin(term()), /at most once/);
  });
});
