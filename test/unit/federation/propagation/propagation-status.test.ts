import { kubeTime } from '../../../../src/apis/time.ts';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FederatedObjectStatus } from '../../../../src/apis/types.ts';
import {
  computePropagationStatus,
  needsBackoff,
  reportedClusters,
  storedPropagationMessage,
  type ClusterPropagationStatus,
  type CollectedPropagation,
  type PropagationReason,
} from '../../../../src/federation/propagation/propagation-status.ts';
import type { KubeObject } from '../../../../src/json/object.ts';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
const T1 = T0 + 60_000;
const S0 = '2026-01-02T03:04:05Z';
const S1 = '2026-01-02T03:05:05Z';

function fedWith(status: FederatedObjectStatus | undefined, generation = 1): KubeObject {
  return {
    metadata: { name: 'x', namespace: 'ns', generation },
    spec: {},
    ...(status ? { status } : {}),
  };
}

function collected(entries: [string, ClusterPropagationStatus][]): CollectedPropagation {
  return { statuses: new Map(entries) };
}

function run(fed: KubeObject, c: CollectedPropagation, now = T0, reason: PropagationReason = '') {
  return computePropagationStatus(fed, { reason, collected: c, now });
}

describe('kubeTime', () => {
  it('formats UTC whole seconds', () => {
    assert.equal(kubeTime(T0), S0);
    assert.equal(kubeTime(0), '1970-01-01T00:00:00Z');
  });
});

