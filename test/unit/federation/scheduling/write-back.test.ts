import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterOverrides, FederatedObjectSpec } from '../../../../src/apis/types.ts';
import {
  applySchedulingUpdate,
  scheduledReplicas,
  schedulingUpdate,
  type SchedulingChange,
  type SchedulingUpdate,
} from '../../../../src/federation/scheduling/write-back.ts';
import type { KubeObject } from '../../../../src/json/object.ts';

function federated(spec: Partial<FederatedObjectSpec>): KubeObject {
  return {
    apiVersion: 'types.kubefed.io/v1beta1',
    kind: 'FederatedDeployment',
    metadata: { name: 'web', namespace: 'demo' },
    spec: { template: { spec: { replicas: 1 } }, ...spec },
  };
}

const replicas = (entries: Record<string, number>): Map<string, number> =>
  new Map(Object.entries(entries));

function changed(update: SchedulingUpdate): SchedulingChange {
  assert.equal(update.kind, 'changed');
  return update;
}

describe('scheduledReplicas (spec §9.2 step 9)', () => {
  it('is the plan plus the overflow', () => {
    const plan = replicas({ a: 20, b: 20, c: 10 });
    assert.deepEqual(
      scheduledReplicas({ plan, overflow: replicas({ c: 7 }) }),
      replicas({ a: 20, b: 20, c: 17 }),
    );
  });
});

