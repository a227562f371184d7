import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  clustersSummary,
  federatedClusterRows,
  propagationSummary,
  renderFederatedList,
  renderFederatedObject,
} from '../../../src/cli/get/federated-table.ts';
import type { MemberObjectState } from '../../../src/cli/get/federated-table.ts';

const now = new Date('2026-01-10T12:00:00Z');

function fed(status?: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'types.kubefed.io/v1beta1',
    kind: 'FederatedConfigMap',
    metadata: {
      name: 'web',
      namespace: 'shop',
      generation: 2,
      creationTimestamp: '2026-01-10T11:00:00Z',
      ...extra,
    },
    spec: {},
    ...(status ? { status } : {}),
  };
}

const member = (created: string, managed = true): MemberObjectState => ({
  state: 'found',
  object: {
    metadata: {
      name: 'web',
      creationTimestamp: created,
      ...(managed ? { labels: { 'kubefed.io/managed': 'true' } } : {}),
    },
  },
});

describe('get TYPE NAME table', () => {
  it('has one row per placed or reported cluster, sorted', () => {
    const obj = fed({
      observedGeneration: 2,
      conditions: [
        {
          type: 'Propagation',
          status: 'False',
          reason: 'CheckClusters',
          lastTransitionTime: '2026-01-10T11:55:00Z',
        },
      ],
      clusters: [
        { name: 'c1' },
        { name: 'c3', status: 'WaitingForRemoval' },
        { name: 'c2', status: 'AlreadyExists' },
      ],
    });
    const members = new Map<string, MemberObjectState>([
      ['c1', member('2026-01-10T11:58:00Z')],
      ['c2', member('2026-01-01T00:00:00Z', false)],
      ['c4', { state: 'absent' }],
    ]);
    assert.deepEqual(federatedClusterRows(obj, ['c1', 'c2', 'c4'], members, now), [
      { cluster: 'c1', propagated: 'yes', status: 'OK', age: '2m' },
      { cluster: 'c2', propagated: 'no', status: 'AlreadyExists', age: '9d' },
      { cluster: 'c3', propagated: 'no', status: 'WaitingForRemoval', age: '<unknown>' },
      { cluster: 'c4', propagated: 'no', status: '<none>', age: '<none>' },
    ]);
    assert.equal(
      renderFederatedObject(obj, ['c1', 'c2', 'c4'], members, now),
      [
        'Propagation: False (CheckClusters), last transition 5m ago',
        'CLUSTER   PROPAGATED   STATUS              AGE',
        'c1        yes          OK                  2m',
        'c2        no           AlreadyExists       9d',
        'c3        no           WaitingForRemoval   <unknown>',
        'c4        no           <none>              <none>',
        '',
      ].join('\n'),
    );
  });

  it('falls back to the reported status when a member cannot be read', () => {
    const obj = fed({ clusters: [{ name: 'c1' }, { name: 'c2', status: 'CreationFailed' }] });
    const members = new Map<string, MemberObjectState>([
      ['c1', { state: 'unreadable', error: 'timeout' }],
    ]);
    assert.deepEqual(
      federatedClusterRows(obj, [], members, now).map((r) => r.propagated),
      ['yes', 'no'],
    );
  });

  it('summarises the Propagation condition', () => {
    assert.equal(propagationSummary(fed(), now), 'Propagation: <unknown> (not reconciled yet)');
    assert.equal(
      propagationSummary(
        fed({ observedGeneration: 1, conditions: [{ type: 'Propagation', status: 'True' }] }),
        now,
      ),
      'Propagation: True; status is of generation 1, the object is at 2',
    );
    assert.equal(
      renderFederatedObject(fed(), [], new Map(), now),
      'Propagation: <unknown> (not reconciled yet)\nNo member clusters: the placement selects none.\n',
    );
  });
});

describe('get TYPE list', () => {
  it('prints PROPAGATION, REASON and CLUSTERS per object', () => {
    const a = fed(
      {
        conditions: [{ type: 'Propagation', status: 'True' }],
        clusters: [{ name: 'c1' }, { name: 'c2', status: 'UpdateFailed' }],
      },
      { name: 'b' },
    );
    const b = fed(undefined, { name: 'a', namespace: 'other' });
    assert.equal(clustersSummary(a), '1/2');
    assert.equal(clustersSummary(b), '<none>');
    assert.equal(
      renderFederatedList([a, b], now, true),
      [
        'NAMESPACE   NAME   PROPAGATION   REASON   CLUSTERS   AGE',
        'other       a      <unknown>     <none>   <none>     60m',
        'shop        b      True          <none>   1/2        60m',
        '',
      ].join('\n'),
    );
    assert.match(renderFederatedList([a], now, false), /^NAME {3}PROPAGATION/);
  });
});