describe('computePropagationStatus', () => {
  it('first pass: observedGeneration, condition True, clusters', () => {
    const result = run(
      fedWith(undefined),
      collected([
        ['c2', ''],
        ['c1', ''],
      ]),
    );
    assert.deepEqual(result, {
      reason: '',
      changed: true,
      status: {
        observedGeneration: 1,
        clusters: [{ name: 'c1' }, { name: 'c2' }],
        conditions: [
          { type: 'Propagation', status: 'True', lastTransitionTime: S0, lastUpdateTime: S0 },
        ],
      },
    });
  });

  it('second identical pass: no write, timestamps kept', () => {
    const first = run(fedWith(undefined), collected([['c1', '']]));
    const second = run(fedWith(first.status), collected([['c1', '']]), T1);
    assert.equal(second.changed, false);
    assert.deepEqual(second.status, first.status);
  });

  it('a non-empty cluster status turns success into CheckClusters', () => {
    const result = run(
      fedWith(undefined),
      collected([
        ['c1', ''],
        ['c2', 'WaitingForRemoval'],
      ]),
    );
    assert.equal(result.reason, 'CheckClusters');
    assert.deepEqual(result.status.conditions, [
      {
        type: 'Propagation',
        status: 'False',
        reason: 'CheckClusters',
        lastTransitionTime: S0,
        lastUpdateTime: S0,
      },
    ]);
    assert.deepEqual(result.status.clusters, [
      { name: 'c1' },
      { name: 'c2', status: 'WaitingForRemoval' },
    ]);
  });

  it('a transition sets both times; clusters changing only lastUpdateTime', () => {
    const first = run(
      fedWith(undefined),
      collected([
        ['c1', ''],
        ['c2', 'WaitingForRemoval'],
      ]),
    );
    // Same reason, different clusters: an update without transition.
    const second = run(
      fedWith(first.status),
      collected([
        ['c1', ''],
        ['c2', 'DeletionFailed'],
      ]),
      T1,
    );
    assert.equal(second.changed, true);
    assert.deepEqual(second.status.conditions, [
      {
        type: 'Propagation',
        status: 'False',
        reason: 'CheckClusters',
        lastTransitionTime: S0,
        lastUpdateTime: S1,
      },
    ]);
    // Back to success: a transition.
    const third = run(fedWith(second.status), collected([['c1', '']]), T1);
    assert.deepEqual(third.status.conditions, [
      { type: 'Propagation', status: 'True', lastTransitionTime: S1, lastUpdateTime: S1 },
    ]);
    assert.deepEqual(third.status.clusters, [{ name: 'c1' }]);
  });

  it('a generation change alone writes, without touching the condition', () => {
    const first = run(fedWith(undefined), collected([['c1', '']]));
    const second = run(fedWith(first.status, 2), collected([['c1', '']]), T1);
    assert.equal(second.changed, true);
    assert.equal(second.status.observedGeneration, 2);
    assert.deepEqual(second.status.conditions, first.status.conditions);
  });

  it('given failure reasons stay and mark the condition False', () => {
    for (const reason of [
      'ClusterRetrievalFailed',
      'ComputePlacementFailed',
      'NamespaceNotFederated',
    ] as const) {
      const result = run(fedWith(undefined), collected([]), T0, reason);
      assert.equal(result.reason, reason);
      assert.deepEqual(result.status.conditions, [
        {
          type: 'Propagation',
          status: 'False',
          reason,
          lastTransitionTime: S0,
          lastUpdateTime: S0,
        },
      ]);
    }
  });

  it('empties status.clusters when nothing was collected', () => {
    const first = run(fedWith(undefined), collected([['c1', '']]));
    const second = run(fedWith(first.status), collected([]), T1, 'ComputePlacementFailed');
    assert.equal(second.status.clusters, undefined);
    assert.equal(second.changed, true);
  });

  it('compares clusters as a set: order does not matter, names do', () => {
    const stored: FederatedObjectStatus = {
      observedGeneration: 1,
      clusters: [{ name: 'c2' }, { name: 'c1' }],
      conditions: [
        { type: 'Propagation', status: 'True', lastTransitionTime: S0, lastUpdateTime: S0 },
      ],
    };
    const same = run(
      fedWith(stored),
      collected([
        ['c1', ''],
        ['c2', ''],
      ]),
      T1,
    );
    assert.equal(same.changed, false);
    assert.deepEqual(same.status.clusters, [{ name: 'c2' }, { name: 'c1' }]);
    const renamed = run(
      fedWith(stored),
      collected([
        ['c1', ''],
        ['c3', ''],
      ]),
      T1,
    );
    assert.equal(renamed.changed, true);
    assert.deepEqual(renamed.status.clusters, [{ name: 'c1' }, { name: 'c3' }]);
  });

  it('drops remote statuses another control plane collected', () => {
    const stored: FederatedObjectStatus = {
      observedGeneration: 1,
      clusters: [{ name: 'c1', remoteStatus: { replicas: 2 } }],
      conditions: [
        { type: 'Propagation', status: 'True', lastTransitionTime: S0, lastUpdateTime: S0 },
      ],
    };
    const result = run(fedWith(stored), collected([['c1', '']]), T1);
    assert.deepEqual(result.status.clusters, [{ name: 'c1' }]);
    assert.equal(result.changed, true);
    assert.equal(result.status.conditions?.[0]?.lastUpdateTime, S1);
  });

  it("with raw collection, records each slot's member status and writes when one changes", () => {
    const withRemote = (remote: Record<string, unknown>): CollectedPropagation => ({
      statuses: new Map<string, ClusterPropagationStatus>([
        ['c1', ''],
        ['c2', ''],
      ]),
      remoteStatuses: new Map([['c1', remote]]),
    });
    const first = run(fedWith(undefined), withRemote({ replicas: 2 }), T0);
    assert.deepEqual(first.status.clusters, [
      { name: 'c1', remoteStatus: { replicas: 2 } },
      { name: 'c2' },
    ]);
    // c2 has no status (a ConfigMap, say): unlike KubeFed, propagation still succeeded.
    assert.equal(first.reason, '');
    const stored = fedWith(JSON.parse(JSON.stringify(first.status)) as FederatedObjectStatus);
    const same = run(stored, withRemote({ replicas: 2 }), T1);
    assert.equal(same.changed, false);
    const changed = run(stored, withRemote({ replicas: 2, readyReplicas: 2 }), T1);
    assert.equal(changed.changed, true);
    assert.deepEqual(changed.status.clusters?.[0], {
      name: 'c1',
      remoteStatus: { replicas: 2, readyReplicas: 2 },
    });
    const condition = changed.status.conditions?.[0];
    assert.deepEqual([condition?.lastUpdateTime, condition?.lastTransitionTime], [S1, S0]);
  });

  it('keeps other conditions and unknown status fields, and does not modify the input', () => {
    const stored = {
      extra: 'kept',
      conditions: [
        { type: 'Other', status: 'True' } as never,
        {
          type: 'Propagation',
          status: 'False',
          reason: 'CheckClusters',
          lastTransitionTime: S0,
          lastUpdateTime: S0,
        },
      ],
    } as FederatedObjectStatus;
    const fed = fedWith(stored);
    const before = JSON.stringify(fed);
    const result = run(fed, collected([]), T1);
    assert.equal(JSON.stringify(fed), before);
    assert.equal(result.status['extra'], 'kept');
    assert.deepEqual(result.status.conditions, [
      { type: 'Other', status: 'True' },
      { type: 'Propagation', status: 'True', lastTransitionTime: S1, lastUpdateTime: S1 },
    ]);
  });

  it('leaves observedGeneration out for generation 0', () => {
    const result = run({ metadata: { name: 'x' } }, collected([]));
    assert.equal(result.status.observedGeneration, undefined);
  });
});

