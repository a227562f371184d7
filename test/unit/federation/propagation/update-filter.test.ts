import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  statusOnlyChange,
  updateNeedsSync,
} from '../../../../src/federation/propagation/update-filter.ts';
import type { KubeObject } from '../../../../src/json/object.ts';

const base: KubeObject = {
  apiVersion: 'types.kubefed.io/v1beta1',
  kind: 'FederatedConfigMap',
  metadata: { name: 'cfg', namespace: 'demo', resourceVersion: '1', generation: 1, uid: 'u1' },
  spec: { template: { data: { a: '1' } }, placement: { clusters: [{ name: 'c1' }] } },
};

function changed(
  edit: (o: KubeObject & { metadata: NonNullable<KubeObject['metadata']> }) => void,
): KubeObject {
  const copy = structuredClone(base) as KubeObject & {
    metadata: NonNullable<KubeObject['metadata']>;
  };
  copy.metadata.resourceVersion = '2';
  edit(copy);
  return copy;
}

describe('updateNeedsSync', () => {
  it('skips what the sync controller itself writes', () => {
    assert.equal(
      updateNeedsSync(
        base,
        changed(() => undefined),
      ),
      false,
    );
    assert.equal(
      updateNeedsSync(
        base,
        changed((o) => (o['status'] = { conditions: [{ type: 'Propagation' }] })),
      ),
      false,
    );
    assert.equal(
      updateNeedsSync(
        base,
        changed((o) => (o.metadata.finalizers = ['kubefed.io/sync-controller'])),
      ),
      false,
    );
    assert.equal(
      updateNeedsSync(
        { ...base, metadata: { ...base.metadata, finalizers: ['other'] } },
        changed((o) => (o.metadata.finalizers = ['other', 'kubefed.io/sync-controller'])),
      ),
      false,
    );
    assert.equal(
      updateNeedsSync(
        base,
        changed((o) => (o.metadata.managedFields = [{ manager: 'x' }])),
      ),
      false,
    );
  });
  it('syncs on anything a pass reads', () => {
    const cases: ((o: KubeObject & { metadata: NonNullable<KubeObject['metadata']> }) => void)[] = [
      (o) => (o['spec'] = { template: { data: { a: '2' } } }),
      (o) => (o.metadata.generation = 2),
      (o) => (o.metadata.deletionTimestamp = '2026-11-23T00:00:00Z'),
      (o) => (o.metadata.labels = { a: 'b' }),
      (o) => (o.metadata.annotations = { a: 'b' }),
      (o) => (o.metadata.finalizers = ['other']),
      (o) => (o.metadata.uid = 'u2'),
    ];
    for (const edit of cases)
      assert.equal(updateNeedsSync(base, changed(edit)), true, edit.toString());
  });
  it('syncs when the finalizer is taken away, so that it is put back', () => {
    const withFinalizer = {
      ...base,
      metadata: { ...base.metadata, finalizers: ['kubefed.io/sync-controller'] },
    };
    assert.equal(
      updateNeedsSync(
        withFinalizer,
        changed(() => undefined),
      ),
      true,
    );
    assert.equal(
      updateNeedsSync(
        withFinalizer,
        changed((o) => (o.metadata.finalizers = ['kubefed.io/sync-controller'])),
      ),
      false,
    );
  });
});

describe('statusOnlyChange', () => {
  const member: KubeObject = {
    metadata: { name: 'web', namespace: 'demo', generation: 2, resourceVersion: '10' },
    spec: { replicas: 2 },
    status: { readyReplicas: 1 },
  };
  it('is true when only the status (and resourceVersion) moved', () => {
    const next = {
      ...member,
      metadata: { ...member.metadata, resourceVersion: '11' },
      status: { readyReplicas: 2 },
    };
    assert.equal(statusOnlyChange(member, next), true);
  });
  it('is false when anything else moved too, or the status did not', () => {
    const spec = { ...member, spec: { replicas: 3 }, status: { readyReplicas: 2 } };
    assert.equal(statusOnlyChange(member, spec), false);
    const labels = { ...member, metadata: { ...member.metadata, labels: { a: 'b' } }, status: {} };
    assert.equal(statusOnlyChange(member, labels), false);
    const rvOnly = { ...member, metadata: { ...member.metadata, resourceVersion: '12' } };
    assert.equal(statusOnlyChange(member, rvOnly), false);
  });
});
