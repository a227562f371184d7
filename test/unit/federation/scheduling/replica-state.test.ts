import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PodAnalysis } from '../../../../src/federation/scheduling/pod-analysis.ts';
import {
  memberReplicaState,
  replicaStateFromPods,
} from '../../../../src/federation/scheduling/replica-state.ts';
import type { KubeObject } from '../../../../src/json/object.ts';

function deployment(
  replicas: number | undefined,
  readyReplicas: number | undefined,
  selector: unknown = { matchLabels: { app: 'web' } },
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'demo' },
    spec: { ...(replicas === undefined ? {} : { replicas }), selector },
    status: readyReplicas === undefined ? {} : { readyReplicas },
  };
}

describe('memberReplicaState (spec §9.2 step 6)', () => {
  it('replicas equal to ready: the ready count is current, no pods needed', () => {
    assert.deepEqual(memberReplicaState(deployment(3, 3)), { kind: 'settled', current: 3 });
  });

  it('absent counts read as 0', () => {
    assert.deepEqual(memberReplicaState(deployment(undefined, undefined)), {
      kind: 'settled',
      current: 0,
    });
    assert.deepEqual(memberReplicaState({ kind: 'Deployment' }), { kind: 'settled', current: 0 });
    assert.deepEqual(memberReplicaState(deployment(2, undefined)), {
      kind: 'podsNeeded',
      replicas: 2,
      podSelector: 'app=web',
    });
  });

  it('not all ready: the pods are needed, found by the whole selector', () => {
    const selector = {
      matchLabels: { tier: 'front', app: 'web' },
      matchExpressions: [
        { key: 'track', operator: 'In', values: ['stable', 'canary'] },
        { key: 'env', operator: 'NotIn', values: ['dev'] },
        { key: 'owner', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    };
    assert.deepEqual(memberReplicaState(deployment(5, 2, selector)), {
      kind: 'podsNeeded',
      replicas: 5,
      podSelector: 'app=web,tier=front,track in (stable,canary),env notin (dev),owner,!legacy',
    });
  });

  it('more ready than wanted (scaling down) also needs the pods', () => {
    assert.equal(memberReplicaState(deployment(1, 3)).kind, 'podsNeeded');
  });

  it('a selector that cannot find the pods is an error', () => {
    const unsettled = { spec: { replicas: 3 }, status: { readyReplicas: 1 } };
    assert.deepEqual(memberReplicaState(unsettled), {
      kind: 'invalid',
      error: "spec.selector does not select the workload's pods",
    });
    for (const selector of [{}, { matchLabels: {} }, { matchLabels: { app: 7 } }]) {
      const state = memberReplicaState(deployment(3, 1, selector));
      assert.equal(state.kind, 'invalid', JSON.stringify(selector));
    }
  });
});

describe('replicaStateFromPods', () => {
  const analysis = (runningAndReady: number, unschedulable: number): PodAnalysis => ({
    total: 5,
    runningAndReady,
    unschedulable,
    unschedulableNow: unschedulable,
  });

  it('running-and-ready pods are the current replicas; no capacity while all can schedule', () => {
    assert.deepEqual(replicaStateFromPods(5, analysis(3, 0)), { current: 3 });
  });

  it('pods unschedulable past the threshold lower the capacity', () => {
    assert.deepEqual(replicaStateFromPods(5, analysis(3, 2)), { current: 3, capacity: 3 });
  });

  it('the capacity is never negative (surge pods can outnumber the replicas)', () => {
    assert.deepEqual(replicaStateFromPods(1, analysis(0, 3)), { current: 0, capacity: 0 });
  });
});
