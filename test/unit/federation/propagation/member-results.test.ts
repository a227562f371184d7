import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  MemberOperation,
  TargetRef,
} from '../../../../src/federation/propagation/member-operations.ts';
import {
  foldOutcomes,
  outcomeOfFailedAdoptionRead,
  outcomeOfWrite,
  outcomeWithoutRequest,
  type ClusterOutcome,
} from '../../../../src/federation/propagation/member-results.ts';
import type { KubeObject } from '../../../../src/json/object.ts';

const target: TargetRef = { kind: 'ConfigMap', qualifiedName: 'demo/cfg' };

function configMap(metadata: NonNullable<KubeObject['metadata']> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cfg', namespace: 'demo', ...metadata },
  };
}

type WriteOperation = Exclude<MemberOperation, { kind: 'none' }>;

function create(cluster: string): WriteOperation {
  return {
    cluster,
    kind: 'create',
    object: configMap(),
    pendingStatus: 'CreationTimedOut',
    failureStatus: 'CreationFailed',
  };
}

function update(cluster: string): WriteOperation {
  return {
    cluster,
    kind: 'update',
    object: configMap(),
    live: configMap({ resourceVersion: '4' }),
    pendingStatus: 'UpdateTimedOut',
    failureStatus: 'UpdateFailed',
  };
}

function deletion(cluster: string): WriteOperation {
  return {
    cluster,
    kind: 'delete',
    pendingStatus: 'DeletionTimedOut',
    failureStatus: 'DeletionFailed',
  };
}

function unlabel(cluster: string): WriteOperation {
  return {
    cluster,
    kind: 'unlabel',
    live: configMap({ resourceVersion: '4' }),
    pendingStatus: 'LabelRemovalTimedOut',
    failureStatus: 'LabelRemovalFailed',
  };
}

/** An outcome with the given fields; the rest as after a successful create. */
function outcome(cluster: string, fields: Partial<ClusterOutcome> = {}): ClusterOutcome {
  return {
    cluster,
    status: 'CreationTimedOut',
    attempted: ['create'],
    events: [],
    timedOut: false,
    ...fields,
  };
}

describe('outcomeWithoutRequest', () => {
  it('keeps the planned status and events and counts no write', () => {
    const events = [
      { type: 'Warning' as const, reason: 'ClusterNotReady', message: 'Cluster not ready' },
    ];
    assert.deepEqual(
      outcomeWithoutRequest({ cluster: 'a', kind: 'none', status: 'ClusterNotReady', events }),
      {
        cluster: 'a',
        status: 'ClusterNotReady',
        attempted: [],
        events,
        timedOut: false,
      },
    );
  });
});

