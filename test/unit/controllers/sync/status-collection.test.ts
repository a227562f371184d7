import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  collectMemberStatus,
  StatusCollection,
  type MemberStatusInput,
} from '../../../../src/controllers/sync/status-collection.ts';
import type { KubeObject } from '../../../../src/json/object.ts';

const deployment = (replicas: number, ready: number): KubeObject => ({
  metadata: { name: 'web', namespace: 'demo', generation: 1 },
  spec: { replicas },
  status: {
    observedGeneration: 1,
    replicas: ready,
    updatedReplicas: ready,
    readyReplicas: ready,
    availableReplicas: ready,
  },
});

function input(overrides: Partial<MemberStatusInput> = {}): MemberStatusInput {
  return {
    slots: ['a', 'b', 'c'],
    selected: ['a', 'b', 'c'],
    states: [
      { name: 'a', ready: true, observed: deployment(2, 1) },
      { name: 'b', ready: true },
      { name: 'c', ready: false },
    ],
    written: new Map(),
    render: () => ({ ok: true, object: deployment(2, 0), warnings: [] }),
    ...overrides,
  };
}

describe('collectMemberStatus', () => {
  it('collects nothing for a type without workload status or raw collection', () => {
    const collection = new StatusCollection({ raw: false, workload: undefined, windowMs: 0 });
    assert.equal(collection.collects, false);
    assert.deepEqual(collectMemberStatus(collection, input()), {});
  });

  it('copies the status of every slot whose member object has one, newest first', () => {
    const collection = new StatusCollection({ raw: true, workload: undefined, windowMs: 0 });
    const written = new Map([['a', deployment(2, 2)]]);
    const collected = collectMemberStatus(collection, input({ written }));
    assert.deepEqual(collected.remoteStatuses, new Map([['a', deployment(2, 2)['status']]]));
  });

  it('aggregates the placed clusters, from the pass, the cache and the template', () => {
    const collection = new StatusCollection({ raw: false, workload: 'Deployment', windowMs: 0 });
    const collected = collectMemberStatus(collection, input());
    const workload = collected.workload?.status;
    assert.ok(workload);
    assert.equal(workload.ready, '1/6');
    assert.deepEqual(
      workload.clusters.map((c) => `${c.name}:${c.reason ?? 'ready'}:${String(c.replicas)}`),
      ['a:Progressing:2', 'b:NotFound:2', 'c:ClusterNotReady:2'],
    );
  });

  it('forgets the workload after the CRD pruned it', () => {
    const collection = new StatusCollection({ raw: false, workload: 'Job', windowMs: 0 });
    collection.workloadPruned();
    assert.equal(collection.collects, false);
    assert.deepEqual(collectMemberStatus(collection, input()), {});
  });
});

describe('StatusCollection member changes', () => {
  it('keeps the first change until a pass takes it', () => {
    const collection = new StatusCollection({ raw: true, workload: undefined, windowMs: 0 });
    collection.noteMemberChange('demo/web', 100);
    collection.noteMemberChange('demo/web', 200);
    assert.equal(collection.takeMemberChange('demo/web'), 100);
    assert.equal(collection.takeMemberChange('demo/web'), undefined);
  });
});
