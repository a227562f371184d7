import { kubeMicroTime } from '../../../src/apis/time.ts';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  LeaderElector,
  LeadershipTerm,
  decideLease,
  type LeaseDecision,
  type LeaseRecord,
  type LeaseSpec,
  type LeaseStore,
} from '../../../src/runtime/leader-election.ts';

function specOf(d: LeaseDecision): LeaseSpec {
  assert.notEqual(d.action, 'wait');
  return d.action === 'wait' ? {} : d.spec;
}

const lease = (spec: LeaseSpec, resourceVersion = '1'): LeaseRecord => ({ resourceVersion, spec });

describe('decideLease', () => {
  it('creates the lease when there is none', () => {
    const d = decideLease(undefined, undefined, 'a', 0, 15_000);
    assert.equal(d.action, 'create');
    assert.equal(specOf(d).holderIdentity, 'a');
    assert.equal(specOf(d).leaseDurationSeconds, 15);
  });

  it('waits while another holder renewed within the lease duration of our observation', () => {
    const current = lease({ holderIdentity: 'b', renewTime: 'r1', leaseTransitions: 2 });
    const d = decideLease(
      current,
      { holderIdentity: 'b', renewTime: 'r1', observedAtMs: 1000 },
      'a',
      15_999,
      15_000,
    );
    assert.deepEqual(d, { action: 'wait', holder: 'b' });
  });

  it('takes over once the holder has not renewed for the lease duration, counting a transition', () => {
    const current = lease({ holderIdentity: 'b', renewTime: 'r1', leaseTransitions: 2 });
    const d = decideLease(
      current,
      { holderIdentity: 'b', renewTime: 'r1', observedAtMs: 1000 },
      'a',
      16_000,
      15_000,
    );
    assert.equal(d.action, 'update');
    assert.equal(specOf(d).holderIdentity, 'a');
    assert.equal(specOf(d).leaseTransitions, 3);
  });

  it('restarts the clock when the holder renewed since our last look (no skew assumptions)', () => {
    const current = lease({ holderIdentity: 'b', renewTime: 'r2' });
    const d = decideLease(
      current,
      { holderIdentity: 'b', renewTime: 'r1', observedAtMs: 0 },
      'a',
      100_000,
      15_000,
    );
    assert.equal(d.action, 'wait');
  });

  it('takes a released lease (empty holder) at once', () => {
    const d = decideLease(lease({ holderIdentity: '', renewTime: 'r' }), undefined, 'a', 0, 15_000);
    assert.equal(d.action, 'update');
  });

  it('renews its own lease keeping acquireTime and transitions', () => {
    const current = lease({
      holderIdentity: 'a',
      acquireTime: 'acq',
      renewTime: 'r',
      leaseTransitions: 4,
    });
    const d = decideLease(current, undefined, 'a', 5000, 15_000);
    assert.equal(d.action, 'update');
    assert.equal(specOf(d).acquireTime, 'acq');
    assert.equal(specOf(d).leaseTransitions, 4);
    assert.equal(specOf(d).renewTime, kubeMicroTime(5000));
  });

  it('writes MicroTime with microseconds', () => {
    assert.equal(kubeMicroTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678)), '2026-01-02T03:04:05.678000Z');
  });
});

/** An in-memory Lease with resourceVersion checks, standing in for the apiserver's optimistic concurrency. */
class MemoryLeaseStore implements LeaseStore {
  record: LeaseRecord | undefined;
  failing = false;
  get(): Promise<LeaseRecord | undefined> {
    if (this.failing) return Promise.reject(new Error('connection refused'));
    return Promise.resolve(this.record && structuredClone(this.record));
  }
  create(spec: LeaseSpec): Promise<void> {
    if (this.record) return Promise.reject(new Error('AlreadyExists'));
    this.record = { resourceVersion: '1', spec };
    return Promise.resolve();
  }
  update(resourceVersion: string, spec: LeaseSpec): Promise<void> {
    if (this.failing) return Promise.reject(new Error('connection refused'));
    if (this.record?.resourceVersion !== resourceVersion)
      return Promise.reject(new Error('Conflict'));
    this.record = { resourceVersion: String(Number(resourceVersion) + 1), spec };
    return Promise.resolve();
  }
}

