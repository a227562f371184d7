import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  ClusterWorkloadStatus,
  FederatedObjectStatus,
  WorkloadReadyCondition,
} from '../../../../src/apis/types.ts';
import {
  aggregateWorkload,
  applyWorkloadStatus,
  readyCondition,
} from '../../../../src/federation/status/workload-status.ts';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);
const S0 = '2026-01-02T03:04:05Z';
const T1 = T0 + 60_000;
const S1 = '2026-01-02T03:05:05Z';

function replicas(
  name: string,
  desired: number,
  ready: number,
  reason?: string,
): ClusterWorkloadStatus {
  return {
    name,
    ready: reason === undefined,
    ...(reason === undefined ? {} : { reason }),
    replicas: desired,
    updatedReplicas: desired,
    readyReplicas: ready,
    availableReplicas: ready,
  };
}

function readyOf(status: FederatedObjectStatus): WorkloadReadyCondition | undefined {
  return status.conditions?.find((c): c is WorkloadReadyCondition => c.type === 'Ready');
}

describe('aggregateWorkload', () => {
  it('sums the replica counts and sorts the clusters by name', () => {
    const w = aggregateWorkload('Deployment', [
      replicas('c3', 2, 2),
      replicas('c1', 2, 1, 'Progressing'),
      replicas('c2', 2, 2),
    ]);
    assert.deepEqual(
      { ...w, clusters: w.clusters.map((c) => c.name) },
      {
        ready: '5/6',
        readyClusters: '2/3',
        replicas: 6,
        updatedReplicas: 6,
        readyReplicas: 5,
        availableReplicas: 5,
        clusters: ['c1', 'c2', 'c3'],
      },
    );
  });
  it('sums a Job as succeeded over completions', () => {
    const w = aggregateWorkload('Job', [
      { name: 'a', ready: true, completions: 1, succeeded: 1, failed: 0, active: 0 },
      {
        name: 'b',
        ready: false,
        reason: 'Progressing',
        completions: 2,
        succeeded: 0,
        failed: 1,
        active: 1,
      },
    ]);
    assert.deepEqual(
      { ...w, clusters: w.clusters.length },
      {
        ready: '1/3',
        readyClusters: '1/2',
        completions: 3,
        succeeded: 1,
        failed: 1,
        active: 1,
        clusters: 2,
      },
    );
  });
  it('is 0/0 in no cluster', () => {
    const w = aggregateWorkload('Deployment', []);
    assert.deepEqual([w.ready, w.readyClusters, w.clusters], ['0/0', '0/0', []]);
  });
});

describe('readyCondition', () => {
  it('is True when ready in every placed cluster', () => {
    const w = aggregateWorkload('Deployment', [replicas('c1', 2, 2), replicas('c2', 2, 2)]);
    assert.deepEqual(readyCondition('Deployment', w), {
      status: 'True',
      reason: 'WorkloadReady',
      message: 'The workload is ready in all 2 placed clusters',
    });
  });
  it('names every cluster that is not ready, and why', () => {
    const w = aggregateWorkload('Deployment', [
      replicas('c1', 2, 2),
      replicas('c2', 2, 1, 'Progressing'),
      replicas('c3', 2, 0, 'ClusterNotReady'),
      replicas('c4', 2, 0, 'NotFound'),
    ]);
    assert.deepEqual(readyCondition('Deployment', w), {
      status: 'False',
      reason: 'ClustersNotReady',
      message:
        'Not ready in 3 of 4 clusters: c2 (1/2 ready), c3 (cluster not ready), c4 (not created yet)',
    });
  });
  it('says JobFailed when a Job failed somewhere', () => {
    const w = aggregateWorkload('Job', [
      { name: 'a', ready: true, completions: 1, succeeded: 1 },
      { name: 'b', ready: false, reason: 'JobFailed', completions: 1, succeeded: 0, failed: 6 },
    ]);
    assert.deepEqual(readyCondition('Job', w), {
      status: 'False',
      reason: 'JobFailed',
      message: 'Not complete in 1 of 2 clusters: b (failed, 0/1 succeeded)',
    });
  });
  it('is False when placed nowhere', () => {
    assert.equal(
      readyCondition('Deployment', aggregateWorkload('Deployment', [])).reason,
      'NotPlaced',
    );
  });
});

describe('applyWorkloadStatus', () => {
  const ready = aggregateWorkload('Deployment', [replicas('c1', 2, 2)]);
  const notReady = aggregateWorkload('Deployment', [replicas('c1', 2, 1, 'Progressing')]);

  it('adds the workload and the Ready condition beside Propagation', () => {
    const status: FederatedObjectStatus = {
      conditions: [{ type: 'Propagation', status: 'True' }],
    };
    assert.equal(applyWorkloadStatus(status, 'Deployment', notReady, T0), true);
    assert.equal(status.workload?.ready, '1/2');
    assert.equal(status.conditions?.[0]?.type, 'Propagation');
    assert.deepEqual(readyOf(status), {
      type: 'Ready',
      status: 'False',
      reason: 'ClustersNotReady',
      message: 'Not ready in 1 of 1 clusters: c1 (1/2 ready)',
      lastUpdateTime: S0,
      lastTransitionTime: S0,
    });
  });
  it('changes nothing when nothing changed, also after a JSON round trip', () => {
    const status: FederatedObjectStatus = {};
    applyWorkloadStatus(status, 'Deployment', ready, T0);
    const stored = JSON.parse(JSON.stringify(status)) as FederatedObjectStatus;
    assert.equal(applyWorkloadStatus(stored, 'Deployment', ready, T1), false);
    assert.equal(readyOf(stored)?.lastUpdateTime, S0);
  });
  it('moves lastTransitionTime only on a transition, lastUpdateTime on any change', () => {
    const status: FederatedObjectStatus = {};
    applyWorkloadStatus(status, 'Deployment', notReady, T0);
    const twoOfThree = aggregateWorkload('Deployment', [replicas('c1', 3, 2, 'Progressing')]);
    assert.equal(applyWorkloadStatus(status, 'Deployment', twoOfThree, T1), true);
    assert.deepEqual(
      [readyOf(status)?.lastTransitionTime, readyOf(status)?.lastUpdateTime],
      [S0, S1],
    );
    const later = T1 + 60_000;
    assert.equal(applyWorkloadStatus(status, 'Deployment', ready, later), true);
    assert.equal(readyOf(status)?.status, 'True');
    assert.equal(readyOf(status)?.lastTransitionTime, '2026-01-02T03:06:05Z');
  });
  it('writes when only the counts changed (the condition may stay the same)', () => {
    const status: FederatedObjectStatus = {};
    const a = aggregateWorkload('Deployment', [replicas('c1', 2, 2), replicas('c2', 0, 0)]);
    applyWorkloadStatus(status, 'Deployment', a, T0);
    const b = aggregateWorkload('Deployment', [
      { ...replicas('c1', 2, 2), updatedReplicas: 1 },
      replicas('c2', 0, 0),
    ]);
    assert.equal(applyWorkloadStatus(status, 'Deployment', b, T1), true);
    assert.equal(readyOf(status)?.lastUpdateTime, S0);
  });
});
