import { kubeMicroTime } from '../../../src/apis/time.ts';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  EXPIRY_MARGIN_MS,
  LeaderElector,
  LeadershipTerm,
  decideLease,
  nextAttemptInMs,
  observeLease,
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

describe('observeLease', () => {
  const seen = { holderIdentity: 'b', renewTime: 'r1', observedAtMs: 1000 };

  it('keeps the first observation of an unchanged renewal: the lease runs from then', () => {
    assert.equal(observeLease(seen, lease({ holderIdentity: 'b', renewTime: 'r1' }), 9000), seen);
  });

  it('starts a new observation at a renewal or a new holder', () => {
    assert.deepEqual(observeLease(seen, lease({ holderIdentity: 'b', renewTime: 'r2' }), 9000), {
      holderIdentity: 'b',
      renewTime: 'r2',
      observedAtMs: 9000,
    });
    assert.deepEqual(observeLease(seen, lease({ holderIdentity: 'c', renewTime: 'r1' }), 9000), {
      holderIdentity: 'c',
      renewTime: 'r1',
      observedAtMs: 9000,
    });
    assert.deepEqual(observeLease(undefined, lease({}), 5), {
      holderIdentity: '',
      renewTime: '',
      observedAtMs: 5,
    });
  });
});

describe('nextAttemptInMs', () => {
  const held = { holderIdentity: 'b', renewTime: 'r1', observedAtMs: 10_000 };
  const next = (nowMs: number, observation: typeof held | undefined = held): number =>
    nextAttemptInMs(observation, 'a', nowMs, 15_000, 5_000);

  it('waits a retry period while the lease runs out later than that', () => {
    assert.equal(next(10_000), 5_000);
    assert.equal(next(20_000 + EXPIRY_MARGIN_MS), 5_000);
  });

  it('tries right after the lease runs out when that comes before the next retry', () => {
    // Observed at 10 s, lease 15 s: it runs out at 25 s by our clock.
    assert.equal(next(21_000), 4_000 + EXPIRY_MARGIN_MS);
    assert.equal(next(24_999), 1 + EXPIRY_MARGIN_MS);
    // The attempt it schedules finds the lease expired.
    const current = lease({ holderIdentity: 'b', renewTime: 'r1' });
    assert.equal(decideLease(current, held, 'a', 21_000 + next(21_000), 15_000).action, 'update');
    assert.equal(decideLease(current, held, 'a', 24_999, 15_000).action, 'wait');
  });

  it('waits a retry period after an attempt at an expired lease failed (apiserver away, lost race)', () => {
    assert.equal(next(25_000 + EXPIRY_MARGIN_MS), 5_000);
    assert.equal(next(90_000), 5_000);
  });

  it('waits a retry period when the lease is free, ours or unknown: a watch wakes it sooner', () => {
    assert.equal(next(11_000, { ...held, holderIdentity: '' }), 5_000);
    assert.equal(next(11_000, { ...held, holderIdentity: 'a' }), 5_000);
    assert.equal(next(11_000, undefined), 5_000);
  });
});

/** An in-memory Lease with resourceVersion checks, standing in for the apiserver's optimistic concurrency. */
class MemoryLeaseStore implements LeaseStore {
  record: LeaseRecord | undefined;
  failing = false;
  readonly watchers = new Set<(lease: LeaseRecord | undefined) => void>();
  gets = 0;

  /** A store without it is read only by the candidate's own attempts. */
  watch?(onChange: (lease: LeaseRecord | undefined) => void): () => Promise<void>;

  constructor(options: { watchable: boolean } = { watchable: true }) {
    if (!options.watchable) return;
    this.watch = (onChange) => {
      this.watchers.add(onChange);
      return () => {
        this.watchers.delete(onChange);
        return Promise.resolve();
      };
    };
  }

  /** Another process writes the lease. */
  write(spec: LeaseSpec): void {
    this.record = { resourceVersion: String(Number(this.record?.resourceVersion ?? 0) + 1), spec };
    this.#notify();
  }