const fast = { leaseDurationMs: 300, renewDeadlineMs: 200, retryPeriodMs: 50 };

describe('LeaderElector', () => {
  it('one of two candidates leads; the other takes over after the leader stops and releases', async () => {
    const store = new MemoryLeaseStore();
    const a = new LeaderElector({ identity: 'a', store, timings: fast });
    const b = new LeaderElector({ identity: 'b', store, timings: fast });
    const term = await a.acquire();
    assert.ok(term);
    let bTerm: LeadershipTerm | undefined;
    const bLeads = b.acquire().then((t) => (bTerm = t));
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(bTerm, undefined);
    assert.equal(term.isLeading(), true);
    a.stop();
    assert.equal(await term.ended, 'stopped');
    assert.equal(term.signal.aborted, true);
    await a.release();
    assert.ok(await bLeads);
    assert.equal(store.record?.spec.holderIdentity, 'b');
    assert.equal(store.record.spec.leaseTransitions, 1);
    b.stop();
  });

  it('ends the term as lost, aborting its signal, when renewing fails for renewDeadline', async () => {
    const store = new MemoryLeaseStore();
    const errors: unknown[] = [];
    const a = new LeaderElector({
      identity: 'a',
      store,
      timings: fast,
      onError: (e) => errors.push(e),
    });
    const term = await a.acquire();
    assert.ok(term);
    store.failing = true;
    assert.equal(await term.ended, 'lost');
    assert.equal(term.signal.aborted, true);
    assert.equal(term.isLeading(), false);
    assert.ok(errors.length > 0);
    a.stop();
  });

  it('ends the term at the renew deadline even while a renewal hangs', async () => {
    const store = new MemoryLeaseStore();
    const a = new LeaderElector({ identity: 'a', store, timings: fast });
    const term = await a.acquire();
    assert.ok(term);
    // A renewal that never answers: only its signal can end it.
    const signals: AbortSignal[] = [];
    const hanging = (signal: AbortSignal): Promise<LeaseRecord | undefined> => {
      signals.push(signal);
      return new Promise((_, reject) => {
        signal.addEventListener('abort', () => reject(new Error('aborted')));
      });
    };
    store.get = hanging as () => Promise<LeaseRecord | undefined>;
    const started = performance.now();
    assert.equal(await term.ended, 'lost');
    const elapsed = performance.now() - started;
    assert.ok(elapsed < fast.renewDeadlineMs + 100, `ended after ${String(elapsed)} ms`);
    assert.ok(signals.length > 0 && signals.every((s) => s.aborted));
    a.stop();
  });
});

describe('LeadershipTerm', () => {
  it('answers from the clock, so a writer woken late after a freeze sees the term is over', () => {
    let now = 0;
    const term = new LeadershipTerm(0, 1000, () => now);
    assert.equal(term.isLeading(), true);
    now = 999;
    assert.equal(term.isLeading(), true);
    assert.equal(term.remainingMs(), 1);
    // The deadline's timer has not run (the process was frozen), but the clock has moved on.
    now = 5000;
    assert.equal(term.signal.aborted, false);
    assert.equal(term.isLeading(), false);
    assert.equal(term.signal.aborted, true);
  });

  it('moves its deadline on each renewal and ends once', async () => {
    let now = 0;
    const term = new LeadershipTerm(0, 1000, () => now);
    now = 900;
    term.renewed(900, 1000);
    now = 1500;
    assert.equal(term.isLeading(), true);
    term.end('stopped');
    term.end('lost');
    assert.equal(await term.ended, 'stopped');
  });
});
