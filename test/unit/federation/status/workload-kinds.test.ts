import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  workloadCounting,
  workloadKindOf,
  type WorkloadKind,
} from '../../../../src/apis/workload-types.ts';
import { clusterWorkload } from '../../../../src/federation/status/workload-kinds.ts';
import type { KubeObject } from '../../../../src/json/object.ts';

function obj(
  spec: Record<string, unknown>,
  status: Record<string, unknown> | undefined,
  generation = 2,
): KubeObject {
  return {
    metadata: { name: 'web', namespace: 'demo', generation },
    spec,
    ...(status === undefined ? {} : { status }),
  };
}

function entry(kind: WorkloadKind, observed: KubeObject | undefined, desired?: KubeObject) {
  return clusterWorkload(kind, { name: 'c1', clusterReady: true, observed, desired });
}

const rolledOut = {
  observedGeneration: 2,
  replicas: 3,
  updatedReplicas: 3,
  readyReplicas: 3,
  availableReplicas: 3,
};

describe('workloadKindOf', () => {
  it('knows the five workload kinds by group and kind', () => {
    assert.equal(workloadKindOf({ group: 'apps', kind: 'Deployment' }), 'Deployment');
    assert.equal(workloadKindOf({ group: 'apps', kind: 'ReplicaSet' }), 'ReplicaSet');
    assert.equal(workloadKindOf({ group: 'apps', kind: 'StatefulSet' }), 'StatefulSet');
    assert.equal(workloadKindOf({ group: 'apps', kind: 'DaemonSet' }), 'DaemonSet');
    assert.equal(workloadKindOf({ group: 'batch', kind: 'Job' }), 'Job');
  });
  it('has none for other types, or the same kind in another group', () => {
    assert.equal(workloadKindOf({ kind: 'ConfigMap' }), undefined);
    assert.equal(workloadKindOf({ group: 'extensions', kind: 'Deployment' }), undefined);
    assert.equal(workloadKindOf({ group: 'batch', kind: 'CronJob' }), undefined);
  });
  it('counts Jobs by completions and the others by replicas', () => {
    assert.equal(workloadCounting({ group: 'batch', kind: 'Job' }), 'completions');
    assert.equal(workloadCounting({ group: 'apps', kind: 'DaemonSet' }), 'replicas');
    assert.equal(workloadCounting({ kind: 'Service' }), undefined);
  });
});

describe('clusterWorkload: Deployment', () => {
  it('is ready when every replica is updated, ready and available and the generation seen', () => {
    assert.deepEqual(entry('Deployment', obj({ replicas: 3 }, rolledOut)), {
      name: 'c1',
      ready: true,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
    });
  });
  it('is progressing while the controller has not seen the generation', () => {
    const e = entry('Deployment', obj({ replicas: 3 }, { ...rolledOut, observedGeneration: 1 }));
    assert.equal(e.ready, false);
    assert.equal(e.reason, 'Progressing');
  });
  it('is progressing while old replicas remain (status.replicas counts them)', () => {
    const e = entry('Deployment', obj({ replicas: 3 }, { ...rolledOut, replicas: 4 }));
    assert.equal(e.reason, 'Progressing');
  });
  it('is progressing with fewer ready, available or updated replicas than desired', () => {
    for (const field of ['readyReplicas', 'availableReplicas', 'updatedReplicas']) {
      const e = entry('Deployment', obj({ replicas: 3 }, { ...rolledOut, [field]: 2 }));
      assert.equal(e.reason, 'Progressing', field);
    }
  });
  it('defaults spec.replicas to 1 and missing counts to 0', () => {
    const e = entry('Deployment', obj({}, {}));
    assert.deepEqual(
      [e.replicas, e.readyReplicas, e.updatedReplicas, e.availableReplicas, e.reason],
      [1, 0, 0, 0, 'Progressing'],
    );
  });
  it('is ready scaled to zero', () => {
    assert.equal(entry('Deployment', obj({ replicas: 0 }, { observedGeneration: 2 })).ready, true);
  });
  it('ignores counts that are not numbers', () => {
    const e = entry('Deployment', obj({ replicas: '3' }, { readyReplicas: 'x' }));
    assert.equal(e.replicas, 1);
    assert.equal(e.readyReplicas, 0);
  });
});