describe('schedulingUpdate (spec §9.2 step 10)', () => {
  const settled = federated({
    placement: { clusters: [{ name: 'b' }, { name: 'a' }] },
    overrides: [
      {
        clusterName: 'b',
        clusterOverrides: [
          { path: '/metadata/labels/x', value: 'y' },
          { path: '/spec/replicas', value: 3 },
        ],
      },
      { clusterName: 'a', clusterOverrides: [{ op: 'replace', path: '/spec/replicas', value: 2 }] },
    ],
  });

  it('nothing to change: placement compared as a sorted list, overrides by value', () => {
    assert.deepEqual(schedulingUpdate(settled, replicas({ a: 2, b: 3 })), { kind: 'unchanged' });
  });

  it('a new value: only the overrides change, every other override kept in its place', () => {
    const update = changed(schedulingUpdate(settled, replicas({ a: 2, b: 4 })));
    assert.equal(update.placementClusters, undefined);
    assert.deepEqual(update.overrides, [
      {
        clusterName: 'b',
        clusterOverrides: [
          { path: '/metadata/labels/x', value: 'y' },
          { path: '/spec/replicas', value: 4 },
        ],
      },
      { clusterName: 'a', clusterOverrides: [{ op: 'replace', path: '/spec/replicas', value: 2 }] },
    ]);
  });

  it('a cluster leaves and two come: placement sorted, overrides removed and added', () => {
    const update = changed(schedulingUpdate(settled, replicas({ d: 1, a: 2, c: 0 })));
    assert.deepEqual(update.placementClusters, [{ name: 'a' }, { name: 'c' }, { name: 'd' }]);
    assert.deepEqual(update.overrides, [
      { clusterName: 'b', clusterOverrides: [{ path: '/metadata/labels/x', value: 'y' }] },
      { clusterName: 'a', clusterOverrides: [{ op: 'replace', path: '/spec/replicas', value: 2 }] },
      { clusterName: 'c', clusterOverrides: [{ path: '/spec/replicas', value: 0 }] },
      { clusterName: 'd', clusterOverrides: [{ path: '/spec/replicas', value: 1 }] },
    ]);
  });

  it('a cluster with other overrides but no replicas one gets it appended', () => {
    const fed = federated({
      placement: { clusters: [{ name: 'a' }] },
      overrides: [
        {
          clusterName: 'a',
          clusterOverrides: [{ op: 'add', path: '/metadata/labels/x', value: 'y' }],
        },
      ],
    });
    assert.deepEqual(changed(schedulingUpdate(fed, replicas({ a: 5 }))).overrides, [
      {
        clusterName: 'a',
        clusterOverrides: [
          { op: 'add', path: '/metadata/labels/x', value: 'y' },
          { path: '/spec/replicas', value: 5 },
        ],
      },
    ]);
  });

  it('no placement or overrides yet: both are written', () => {
    const update = changed(schedulingUpdate(federated({}), replicas({ b: 1, a: 2 })));
    assert.deepEqual(update.placementClusters, [{ name: 'a' }, { name: 'b' }]);
    assert.deepEqual(update.overrides, [
      { clusterName: 'a', clusterOverrides: [{ path: '/spec/replicas', value: 2 }] },
      { clusterName: 'b', clusterOverrides: [{ path: '/spec/replicas', value: 1 }] },
    ]);
  });

  it('placement by selector becomes an explicit list, even of the same clusters', () => {
    const fed = federated({
      placement: { clusterSelector: { matchLabels: { region: 'eu' } } },
      overrides: [{ clusterName: 'a', clusterOverrides: [{ path: '/spec/replicas', value: 1 }] }],
    });
    const update = changed(schedulingUpdate(fed, replicas({ a: 1 })));
    assert.deepEqual(update, { kind: 'changed', placementClusters: [{ name: 'a' }] });
  });

  it('a duplicated placement entry is rewritten', () => {
    const fed = federated({
      placement: { clusters: [{ name: 'a' }, { name: 'a' }] },
      overrides: [{ clusterName: 'a', clusterOverrides: [{ path: '/spec/replicas', value: 1 }] }],
    });
    assert.deepEqual(changed(schedulingUpdate(fed, replicas({ a: 1 }))).placementClusters, [
      { name: 'a' },
    ]);
  });

  it('a replicas override that is not exactly the number, or does not set it, is rewritten', () => {
    const withOverride = (override: Record<string, unknown>): KubeObject =>
      federated({
        placement: { clusters: [{ name: 'a' }] },
        overrides: [
          { clusterName: 'a', clusterOverrides: [{ path: '/spec/replicas', ...override }] },
        ],
      });
    const rewritten = (override: Record<string, unknown>): ClusterOverrides[] | undefined =>
      changed(schedulingUpdate(withOverride(override), replicas({ a: 2 }))).overrides;
    const expected = [
      { clusterName: 'a', clusterOverrides: [{ path: '/spec/replicas', value: 2 }] },
    ];
    assert.deepEqual(rewritten({ value: '2' }), expected);
    assert.deepEqual(rewritten({ value: 2.5 }), expected); // KubeFed truncated: 2, no change
    assert.deepEqual(rewritten({}), expected);
    assert.deepEqual(rewritten({ op: 'remove', value: 2 }), expected); // KubeFed kept the remove
    assert.deepEqual(rewritten({ op: 'add', value: 1 }), [
      { clusterName: 'a', clusterOverrides: [{ op: 'add', path: '/spec/replicas', value: 2 }] },
    ]);
    assert.deepEqual(schedulingUpdate(withOverride({ op: 'add', value: 2 }), replicas({ a: 2 })), {
      kind: 'unchanged',
    });
  });

  it('invalid overrides are reported, not rewritten', () => {
    const fed = federated({
      overrides: [
        { clusterName: 'a', clusterOverrides: [] },
        { clusterName: 'a', clusterOverrides: [] },
      ],
    });
    assert.deepEqual(schedulingUpdate(fed, replicas({ a: 1 })), {
      kind: 'invalid',
      error: 'cluster "a" appears more than once',
    });
  });
});

describe('applySchedulingUpdate', () => {
  it('sets placement.clusters and overrides on a copy; the selector stays', () => {
    const fed = federated({ placement: { clusterSelector: {} } });
    const before = structuredClone(fed);
    const update = changed(schedulingUpdate(fed, replicas({ a: 3 })));
    const updated = applySchedulingUpdate(fed, update);
    assert.deepEqual(fed, before);
    assert.deepEqual(updated['spec'], {
      template: { spec: { replicas: 1 } },
      placement: { clusterSelector: {}, clusters: [{ name: 'a' }] },
      overrides: [{ clusterName: 'a', clusterOverrides: [{ path: '/spec/replicas', value: 3 }] }],
    });
    assert.deepEqual(schedulingUpdate(updated, replicas({ a: 3 })), { kind: 'unchanged' });
  });

  it('creates spec and placement when absent', () => {
    const update = changed(schedulingUpdate({ kind: 'FederatedReplicaSet' }, replicas({ a: 1 })));
    assert.deepEqual(applySchedulingUpdate({ kind: 'FederatedReplicaSet' }, update), {
      kind: 'FederatedReplicaSet',
      spec: {
        placement: { clusters: [{ name: 'a' }] },
        overrides: [{ clusterName: 'a', clusterOverrides: [{ path: '/spec/replicas', value: 1 }] }],
      },
    });
  });
});
