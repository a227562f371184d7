import { kubeMicroTime } from '../../../src/apis/time.ts';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  LeaderElector,
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
    assert.equal(await a.acquire(), true);
    const bLeads = b.acquire();
    const aHolds = a.holdLeadership();
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(b.isLeader, false);
    a.stop();
    assert.equal(await aHolds, 'stopped');
    assert.equal(await bLeads, true);
    assert.equal(store.record?.spec.holderIdentity, 'b');
    assert.equal(store.record.spec.leaseTransitions, 1);
    b.stop();
  });

  it('reports lost when renewing fails for renewDeadline', async () => {
    const store = new MemoryLeaseStore();
    const errors: unknown[] = [];
    const a = new LeaderElector({
      identity: 'a',
      store,
      timings: fast,
      onError: (e) => errors.push(e),
    });
    assert.equal(await a.acquire(), true);
    store.failing = true;
    assert.equal(await a.holdLeadership(), 'lost');
    assert.equal(a.isLeader, false);
    assert.ok(errors.length > 0);
  });
});
