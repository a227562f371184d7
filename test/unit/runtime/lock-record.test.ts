import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decideLease,
  observeLease,
  type LeaseRecord,
} from '../../../src/runtime/leader-election.ts';
import {
  UNKNOWN_LEADER,
  combineLocks,
  joinVersions,
  parseAnnotationRecord,
  renderAnnotationRecord,
  splitVersions,
  withMicroTimes,
} from '../../../src/runtime/lock-record.ts';

// As client-go v0.22 (KubeFed v0.10) writes it in the annotation of its ConfigMap lock.
const goRecord =
  '{"holderIdentity":"node1_5f0c8a2e-2d1b-4c1f-9a51-3c2f7f1e9b10","leaseDurationSeconds":15,"acquireTime":"2026-12-02T04:30:00Z","renewTime":"2026-12-02T04:31:12Z","leaderTransitions":3}';

describe('parseAnnotationRecord', () => {
  it("reads client-go's record", () => {
    assert.deepEqual(parseAnnotationRecord(goRecord, 'ConfigMap ns/x'), {
      holderIdentity: 'node1_5f0c8a2e-2d1b-4c1f-9a51-3c2f7f1e9b10',
      leaseDurationSeconds: 15,
      acquireTime: '2026-12-02T04:30:00Z',
      renewTime: '2026-12-02T04:31:12Z',
      leaseTransitions: 3,
    });
  });

  it('takes no annotation for a free lock, and null times for none', () => {
    assert.deepEqual(parseAnnotationRecord(undefined, 'ConfigMap ns/x'), {});
    assert.deepEqual(
      parseAnnotationRecord(
        '{"holderIdentity":"","leaseDurationSeconds":0,"acquireTime":null,"renewTime":null,"leaderTransitions":0}',
        'ConfigMap ns/x',
      ),
      { holderIdentity: '', leaseDurationSeconds: 0, leaseTransitions: 0 },
    );
  });

  it('refuses a record that is not JSON, saying which object and what to do', () => {
    assert.throws(
      () =>
        parseAnnotationRecord(
          '{oops',
          'ConfigMap kube-federation-system/kubefed-controller-manager',
        ),
      /annotation control-plane\.alpha\.kubernetes\.io\/leader of ConfigMap kube-federation-system\/kubefed-controller-manager is not JSON: \{oops; delete the annotation/,
    );
  });
});

describe('renderAnnotationRecord', () => {
  it("writes client-go's bytes: its field order, times in whole seconds", () => {
    const spec = parseAnnotationRecord(goRecord, 'x');
    assert.equal(renderAnnotationRecord(spec), goRecord);
    assert.equal(
      renderAnnotationRecord({
        holderIdentity: 'a',
        leaseDurationSeconds: 3,
        acquireTime: '2026-12-02T04:30:00.123000Z',
        renewTime: '2026-12-02T04:30:01.999000Z',
        leaseTransitions: 0,
      }),
      '{"holderIdentity":"a","leaseDurationSeconds":3,"acquireTime":"2026-12-02T04:30:00Z","renewTime":"2026-12-02T04:30:01Z","leaderTransitions":0}',
    );
  });

  it('writes null for missing times and defaults the rest, as a zero Go struct', () => {
    assert.equal(
      renderAnnotationRecord({}),
      '{"holderIdentity":"","leaseDurationSeconds":0,"acquireTime":null,"renewTime":null,"leaderTransitions":0}',
    );
  });
});

describe('lock versions', () => {
  it('round-trip, missing ones as empty strings', () => {
    const v = { primary: '12', secondary: '' };
    assert.deepEqual(splitVersions(joinVersions(v)), v);
  });

  it('refuse what is not two versions', () => {
    assert.throws(() => splitVersions('["1"]'), /not the resourceVersions of two locks/);
    assert.throws(() => splitVersions('[1,2]'), /not the resourceVersions of two locks/);
  });
});

describe('combineLocks', () => {
  const rec = (resourceVersion: string, holderIdentity: string, renewTime = 't1'): LeaseRecord => ({
    resourceVersion,
    spec: { holderIdentity, renewTime, leaseDurationSeconds: 15 },
  });

  /** The combined record of two locks of which at least one exists. */
  const combined = (primary?: LeaseRecord, secondary?: LeaseRecord): LeaseRecord => {
    const record = combineLocks(primary, secondary);
    assert.ok(record);
    return record;
  };

  it('is undefined when neither lock exists: the candidate creates both', () => {
    assert.equal(combineLocks(undefined, undefined), undefined);
  });

  it('names the holder both locks agree on, with both versions', () => {
    const both = combined(rec('5', 'a'), rec('9', 'a'));
    assert.equal(both.spec.holderIdentity, 'a');
    assert.deepEqual(splitVersions(both.resourceVersion), { primary: '5', secondary: '9' });
  });

  it('reports the unknown leader when they disagree, so a candidate waits', () => {
    const both = combined(rec('5', 'go-replica'), rec('9', 'old-ours'));
    assert.equal(both.spec.holderIdentity, UNKNOWN_LEADER);
    assert.equal(decideLease(both, undefined, 'me', 0, 15_000).action, 'wait');
    // Even when one of them is the candidate itself: the other may still lead.
    const mine = combined(rec('5', 'me'), rec('9', 'other'));
    assert.equal(decideLease(mine, undefined, 'me', 0, 15_000).action, 'wait');
  });

  it("takes a missing lock's holder from the other: a Go replica holds only the primary", () => {
    const goOnly = combined(rec('5', 'go-replica'), undefined);
    assert.equal(goOnly.spec.holderIdentity, 'go-replica');
    assert.deepEqual(splitVersions(goOnly.resourceVersion), { primary: '5', secondary: '' });
    assert.equal(decideLease(goOnly, undefined, 'me', 0, 15_000).action, 'wait');
    // ...and our older releases only the Lease.
    const leaseOnly = combined(undefined, rec('9', 'old-ours'));
    assert.equal(leaseOnly.spec.holderIdentity, 'old-ours');
    assert.deepEqual(splitVersions(leaseOnly.resourceVersion), {
      primary: '',
      secondary: '9',
    });
  });

  it('changes its fingerprint when either lock is renewed, so a holder renewing one keeps its lease', () => {
    const seen = observeLease(undefined, combined(rec('5', 'go'), rec('9', 'old')), 1000);
    const primaryRenewed = combined(rec('6', 'go', 't2'), rec('9', 'old'));
    const secondaryRenewed = combined(rec('5', 'go'), rec('10', 'old', 't2'));
    assert.equal(observeLease(seen, primaryRenewed, 9000).observedAtMs, 9000);
    assert.equal(observeLease(seen, secondaryRenewed, 9000).observedAtMs, 9000);
    const unchanged = combined(rec('5', 'go'), rec('9', 'old'));
    assert.equal(observeLease(seen, unchanged, 9000), seen);
    // Held by the unknown leader, unchanged for the lease duration: taken over.
    assert.equal(decideLease(unchanged, seen, 'me', 1000 + 15_000, 15_000).action, 'update');
  });
});

describe('withMicroTimes', () => {
  it("gives a Lease microsecond times, whatever the record's precision", () => {
    assert.deepEqual(
      withMicroTimes({
        holderIdentity: 'a',
        acquireTime: '2026-12-02T04:42:42Z',
        renewTime: '2026-12-02T04:42:43.250000Z',
      }),
      {
        holderIdentity: 'a',
        acquireTime: '2026-12-02T04:42:42.000000Z',
        renewTime: '2026-12-02T04:42:43.250000Z',
      },
    );
    assert.deepEqual(withMicroTimes({ holderIdentity: '' }), { holderIdentity: '' });
  });
});
