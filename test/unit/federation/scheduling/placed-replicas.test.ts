import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  keepUnreachable,
  replicasOverrides,
} from '../../../../src/federation/scheduling/placed-replicas.ts';
import type { KubeObject } from '../../../../src/json/object.ts';

const fed: KubeObject = {
  metadata: { name: 'web', namespace: 'demo' },
  spec: {
    placement: { clusters: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] },
    overrides: [
      { clusterName: 'a', clusterOverrides: [{ path: '/spec/replicas', value: 3 }] },
      {
        clusterName: 'b',
        clusterOverrides: [
          { path: '/metadata/labels/x', value: 'y' },
          { path: '/spec/replicas', value: 4 },
        ],
      },
      { clusterName: 'c', clusterOverrides: [{ path: '/metadata/labels/x', value: 'z' }] },
    ],
  },
};

describe('replicasOverrides', () => {
  it('reads the /spec/replicas override of each cluster that has one', () => {
    assert.deepEqual(
      replicasOverrides(fed),
      new Map([
        ['a', 3],
        ['b', 4],
      ]),
    );
  });
  it('reads nothing from invalid overrides', () => {
    const broken = { ...fed, spec: { overrides: 'x' } };
    assert.deepEqual(replicasOverrides(broken), new Map());
  });
});

describe('keepUnreachable', () => {
  it('keeps a placed cluster that is not ready with the replicas it had', () => {
    const scheduled = new Map([['a', 9]]);
    assert.deepEqual(
      keepUnreachable(fed, scheduled, [{ name: 'b' }, { name: 'c' }]),
      new Map([
        ['a', 9],
        ['b', 4],
        ['c', 0],
      ]),
    );
  });
  it('adds no cluster the object is not placed in, and leaves planned ones alone', () => {
    const scheduled = new Map([
      ['a', 5],
      ['b', 4],
    ]);
    assert.deepEqual(keepUnreachable(fed, scheduled, [{ name: 'b' }, { name: 'd' }]), scheduled);
  });
});
