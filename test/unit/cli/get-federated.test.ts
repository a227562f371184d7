import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  clustersSummary,
  federatedClusterRows,
  propagationSummary,
  readySummary,
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

/** A FederatedDeployment with kubefed-ts' workload status: c2 is still rolling out. */
function deployment(): ReturnType<typeof fed> {
  return fed({
    conditions: [
      { type: 'Propagation', status: 'True', lastTransitionTime: '2026-01-10T11:50:00Z' },
      {
        type: 'Ready',
        status: 'False',
        reason: 'ClustersNotReady',
        message: 'not ready in c2: Progressing',
        lastTransitionTime: '2026-01-10T11:59:00Z',
      },
    ],
    clusters: [{ name: 'c1' }, { name: 'c2' }, { name: 'c3', status: 'ClusterNotReady' }],
    workload: {
      ready: '3/6',
      readyClusters: '1/3',
      replicas: 6,
      readyReplicas: 3,
      clusters: [
        { name: 'c1', ready: true, replicas: 2, readyReplicas: 2 },
        { name: 'c2', ready: false, reason: 'Progressing', replicas: 2, readyReplicas: 1 },
        { name: 'c3', ready: false, reason: 'ClusterNotReady' },
      ],
    },
  });
}

/** A FederatedJob complete in its one cluster. */
function job(): ReturnType<typeof fed> {
  return fed(
    {
      conditions: [
        { type: 'Propagation', status: 'True' },
        { type: 'Ready', status: 'True', reason: 'WorkloadReady' },
      ],
      clusters: [{ name: 'c1' }],
      workload: {
        ready: '1/1',
        readyClusters: '1/1',
        completions: 1,
        succeeded: 1,
        clusters: [{ name: 'c1', ready: true, completions: 1, succeeded: 1 }],
      },
    },
    { name: 'migrate' },
  );
}

describe('get TYPE NAME of a workload (status.workload)', () => {
  const members = new Map<string, MemberObjectState>([
    ['c1', member('2026-01-10T11:58:00Z')],
    ['c2', member('2026-01-10T11:58:00Z')],
  ]);

  it('adds READY and WORKLOAD per cluster and a Ready line', () => {
    assert.equal(
      renderFederatedObject(deployment(), ['c1', 'c2', 'c3'], members, now, 'replicas'),
      [
        'Propagation: True, last transition 10m ago',
        'Ready: False (ClustersNotReady), last transition 60s ago; 3/6 replicas ready, 1/3 clusters ready',
        'CLUSTER   PROPAGATED   STATUS            READY    WORKLOAD          AGE',
        'c1        yes          OK                2/2      Ready             2m',
        'c2        yes          OK                1/2      Progressing       2m',
        'c3        no           ClusterNotReady   <none>   ClusterNotReady   <unknown>',
        '',
      ].join('\n'),
    );
  });

  it('heads a Job’s column COMPLETIONS and counts succeeded/completions', () => {
    const text = renderFederatedObject(job(), ['c1'], members, now, 'completions');
    assert.equal(
      text,
      [
        'Propagation: True',
        'Ready: True (WorkloadReady); 1/1 completions succeeded, 1/1 clusters complete',
        'CLUSTER   PROPAGATED   STATUS   COMPLETIONS   WORKLOAD   AGE',
        'c1        yes          OK       1/1           Ready      2m',
        '',
      ].join('\n'),
    );
    // A federated type without its FTC: the status says it counts completions.
    assert.equal(renderFederatedObject(job(), ['c1'], members, now), text);
  });

  it('shows <none> for a cluster the workload status does not list, NotReady without a reason', () => {
    const obj = deployment();
    const workload = (obj.status as { workload: { clusters: Record<string, unknown>[] } }).workload;
    workload.clusters = [{ name: 'c1', ready: false, replicas: 2 }];
    assert.deepEqual(
      federatedClusterRows(obj, ['c1', 'c4'], new Map(), now, 'replicas').map((r) => [
        r.cluster,
        r.ready,
        r.workload,
      ]),
      [
        ['c1', '0/2', 'NotReady'],
        ['c2', '<none>', '<none>'],
        ['c3', '<none>', '<none>'],
        ['c4', '<none>', '<none>'],
      ],
    );
  });

  it('keeps the KubeFed table of an object without a workload status', () => {
    const text = renderFederatedObject(
      fed({ conditions: [{ type: 'Propagation', status: 'True' }], clusters: [{ name: 'c1' }] }),
      ['c1'],
      members,
      now,
      'replicas',
    );
    assert.equal(
      text,
      [
        'Propagation: True',
        'CLUSTER   PROPAGATED   STATUS   AGE',
        'c1        yes          OK       2m',
        '',
      ].join('\n'),
    );
    assert.deepEqual(Object.keys(federatedClusterRows(fed(), ['c1'], members, now)[0] ?? {}), [
      'cluster',
      'propagated',
      'status',
      'age',
    ]);
  });

  it('summarises a workload status whose Ready condition is not written yet', () => {
    const obj = deployment();
    const status = obj.status as { conditions: unknown[] };
    status.conditions = status.conditions.slice(0, 1);
    assert.equal(
      readySummary(obj, now),
      'Ready: <unknown>; 3/6 replicas ready, 1/3 clusters ready',
    );
    assert.equal(readySummary(fed({ conditions: [] }), now), undefined);
  });
});

describe('get TYPE list of a workload type', () => {
  it('adds READY and READY-CLUSTERS before AGE', () => {
    const pending = fed(undefined, { name: 'api' });
    assert.equal(
      renderFederatedList([deployment(), pending], now, false, 'replicas'),
      [
        'NAME   PROPAGATION   REASON   CLUSTERS   READY    READY-CLUSTERS   AGE',
        'api    <unknown>     <none>   <none>     <none>   <none>           60m',
        'web    True          <none>   2/3        3/6      1/3              60m',
        '',
      ].join('\n'),
    );
  });

  it('heads a Job’s COMPLETIONS, after NAMESPACE with --all-namespaces', () => {
    assert.equal(
      renderFederatedList([job()], now, true, 'completions'),
      [
        'NAMESPACE   NAME      PROPAGATION   REASON   CLUSTERS   COMPLETIONS   READY-CLUSTERS   AGE',
        'shop        migrate   True          <none>   1/1        1/1           1/1              60m',
        '',
      ].join('\n'),
    );
  });
});