  #notify(): void {
    for (const watcher of this.watchers) watcher(this.record && structuredClone(this.record));
  }

  get(): Promise<LeaseRecord | undefined> {
    this.gets++;
    if (this.failing) return Promise.reject(new Error('connection refused'));
    return Promise.resolve(this.record && structuredClone(this.record));
  }
  create(spec: LeaseSpec): Promise<void> {
    if (this.record) return Promise.reject(new Error('AlreadyExists'));
    this.record = { resourceVersion: '1', spec };
    this.#notify();
    return Promise.resolve();
  }
  update(resourceVersion: string, spec: LeaseSpec): Promise<void> {
    if (this.failing) return Promise.reject(new Error('connection refused'));
    if (this.record?.resourceVersion !== resourceVersion)
      return Promise.reject(new Error('Conflict'));
    this.record = { resourceVersion: String(Number(resourceVersion) + 1), spec };
    this.#notify();
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

  /**
   * Another process (`old`) renews the lease a few times and dies. The retry period (2 s) is far
   * longer than the lease (300 ms): a candidate that only looked every retry period would take
   * over seconds later; ours takes over a lease duration after it saw the last renewal.
   */
  async function takeOverAfterDeath(store: MemoryLeaseStore): Promise<number> {
    const timings = { leaseDurationMs: 300, renewDeadlineMs: 200, retryPeriodMs: 2_000 };
    store.write({ holderIdentity: 'old', renewTime: 'r0', leaseDurationSeconds: 1 });
    const candidate = new LeaderElector({ identity: 'b', store, timings });
    const term = candidate.acquire();
    let lastRenewal = 0;
    for (let i = 1; i <= 3; i++) {
      await new Promise((r) => setTimeout(r, 100));
      store.write({ holderIdentity: 'old', renewTime: `r${String(i)}`, leaseDurationSeconds: 1 });
      lastRenewal = performance.now();
    }
    assert.ok(await term);
    const tookOverAfter = performance.now() - lastRenewal;
    candidate.stop();
    assert.equal(store.record?.spec.holderIdentity, 'b');
    return tookOverAfter;
  }

  it('takes over a lease duration after the last renewal it watched, not at a retry tick', async () => {
    const tookOverAfter = await takeOverAfterDeath(new MemoryLeaseStore());
    assert.ok(
      tookOverAfter >= 300 && tookOverAfter < 300 + 1000,
      `took over ${tookOverAfter.toFixed(0)} ms after the last renewal (lease 300 ms, retry 2000 ms)`,
    );
  });

  it('without a watch, still takes over at the expiry of the last renewal it read', async () => {
    // It read r0 at its first attempt and sleeps until r0's expiry; it then reads r3 (renewed
    // since) and sleeps until r3's: at most one lease duration late, never a retry period.
    const tookOverAfter = await takeOverAfterDeath(new MemoryLeaseStore({ watchable: false }));
    assert.ok(
      tookOverAfter >= 300 && tookOverAfter < 2 * 300 + 1000,
      `took over ${tookOverAfter.toFixed(0)} ms after the last renewal (lease 300 ms, retry 2000 ms)`,
    );
  });

  it('takes a released lease at once, whatever the retry period', async () => {
    const store = new MemoryLeaseStore();
    const timings = { leaseDurationMs: 10_000, renewDeadlineMs: 5_000, retryPeriodMs: 5_000 };
    const a = new LeaderElector({ identity: 'a', store, timings });
    const b = new LeaderElector({ identity: 'b', store, timings });
    const aTerm = await a.acquire();
    assert.ok(aTerm);
    const bLeads = b.acquire();
    await new Promise((r) => setTimeout(r, 50));
    const getsWhileWaiting = store.gets;
    a.stop();
    const released = performance.now();
    await a.release();
    const bTerm = await bLeads;
    const after = performance.now() - released;
    assert.ok(bTerm);
    assert.ok(after < 1500, `took over ${after.toFixed(0)} ms after the release`);
    assert.equal(store.record?.spec.holderIdentity, 'b');
    // Since b's first read: a's read to release, and b's one read when the release woke it.
    assert.equal(store.gets - getsWhileWaiting, 2);
    b.stop();
  });

  it('stops watching once it leads or stops', async () => {
    const store = new MemoryLeaseStore();
    const a = new LeaderElector({ identity: 'a', store, timings: fast });
    const term = await a.acquire();
    assert.ok(term);
    assert.equal(store.watchers.size, 0);
    const b = new LeaderElector({ identity: 'b', store, timings: fast });
    const bLeads = b.acquire();
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(store.watchers.size, 1);
    b.stop();
    assert.equal(await bLeads, undefined);
    assert.equal(store.watchers.size, 0);
    a.stop();
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