describe('needsBackoff', () => {
  const statuses = (codes: ClusterPropagationStatus[]) =>
    new Map(codes.map((c, i) => [`c${i}`, c]));
  it('retries when a recoverable code came out of a successful pass', () => {
    assert.equal(needsBackoff('', statuses(['', 'UpdateFailed'])), true);
    assert.equal(needsBackoff('CheckClusters', statuses(['CreationTimedOut'])), true);
  });
  it('does not retry final codes', () => {
    assert.equal(
      needsBackoff(
        '',
        statuses([
          '',
          'AlreadyExists',
          'ManagedLabelFalse',
          'WaitingForRemoval',
          'ClusterNotReady',
        ]),
      ),
      false,
    );
  });
  it('does not retry placement, cluster-list or namespace failures', () => {
    assert.equal(needsBackoff('ComputePlacementFailed', statuses(['UpdateFailed'])), false);
    assert.equal(needsBackoff('NamespaceNotFederated', statuses(['DeletionFailed'])), false);
  });
});

describe('reportedClusters', () => {
  it('names the clusters of status.clusters', () => {
    assert.deepEqual(
      reportedClusters(
        fedWith({ clusters: [{ name: 'a' }, { name: 'b', status: 'ClusterNotReady' }] }),
      ),
      ['a', 'b'],
    );
  });
  it('ignores a missing or malformed status', () => {
    assert.deepEqual(reportedClusters(fedWith(undefined)), []);
    assert.deepEqual(reportedClusters({ status: { clusters: 'a' } }), []);
    assert.deepEqual(
      reportedClusters({ status: { clusters: [{ name: 1 }, 'x', null, { name: 'c' }] } }),
      ['c'],
    );
    assert.deepEqual(reportedClusters({ status: 'x' }), []);
  });
});

describe('the Propagation condition message (kubefed-ts)', () => {
  const stored: FederatedObjectStatus = {
    observedGeneration: 1,
    clusters: [{ name: 'c1' }],
    conditions: [
      { type: 'Propagation', status: 'True', lastTransitionTime: S0, lastUpdateTime: S0 },
    ],
  };
  const withMessage = (message: string): CollectedPropagation => ({
    statuses: new Map([['c1', '']]),
    message,
  });

  it('a new message is an update, not a transition', () => {
    const result = run(fedWith(stored), withMessage('spec.placement.clusters names ...'), T1);
    assert.equal(result.changed, true);
    assert.deepEqual(result.status.conditions, [
      {
        type: 'Propagation',
        status: 'True',
        message: 'spec.placement.clusters names ...',
        lastTransitionTime: S0,
        lastUpdateTime: S1,
      },
    ]);
  });
  it('the same message changes nothing; an empty one removes it', () => {
    const first = run(fedWith(stored), withMessage('m'), T0).status;
    assert.equal(run(fedWith(first), withMessage('m'), T1).changed, false);
    const cleared = run(fedWith(first), withMessage(''), T1);
    assert.equal(cleared.changed, true);
    assert.equal(cleared.status.conditions?.[0]?.['message'], undefined);
  });
  it('storedPropagationMessage reads it back', () => {
    const first = run(fedWith(stored), withMessage('m'), T0).status;
    assert.equal(storedPropagationMessage(fedWith(first)), 'm');
    assert.equal(storedPropagationMessage(fedWith(stored)), '');
    assert.equal(storedPropagationMessage(fedWith(undefined)), '');
  });
});
