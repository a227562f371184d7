import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { multiLockStore } from '../../../src/manager/lock-store.ts';
import type { LeaseRecord, LeaseSpec, LeaseStore } from '../../../src/runtime/leader-election.ts';
import { UNKNOWN_LEADER, joinVersions } from '../../../src/runtime/lock-record.ts';

/** One lock object in memory, with the apiserver's optimistic concurrency. */
function memoryLock(): LeaseStore & { record: LeaseRecord | undefined } {
  let version = 0;
  const lock: LeaseStore & { record: LeaseRecord | undefined } = {
    record: undefined,
    get: () => Promise.resolve(lock.record),
    create(spec: LeaseSpec) {
      if (lock.record) return Promise.reject(new Error('AlreadyExists'));
      lock.record = { resourceVersion: String(++version), spec };
      return Promise.resolve();
    },
    update(resourceVersion: string, spec: LeaseSpec) {
      if (lock.record?.resourceVersion !== resourceVersion)
        return Promise.reject(new Error('Conflict'));
      lock.record = { resourceVersion: String(++version), spec };
      return Promise.resolve();
    },
  };
  return lock;
}

const signal = new AbortController().signal;

describe('multiLockStore', () => {
  it('creates and updates both locks', async () => {
    const [primary, secondary] = [memoryLock(), memoryLock()];
    const store = multiLockStore(primary, secondary);
    await store.create({ holderIdentity: 'a' }, signal);
    const record = await store.get(signal);
    assert.equal(record?.spec.holderIdentity, 'a');
    await store.update(record.resourceVersion, { holderIdentity: 'a', renewTime: 't2' }, signal);
    assert.equal(primary.record?.spec.renewTime, 't2');
    assert.equal(secondary.record?.spec.renewTime, 't2');
  });

  it('creates the lock that is missing: a Go replica made only the primary', async () => {
    const [primary, secondary] = [memoryLock(), memoryLock()];
    await primary.create({ holderIdentity: 'go' }, signal);
    const store = multiLockStore(primary, secondary);
    const record = await store.get(signal);
    assert.equal(record?.resourceVersion, joinVersions({ primary: '1', secondary: '' }));
    await store.update(record.resourceVersion, { holderIdentity: 'ours' }, signal);
    assert.equal(primary.record?.spec.holderIdentity, 'ours');
    assert.equal(secondary.record?.spec.holderIdentity, 'ours');
  });

  it('fails when either write loses its race, and the locks then disagree', async () => {
    const [primary, secondary] = [memoryLock(), memoryLock()];
    const store = multiLockStore(primary, secondary);
    await store.create({ holderIdentity: 'a' }, signal);
    const stale = (await store.get(signal))?.resourceVersion ?? '';
    // Someone else renews the Lease (our older release) between our read and our write.
    await secondary.update('1', { holderIdentity: 'old' }, signal);
    await assert.rejects(store.update(stale, { holderIdentity: 'b' }, signal), /Conflict/);
    assert.equal((await store.get(signal))?.spec.holderIdentity, UNKNOWN_LEADER);
  });

  it('does not take a primary someone created meanwhile', async () => {
    const [primary, secondary] = [memoryLock(), memoryLock()];
    await primary.create({ holderIdentity: 'go' }, signal);
    await assert.rejects(
      multiLockStore(primary, secondary).create({ holderIdentity: 'ours' }, signal),
      /AlreadyExists/,
    );
    assert.equal(primary.record?.spec.holderIdentity, 'go');
  });
});