describe('clusterWorkload: missing objects and clusters', () => {
  it('takes the desired counts from the rendered object when the member has none', () => {
    assert.deepEqual(entry('Deployment', undefined, obj({ replicas: 4 }, undefined)), {
      name: 'c1',
      ready: false,
      reason: 'NotFound',
      replicas: 4,
      updatedReplicas: 0,
      readyReplicas: 0,
      availableReplicas: 0,
    });
  });
  it('counts nothing without either object', () => {
    const e = entry('Job', undefined);
    assert.deepEqual([e.completions, e.succeeded, e.reason], [0, 0, 'NotFound']);
  });
  it('says ClusterNotReady for a cluster that is not ready, whatever it last held', () => {
    const e = clusterWorkload('Deployment', {
      name: 'c2',
      clusterReady: false,
      observed: undefined,
      desired: obj({ replicas: 2 }, undefined),
    });
    assert.deepEqual([e.ready, e.reason, e.replicas], [false, 'ClusterNotReady', 2]);
  });
});

describe('clusterWorkload: the other kinds', () => {
  it('ReplicaSet: ready when ready and available match and no extra replica runs', () => {
    const status = {
      observedGeneration: 2,
      replicas: 2,
      fullyLabeledReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
    };
    assert.equal(entry('ReplicaSet', obj({ replicas: 2 }, status)).ready, true);
    assert.equal(
      entry('ReplicaSet', obj({ replicas: 2 }, { ...status, replicas: 3 })).ready,
      false,
    );
    assert.equal(entry('ReplicaSet', obj({ replicas: 2 }, status)).updatedReplicas, 2);
  });
  it('StatefulSet: needs updated replicas, except with OnDelete', () => {
    const status = { ...rolledOut, updatedReplicas: 1 };
    assert.equal(entry('StatefulSet', obj({ replicas: 3 }, status)).reason, 'Progressing');
    const onDelete = obj({ replicas: 3, updateStrategy: { type: 'OnDelete' } }, status);
    assert.equal(entry('StatefulSet', onDelete).ready, true);
    assert.equal(entry('StatefulSet', obj({ replicas: 3 }, rolledOut)).ready, true);
  });
  it('DaemonSet: desired is the number of nodes it should run on', () => {
    const status = {
      observedGeneration: 2,
      desiredNumberScheduled: 2,
      updatedNumberScheduled: 2,
      numberReady: 2,
      numberAvailable: 2,
    };
    assert.deepEqual(entry('DaemonSet', obj({}, status)), {
      name: 'c1',
      ready: true,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
    });
    assert.equal(entry('DaemonSet', obj({}, { ...status, numberReady: 1 })).ready, false);
    assert.equal(entry('DaemonSet', obj({}, { ...status, observedGeneration: 1 })).ready, false);
  });
  it('Job: complete by its Complete condition, failed by its Failed condition', () => {
    const complete = obj(
      { completions: 2 },
      {
        succeeded: 2,
        conditions: [{ type: 'Complete', status: 'True' }],
      },
    );
    assert.deepEqual(entry('Job', complete), {
      name: 'c1',
      ready: true,
      completions: 2,
      succeeded: 2,
      failed: 0,
      active: 0,
    });
    const failed = obj({}, { failed: 6, conditions: [{ type: 'Failed', status: 'True' }] });
    assert.deepEqual(
      [entry('Job', failed).reason, entry('Job', failed).completions],
      ['JobFailed', 1],
    );
    const running = obj(
      { completions: 3 },
      {
        active: 1,
        succeeded: 1,
        conditions: [{ type: 'Complete', status: 'False' }],
      },
    );
    assert.deepEqual(
      [entry('Job', running).reason, entry('Job', running).active],
      ['Progressing', 1],
    );
  });
});
