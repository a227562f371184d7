import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  changedFields,
  checkRewrite,
  desiredContentHash,
  recordFailedRewrite,
  recordRewrite,
  type PlannedUpdate,
  type RewriteRecord,
} from '../../../../src/federation/propagation/rewrite-guard.ts';
import type { KubeObject } from '../../../../src/json/object.ts';

const options = { maxRewrites: 3, windowMs: 60_000 };
const desired: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'demo', annotations: {} },
  spec: { replicas: 5 },
};

/** The member as our write left it (`rv`) and as the other writer changed it (`rv` + 1). */
function member(rv: number, revision: string): KubeObject {
  return {
    ...desired,
    metadata: {
      ...desired.metadata,
      resourceVersion: String(rv),
      generation: 2,
      annotations: { 'deployment.kubernetes.io/revision': revision },
    },
    status: { observedGeneration: rv },
  };
}

function planned(live: KubeObject, nowMs: number, generation = 1): PlannedUpdate {
  return { generation, desiredHash: desiredContentHash(desired), live, nowMs };
}

/** `n` writes, each overwriting the other writer's change 10 s after the previous one. */
function fight(n: number): RewriteRecord | undefined {
  let record: RewriteRecord | undefined;
  for (let i = 0; i < n; i++) {
    record = recordRewrite(
      record,
      planned(member(2 * i + 1, '1'), i * 10_000),
      member(2 * i + 2, ''),
      options,
    );
  }
  return record;
}

describe('desiredContentHash', () => {
  it('ignores what is copied from the live object', () => {
    const copied: KubeObject = {
      ...desired,
      metadata: {
        ...desired.metadata,
        resourceVersion: '9',
        annotations: { a: 'b' },
        finalizers: ['f'],
      },
    };
    assert.equal(desiredContentHash(copied), desiredContentHash(desired));
    assert.notEqual(
      desiredContentHash({ ...desired, spec: { replicas: 6 } }),
      desiredContentHash(desired),
    );
  });
});

describe('recordRewrite and checkRewrite', () => {
  it('counts same-content writes over someone else’s changes, and stops at maxRewrites', () => {
    assert.equal(fight(1)?.rewrites, 1);
    assert.equal(fight(2)?.rewrites, 2);
    assert.equal(checkRewrite(fight(2), planned(member(5, '1'), 20_000), options).write, true);
    const decision = checkRewrite(fight(3), planned(member(7, '1'), 30_000), options);
    assert.ok(!decision.write);
    assert.deepEqual(decision.fields, [
      'metadata.annotations["deployment.kubernetes.io/revision"]',
    ]);
    assert.match(
      decision.message,
      /^updated 3 times in a row with the same content, and each time something in the member cluster changed metadata\.annotations\["deployment\.kubernetes\.io\/revision"\] back: stopped updating it until the federated object changes/,
    );
  });
  it('stays stopped while the federated object and the desired content stay the same', () => {
    assert.equal(
      checkRewrite(fight(3), planned(member(99, '1'), 10 * 60_000), options).write,
      false,
    );
  });
  it('writes again when the federated object changes or the desired content does', () => {
    const record = fight(3);
    assert.equal(checkRewrite(record, planned(member(7, '1'), 30_000, 2), options).write, true);
    const other = { ...planned(member(7, '1'), 30_000), desiredHash: 'other' };
    assert.equal(checkRewrite(record, other, options).write, true);
    assert.equal(recordRewrite(record, other, member(8, ''), options).rewrites, 1);
  });
  it('a write without someone else’s change in between, or after the window, starts over', () => {
    const record = fight(2);
    assert.ok(record !== undefined);
    // The live object is what we wrote: nobody changed it.
    assert.equal(
      recordRewrite(record, planned(record.written, 20_000), member(5, ''), options).rewrites,
      1,
    );
    assert.equal(
      recordRewrite(record, planned(member(5, '1'), 10_000 + 60_001), member(6, ''), options)
        .rewrites,
      1,
    );
  });
  it('an attempt that failed counts when it continues a run, and changes nothing otherwise', () => {
    const record = fight(1);
    const failed = recordFailedRewrite(record, planned(member(3, '1'), 10_000), options);
    assert.equal(failed?.rewrites, 2);
    assert.equal(failed.written, record?.written);
    assert.equal(
      recordFailedRewrite(undefined, planned(member(3, '1'), 10_000), options),
      undefined,
    );
    const other = { ...planned(member(3, '1'), 10_000), desiredHash: 'other' };
    assert.equal(recordFailedRewrite(record, other, options), record);
    assert.equal(recordFailedRewrite(record, planned(member(3, '1'), 70_001), options), record);
  });
  it('maxRewrites 0 never stops', () => {
    assert.equal(
      checkRewrite(fight(10), planned(member(21, '1'), 100_000), { ...options, maxRewrites: 0 })
        .write,
      true,
    );
  });
  it('without a record, writes', () => {
    assert.equal(checkRewrite(undefined, planned(member(1, '1'), 0), options).write, true);
  });
});

describe('changedFields', () => {
  it('lists differing leaves, ignoring status and API server bookkeeping', () => {
    const a: KubeObject = {
      metadata: { resourceVersion: '1', generation: 1, managedFields: [], labels: { app: 'x' } },
      spec: { paused: false, containers: [{ image: 'a' }, { image: 'b' }] },
      status: { replicas: 1 },
    };
    const b: KubeObject = {
      metadata: {
        resourceVersion: '2',
        generation: 2,
        managedFields: [{}],
        labels: { app: 'x', 'x.io/y': 'z' },
      },
      spec: { paused: true, containers: [{ image: 'a' }, { image: 'c' }] },
      status: { replicas: 3 },
    };
    assert.deepEqual(changedFields(a, b), [
      'metadata.labels["x.io/y"]',
      'spec.paused',
      'spec.containers[1].image',
    ]);
    assert.deepEqual(changedFields(a, a), []);
  });
  it('names a list of another length as a whole, and stops at the limit', () => {
    assert.deepEqual(changedFields({ spec: { l: [1] } }, { spec: { l: [1, 2] } }), ['spec.l']);
    assert.deepEqual(changedFields({ a: 1, b: 1, c: 1 }, { a: 2, b: 2, c: 2 }, 2), ['a', 'b']);
  });
});
