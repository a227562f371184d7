import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FederatedServiceStatus } from '../../../../src/apis/types.ts';
import {
  desiredClusterStatus,
  planServiceStatusWrite,
} from '../../../../src/federation/status/service-status.ts';
import type { KubeObject } from '../../../../src/json/object.ts';

const service = (status?: unknown): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'demo' },
  ...(status === undefined ? {} : { status }),
});
const loadBalancer = { loadBalancer: { ingress: [{ ip: '127.0.1.1' }] } };

describe('desiredClusterStatus (spec §8.1)', () => {
  it("copies each ready cluster's member Service status, sorted by cluster name", () => {
    assert.deepEqual(
      desiredClusterStatus(
        [
          { cluster: 'member2', state: 'present', service: service(loadBalancer) },
          { cluster: 'host', state: 'present', service: service({ loadBalancer: {} }) },
        ],
        undefined,
      ),
      [
        { clusterName: 'host', status: { loadBalancer: {} } },
        { clusterName: 'member2', status: loadBalancer },
      ],
    );
  });

  it('sorts by bytes, as Go does, not by locale', () => {
    const names = ['b', 'B', 'a-1', 'a'];
    const entries = desiredClusterStatus(
      names.map((cluster) => ({ cluster, state: 'absent' as const })),
      undefined,
    );
    assert.deepEqual(
      entries.map((e) => e.clusterName),
      ['B', 'a', 'a-1', 'b'],
    );
  });

  it('gives a cluster without the Service an empty status, which the CRD accepts', () => {
    assert.deepEqual(desiredClusterStatus([{ cluster: 'member1', state: 'absent' }], undefined), [
      { clusterName: 'member1', status: {} },
    ]);
    assert.deepEqual(
      desiredClusterStatus(
        [{ cluster: 'member1', state: 'present', service: service() }],
        undefined,
      ),
      [{ clusterName: 'member1', status: {} }],
    );
  });

  it('keeps the last known entry of a cluster whose cache cannot be read, or has none', () => {
    const previous = [
      { clusterName: 'member1', status: loadBalancer },
      { clusterName: 'gone', status: {} },
    ];
    assert.deepEqual(
      desiredClusterStatus(
        [
          { cluster: 'member1', state: 'unknown' },
          { cluster: 'member2', state: 'unknown' },
        ],
        previous,
      ),
      [{ clusterName: 'member1', status: loadBalancer }],
    );
  });

  it('is empty without ready clusters', () => {
    assert.deepEqual(desiredClusterStatus([], [{ clusterName: 'member1', status: {} }]), []);
  });
});

describe('planServiceStatusWrite (spec §8.1)', () => {
  const federated: KubeObject = {
    apiVersion: 'types.kubefed.io/v1beta1',
    kind: 'FederatedService',
    metadata: { name: 'web', namespace: 'demo', uid: 'fed-uid', generation: 3 },
  };
  const types = {
    federatedType: { apiVersion: 'types.kubefed.io/v1beta1', kind: 'FederatedService' },
    statusType: { apiVersion: 'core.kubefed.io/v1alpha1', kind: 'FederatedServiceStatus' },
  };
  const clusterStatus = [{ clusterName: 'member1', status: { loadBalancer: {} } }];
  const existing: FederatedServiceStatus = {
    apiVersion: 'core.kubefed.io/v1alpha1',
    kind: 'FederatedServiceStatus',
    metadata: {
      name: 'web',
      namespace: 'demo',
      resourceVersion: '42',
      labels: { team: 'a' },
      ownerReferences: [
        {
          apiVersion: 'types.kubefed.io/v1beta1',
          kind: 'FederatedService',
          name: 'web',
          uid: 'fed-uid',
        },
      ],
    },
    clusterStatus,
  };

  it('creates a missing status object owned by the federated object, without controller flags', () => {
    assert.deepEqual(
      planServiceStatusWrite({ ...types, federated, existing: undefined, clusterStatus }),
      {
        action: 'create',
        object: {
          apiVersion: 'core.kubefed.io/v1alpha1',
          kind: 'FederatedServiceStatus',
          metadata: {
            name: 'web',
            namespace: 'demo',
            ownerReferences: [
              {
                apiVersion: 'types.kubefed.io/v1beta1',
                kind: 'FederatedService',
                name: 'web',
                uid: 'fed-uid',
              },
            ],
          },
          clusterStatus,
        },
      },
    );
  });

  it('creates one with an empty clusterStatus when no cluster is ready', () => {
    const write = planServiceStatusWrite({
      ...types,
      federated,
      existing: undefined,
      clusterStatus: [],
    });
    assert.equal(write.action, 'create');
    assert.deepEqual(write.object.clusterStatus, []);
  });

  it('writes nothing when clusterStatus is unchanged (a resync costs no write)', () => {
    assert.deepEqual(
      planServiceStatusWrite({
        ...types,
        federated,
        existing,
        clusterStatus: structuredClone(clusterStatus),
      }),
      { action: 'none' },
    );
    const stored: FederatedServiceStatus = { ...existing };
    delete stored.clusterStatus;
    assert.deepEqual(
      planServiceStatusWrite({ ...types, federated, existing: stored, clusterStatus: [] }),
      { action: 'none' },
      'an absent clusterStatus equals an empty one',
    );
  });

  it('replaces only clusterStatus of the cached object when it differs', () => {
    const changed = [{ clusterName: 'member1', status: loadBalancer }];
    assert.deepEqual(
      planServiceStatusWrite({ ...types, federated, existing, clusterStatus: changed }),
      { action: 'update', object: { ...existing, clusterStatus: changed } },
    );
    assert.deepEqual(planServiceStatusWrite({ ...types, federated, existing, clusterStatus: [] }), {
      action: 'update',
      object: { ...existing, clusterStatus: [] },
    });
  });
});