describe('outcomeOfWrite', () => {
  it('NoClient: ClientRetrievalFailed with its Warning, and no request counted', () => {
    assert.deepEqual(
      outcomeOfWrite(create('a'), { ok: false, reason: 'NoClient', message: 'no client' }, target),
      {
        cluster: 'a',
        status: 'ClientRetrievalFailed',
        attempted: [],
        events: [
          {
            type: 'Warning',
            reason: 'ClientRetrievalFailed',
            message: 'Error retrieving client for cluster "a"',
          },
        ],
        timedOut: false,
      },
    );
  });

  it('Aborted: the pending status stays, the request counts, the cluster timed out', () => {
    assert.deepEqual(
      outcomeOfWrite(update('a'), { ok: false, reason: 'Aborted', message: 'aborted' }, target),
      {
        cluster: 'a',
        status: 'UpdateTimedOut',
        attempted: ['update'],
        events: [],
        timedOut: true,
      },
    );
  });

  it('NotSent: the pending status stays, but no write counts and no Event claims one', () => {
    const outcome = outcomeOfWrite(
      update('a'),
      { ok: false, reason: 'NotSent', message: 'not sent' },
      target,
    );
    assert.deepEqual(outcome, {
      cluster: 'a',
      status: 'UpdateTimedOut',
      attempted: [],
      events: [],
      timedOut: true,
    });
    const pass = foldOutcomes([outcome], target, 30_000);
    assert.equal(pass.writes, 0);
    assert.deepEqual(
      pass.events.map((e) => e.reason),
      ['OperationTimeoutError'],
    );
  });

  for (const op of [deletion('a'), unlabel('a')]) {
    it(`NotFound on ${op.kind}: the object is gone, which is success`, () => {
      assert.deepEqual(
        outcomeOfWrite(op, { ok: false, reason: 'NotFound', message: 'not found' }, target),
        {
          cluster: 'a',
          status: op.pendingStatus,
          attempted: [op.kind],
          events: [],
          timedOut: false,
        },
      );
    });
  }

  it('NotFound on update is a failure', () => {
    const result = outcomeOfWrite(
      update('a'),
      { ok: false, reason: 'NotFound', message: 'configmaps "cfg" not found' },
      target,
    );
    assert.equal(result.status, 'UpdateFailed');
    assert.deepEqual(result.events, [
      {
        type: 'Warning',
        reason: 'UpdateInClusterFailed',
        message: 'Failed to update ConfigMap "demo/cfg" in cluster "a": configmaps "cfg" not found',
      },
    ]);
  });

  const failures: [WriteOperation, string, string][] = [
    [create('a'), 'CreationFailed', 'Failed to create ConfigMap "demo/cfg" in cluster "a": boom'],
    [update('a'), 'UpdateFailed', 'Failed to update ConfigMap "demo/cfg" in cluster "a": boom'],
    [deletion('a'), 'DeletionFailed', 'Failed to delete ConfigMap "demo/cfg" in cluster "a": boom'],
    [
      unlabel('a'),
      'LabelRemovalFailed',
      'Failed to remove managed label from ConfigMap "demo/cfg" in cluster "a": boom',
    ],
  ];
  for (const [op, status, message] of failures) {
    it(`Failed on ${op.kind}: ${status} with a <Op>InClusterFailed Warning`, () => {
      const reason = {
        create: 'CreateInClusterFailed',
        update: 'UpdateInClusterFailed',
        delete: 'DeleteInClusterFailed',
        unlabel: 'RemoveManagedLabelFromInClusterFailed',
      }[op.kind];
      assert.deepEqual(
        outcomeOfWrite(op, { ok: false, reason: 'Failed', message: 'boom' }, target),
        {
          cluster: 'a',
          status,
          attempted: [op.kind],
          events: [{ type: 'Warning', reason, message }],
          timedOut: false,
        },
      );
    });
  }

  // Only a create or update the member refused for the object itself is marked rejected.
  const rejections: [WriteOperation, number | undefined, 'create' | 'update' | undefined][] = [
    [create('a'), 422, 'create'],
    [update('a'), 422, 'update'],
    [create('a'), 400, 'create'],
    [update('a'), 413, 'update'],
    [create('a'), 403, undefined],
    [create('a'), 409, undefined],
    [update('a'), 500, undefined],
    [create('a'), undefined, undefined],
    [deletion('a'), 422, undefined],
    [unlabel('a'), 400, undefined],
  ];
  for (const [op, code, rejected] of rejections) {
    it(`Failed on ${op.kind} with code ${String(code)}: rejected ${String(rejected)}`, () => {
      const result = outcomeOfWrite(
        op,
        { ok: false, reason: 'Failed', message: 'no', code },
        target,
      );
      assert.equal(result.rejected, rejected);
      assert.equal(result.status, op.failureStatus);
      assert.equal(result.events.length, 1, 'the rejection has its Warning');
    });
  }

  it('a create that met AlreadyExists outside adoption is a failure', () => {
    const result = outcomeOfWrite(
      create('a'),
      { ok: false, reason: 'AlreadyExists', message: 'exists' },
      target,
    );
    assert.equal(result.status, 'CreationFailed');
    assert.equal(result.events[0]?.reason, 'CreateInClusterFailed');
  });

  it('a create records the version of the object written (resourceVersion based)', () => {
    assert.deepEqual(
      outcomeOfWrite(
        create('a'),
        { ok: true, object: configMap({ resourceVersion: '7' }) },
        target,
      ),
      {
        cluster: 'a',
        status: 'CreationTimedOut',
        attempted: ['create'],
        events: [],
        timedOut: false,
        version: 'rv:7',
        written: configMap({ resourceVersion: '7' }),
      },
    );
  });

  it('an update records the generation of the object written', () => {
    const result = outcomeOfWrite(
      update('a'),
      { ok: true, object: configMap({ resourceVersion: '9', generation: 3 }) },
      target,
    );
    assert.equal(result.version, 'gen:3');
    assert.equal(result.status, 'UpdateTimedOut');
  });

  it('records no version without an answer object, nor for deletes and label removals', () => {
    assert.equal(outcomeOfWrite(create('a'), { ok: true }, target).version, undefined);
    const written = { ok: true as const, object: configMap({ resourceVersion: '9' }) };
    assert.equal(outcomeOfWrite(deletion('a'), written, target).version, undefined);
    assert.equal(outcomeOfWrite(unlabel('a'), written, target).version, undefined);
  });

  it('keeps what earlier steps (adoption) recorded in front', () => {
    const adoptionEvent = {
      type: 'Warning' as const,
      reason: 'CreateInClusterFailed',
      message: 'adopting',
    };
    const result = outcomeOfWrite(
      update('a'),
      { ok: false, reason: 'Failed', message: 'boom' },
      target,
      { events: [adoptionEvent], attempted: ['create'] },
    );
    assert.deepEqual(result.attempted, ['create', 'update']);
    assert.deepEqual(
      result.events.map((e) => e.reason),
      ['CreateInClusterFailed', 'UpdateInClusterFailed'],
    );
  });
});

