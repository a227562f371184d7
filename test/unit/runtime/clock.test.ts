import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock, systemClock } from '../../../src/runtime/clock.ts';

describe('ManualClock', () => {
  it('fires timers in due order as time advances, including timers set by callbacks', () => {
    const clock = new ManualClock(1000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => {
      fired.push(`a@${clock.now()}`);
      clock.setTimeout(() => fired.push(`c@${clock.now()}`), 5);
    }, 10);
    clock.setTimeout(() => fired.push(`late@${clock.now()}`), 100);
    clock.advance(20);
    assert.deepEqual(fired, ['a@1010', 'c@1015', 'b@1020']);
    assert.equal(clock.now(), 1020);
    assert.equal(clock.pendingTimers, 1);
  });

  it('keeps creation order for timers due at the same time, and can clear them', () => {
    const clock = new ManualClock();
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(1), 5);
    const second = clock.setTimeout(() => fired.push(2), 5);
    clock.setTimeout(() => fired.push(3), 5);
    clock.clearTimeout(second);
    clock.advance(5);
    assert.deepEqual(fired, [1, 3]);
  });
});

describe('systemClock', () => {
  it('follows node:test mock timers', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 5000 });
    const clock = systemClock();
    let fired = false;
    clock.setTimeout(() => {
      fired = true;
    }, 100);
    assert.equal(clock.now(), 5000);
    t.mock.timers.tick(100);
    assert.equal(fired, true);
    assert.equal(clock.now(), 5100);
  });
});
