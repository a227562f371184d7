import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MemberOperation } from '../../../../src/federation/propagation/member-operations.ts';
import {
  DEFAULT_REJECTION_RETRY_MS,
  RejectedWrites,
  holdRejectedWrites,
  isRejection,
  objectRevision,
} from '../../../../src/federation/propagation/rejected-writes.ts';
import type { KubeObject } from '../../../../src/json/object.ts';

const object: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' } };

describe('isRejection', () => {
  it('counts 400, 413 and 422 as rejections of the object, nothing else', () => {
    const codes = [undefined, 200, 400, 401, 403, 404, 409, 413, 422, 429, 500, 503, 504];
    assert.deepEqual(
      codes.filter((code) => isRejection(code)),
      [400, 413, 422],
    );
  });
});

describe('objectRevision', () => {
  it('names the uid and the generation', () => {
    assert.equal(objectRevision({ metadata: { uid: 'u1', generation: 3 } }), 'u1/3');
    assert.equal(objectRevision({}), '/0');
  });
});

describe('RejectedWrites', () => {
  const at = 1_000_000;
  const rejection = { revision: 'u1/1', kind: 'create' as const, at };

  it('holds the same write of the same revision until the safety retry', () => {
    const rejected = new RejectedWrites(60_000);
    rejected.record('ns/a', 'm1', rejection);
    assert.equal(rejected.holds('ns/a', 'm1', 'create', 'u1/1', at), true);
    assert.equal(rejected.holds('ns/a', 'm1', 'create', 'u1/1', at + 59_999), true);
    assert.equal(rejected.holds('ns/a', 'm1', 'create', 'u1/1', at + 60_000), false, 'retry due');
  });

  it('does not hold another revision, another kind, cluster or key', () => {
    const rejected = new RejectedWrites();
    rejected.record('ns/a', 'm1', rejection);
    assert.equal(rejected.holds('ns/a', 'm1', 'create', 'u1/2', at), false, 'new generation');
    assert.equal(rejected.holds('ns/a', 'm1', 'create', 'u2/1', at), false, 'recreated object');
    assert.equal(rejected.holds('ns/a', 'm1', 'update', 'u1/1', at), false, 'other operation');
    assert.equal(rejected.holds('ns/a', 'm2', 'create', 'u1/1', at), false, 'other cluster');
    assert.equal(rejected.holds('ns/b', 'm1', 'create', 'u1/1', at), false, 'other object');
  });

  it('forgets one cluster or a whole key, and drops empty keys', () => {
    const rejected = new RejectedWrites();
    rejected.record('ns/a', 'm1', rejection);
    rejected.record('ns/a', 'm2', rejection);
    rejected.record('ns/b', 'm1', rejection);
    assert.equal(rejected.size, 2);
    rejected.forget('ns/a', 'm1');
    assert.equal(rejected.holds('ns/a', 'm1', 'create', 'u1/1', at), false);
    assert.equal(rejected.holds('ns/a', 'm2', 'create', 'u1/1', at), true);
    rejected.forget('ns/a', 'm2');
    assert.equal(rejected.size, 1, 'a key without rejections is dropped');
    rejected.forget('ns/b');
    assert.equal(rejected.size, 0);
    rejected.forget('ns/none', 'm1');
    assert.equal(rejected.size, 0);
  });

  it('a new rejection replaces the old one of the cluster', () => {
    const rejected = new RejectedWrites(60_000);
    rejected.record('ns/a', 'm1', rejection);
    rejected.record('ns/a', 'm1', { revision: 'u1/2', kind: 'update', at: at + 10_000 });
    assert.equal(rejected.holds('ns/a', 'm1', 'create', 'u1/1', at + 10_000), false);
    assert.equal(rejected.holds('ns/a', 'm1', 'update', 'u1/2', at + 69_999), true);
  });

  it('says when the first safety retry of a key is due', () => {
    const rejected = new RejectedWrites(60_000);
    assert.equal(rejected.nextRetryIn('ns/a', at), undefined);
    rejected.record('ns/a', 'm1', { ...rejection, at: at + 5000 });
    rejected.record('ns/a', 'm2', rejection);
    assert.equal(rejected.nextRetryIn('ns/a', at + 1000), 59_000);
    assert.equal(rejected.nextRetryIn('ns/a', at + 70_000), 0, 'never negative');
  });

  it('retries after 5 minutes by default and refuses a retry interval that is not positive', () => {
    assert.equal(new RejectedWrites().retryAfterMs, DEFAULT_REJECTION_RETRY_MS);
    assert.equal(DEFAULT_REJECTION_RETRY_MS, 300_000);
    assert.throws(() => new RejectedWrites(0), /rejection retry must be > 0 ms, got 0/);
    assert.throws(() => new RejectedWrites(Number.NaN), /rejection retry must be > 0 ms/);
  });
});

describe('holdRejectedWrites', () => {
  const operations: MemberOperation[] = [
    {
      cluster: 'm1',
      kind: 'create',
      object,
      pendingStatus: 'CreationTimedOut',
      failureStatus: 'CreationFailed',
    },
    {
      cluster: 'm2',
      kind: 'update',
      object,
      live: object,
      pendingStatus: 'UpdateTimedOut',
      failureStatus: 'UpdateFailed',
    },
    {
      cluster: 'm3',
      kind: 'delete',
      pendingStatus: 'DeletionTimedOut',
      failureStatus: 'DeletionFailed',
    },
    { cluster: 'm4', kind: 'none', status: '', events: [] },
  ];

  it('turns held creates and updates into their failure code, without a request or an Event', () => {
    const asked: string[] = [];
    const result = holdRejectedWrites(operations, (cluster, kind) => {
      asked.push(`${cluster}:${kind}`);
      return true;
    });
    assert.deepEqual(asked, ['m1:create', 'm2:update'], 'deletes and no-ops are never held');
    assert.deepEqual(result.held, new Set(['m1', 'm2']));
    assert.deepEqual(result.operations, [
      { cluster: 'm1', kind: 'none', status: 'CreationFailed', events: [] },
      { cluster: 'm2', kind: 'none', status: 'UpdateFailed', events: [] },
      operations[2],
      operations[3],
    ]);
  });

  it('leaves what is not held as it was', () => {
    const result = holdRejectedWrites(operations, (cluster) => cluster === 'm2');
    assert.deepEqual(result.held, new Set(['m2']));
    assert.equal(result.operations[0], operations[0]);
    assert.equal(result.operations[1]?.kind, 'none');
  });
});