describe('outcomeOfFailedAdoptionRead', () => {
  it('reports RetrievalFailed with a Warning naming the cluster and the error', () => {
    assert.deepEqual(
      outcomeOfFailedAdoptionRead(
        'a',
        { ok: false, reason: 'Failed', message: 'forbidden' },
        target,
        ['create'],
      ),
      {
        cluster: 'a',
        status: 'RetrievalFailed',
        attempted: ['create'],
        events: [
          {
            type: 'Warning',
            reason: 'RetrievalFailed',
            message: 'Failed to retrieve ConfigMap "demo/cfg" in cluster "a": forbidden',
          },
        ],
        timedOut: false,
      },
    );
  });

  it('an aborted read leaves the create pending and timed out, without an Event', () => {
    assert.deepEqual(
      outcomeOfFailedAdoptionRead(
        'a',
        { ok: false, reason: 'Aborted', message: 'aborted' },
        target,
        ['create'],
      ),
      {
        cluster: 'a',
        status: 'CreationTimedOut',
        attempted: ['create'],
        events: [],
        timedOut: true,
      },
    );
  });
});

describe('foldOutcomes', () => {
  it('collects statuses, versions and writes', () => {
    const pass = foldOutcomes(
      [
        outcome('a', { version: 'rv:1' }),
        outcome('b', {
          status: 'UpdateTimedOut',
          attempted: ['update'],
          version: 'gen:2',
        }),
        outcome('c', { status: 'ClusterNotReady', attempted: [] }),
      ],
      target,
      30_000,
    );
    assert.deepEqual(
      pass.statuses,
      new Map([
        ['a', 'CreationTimedOut'],
        ['b', 'UpdateTimedOut'],
        ['c', 'ClusterNotReady'],
      ]),
    );
    assert.deepEqual(
      pass.versions,
      new Map([
        ['a', 'rv:1'],
        ['b', 'gen:2'],
      ]),
    );
    assert.equal(pass.writes, 2);
    assert.equal(pass.timedOut, false);
    assert.deepEqual(pass.rejected, new Map());
  });

  it('collects the clusters that rejected the write, with its kind', () => {
    const pass = foldOutcomes(
      [
        outcome('a', { status: 'CreationFailed', rejected: 'create' }),
        outcome('b', { status: 'UpdateFailed', attempted: ['update'], rejected: 'update' }),
        outcome('c', { status: 'CreationFailed' }),
      ],
      target,
      30_000,
    );
    assert.deepEqual(
      pass.rejected,
      new Map([
        ['a', 'create'],
        ['b', 'update'],
      ]),
    );
  });

  it('counts every request of an adoption (create, then update)', () => {
    const pass = foldOutcomes([outcome('a', { attempted: ['create', 'update'] })], target, 30_000);
    assert.equal(pass.writes, 2);
    assert.deepEqual(
      pass.events.map((e) => e.message),
      [
        'Creating ConfigMap "demo/cfg" in cluster "a"',
        'Updating ConfigMap "demo/cfg" in cluster "a"',
      ],
    );
  });

  it('records one Event per operation kind naming all its clusters, after the clusters’ own', () => {
    const failure = {
      type: 'Warning' as const,
      reason: 'UpdateInClusterFailed',
      message: 'Failed to update ConfigMap "demo/cfg" in cluster "c": boom',
    };
    const pass = foldOutcomes(
      [
        outcome('b'),
        outcome('c', { status: 'UpdateFailed', attempted: ['update'], events: [failure] }),
        outcome('a'),
      ],
      target,
      30_000,
    );
    assert.deepEqual(pass.events, [
      failure,
      {
        type: 'Normal',
        reason: 'CreateInCluster',
        message: 'Creating ConfigMap "demo/cfg" in clusters "a", "b"',
      },
      {
        type: 'Normal',
        reason: 'UpdateInCluster',
        message: 'Updating ConfigMap "demo/cfg" in cluster "c"',
      },
    ]);
  });

  it('a cluster that timed out makes the pass time out, with an OperationTimeoutError', () => {
    const pass = foldOutcomes(
      [
        outcome('a', { version: 'rv:1' }),
        outcome('b', { status: 'UpdateTimedOut', attempted: ['update'], timedOut: true }),
      ],
      target,
      30_000,
    );
    assert.equal(pass.timedOut, true);
    assert.deepEqual(pass.statuses.get('b'), 'UpdateTimedOut');
    assert.deepEqual(pass.events.at(-1), {
      type: 'Warning',
      reason: 'OperationTimeoutError',
      message: 'Operations did not complete within 30s',
    });
  });

  it('an empty pass is empty', () => {
    assert.deepEqual(foldOutcomes([], target, 30_000), {
      statuses: new Map(),
      versions: new Map(),
      written: new Map(),
      timedOut: false,
      rejected: new Map(),
      writes: 0,
      events: [],
    });
  });
});
