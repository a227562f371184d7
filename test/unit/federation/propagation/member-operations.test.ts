import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  initialStatuses,
  isHostNamespace,
  operationEvents,
  operationFailedEvent,
  planAdoption,
  planDeletion,
  planManagedLabelRemoval,
  planMemberOperations,
  settleStatuses,
  type MemberClusterState,
  type MemberOperation,
  type MemberPlanInput,
  type TargetRef,
} from '../../../../src/federation/propagation/member-operations.ts';
import type { RenderResult } from '../../../../src/federation/propagation/render.ts';
import type { KubeObject } from '../../../../src/json/object.ts';

const target: TargetRef = { kind: 'ConfigMap', qualifiedName: 'demo/cfg' };
const desiredObject: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cfg', namespace: 'demo', labels: { 'kubefed.io/managed': 'true' } },
  data: { foo: 'bar' },
};
const ok: RenderResult = { ok: true, object: desiredObject, warnings: [] };

function live(
  extra: Partial<NonNullable<KubeObject['metadata']>> = {},
  status?: unknown,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'cfg',
      namespace: 'demo',
      resourceVersion: '10',
      labels: { 'kubefed.io/managed': 'true' },
      ...extra,
    },
    ...(status === undefined ? {} : { status }),
  };
}

function plan(
  clusters: MemberClusterState[],
  selected: string[],
  extra: Partial<MemberPlanInput> = {},
): MemberOperation[] {
  return planMemberOperations({
    target,
    clusters,
    selected,
    desired: new Map(selected.map((c) => [c, ok])),
    recordedVersions: new Map(),
    ...extra,
  });
}

function only(ops: MemberOperation[]): MemberOperation {
  assert.equal(ops.length, 1, JSON.stringify(ops));
  const [op] = ops;
  assert.ok(op);
  return op;
}

describe('planMemberOperations: selected clusters', () => {
  it('creates where the object is absent', () => {
    assert.deepEqual(only(plan([{ name: 'c1', ready: true }], ['c1'])), {
      cluster: 'c1',
      kind: 'create',
      object: desiredObject,
      pendingStatus: 'CreationTimedOut',
      failureStatus: 'CreationFailed',
    });
  });
  it('updates a stale object', () => {
    const op = only(
      plan([{ name: 'c1', ready: true, observed: live() }], ['c1'], {
        recordedVersions: new Map([['c1', 'rv:9']]),
      }),
    );
    assert.equal(op.kind, 'update');
    assert.equal(op.failureStatus, 'UpdateFailed');
  });
  it('updates when no version was recorded (adopted or hashes changed)', () => {
    assert.equal(
      only(plan([{ name: 'c1', ready: true, observed: live() }], ['c1'])).kind,
      'update',
    );
  });
  it('does nothing for a current object', () => {
    const op = only(
      plan([{ name: 'c1', ready: true, observed: live({}, { phase: 'x' }) }], ['c1'], {
        recordedVersions: new Map([['c1', 'rv:10']]),
      }),
    );
    assert.deepEqual(op, {
      cluster: 'c1',
      kind: 'none',
      status: '',
      events: [],
    });
  });
  it('reports ClusterNotReady for unready selected clusters', () => {
    assert.deepEqual(only(plan([{ name: 'c1', ready: false, observed: live() }], ['c1'])), {
      cluster: 'c1',
      kind: 'none',
      status: 'ClusterNotReady',
      events: [{ type: 'Warning', reason: 'ClusterNotReady', message: 'Cluster not ready' }],
    });
  });
  it('reports cache failures', () => {
    const op = only(plan([{ name: 'c1', ready: true, cacheError: 'boom' }], ['c1']));
    assert.equal(op.kind === 'none' ? op.status : '', 'CachedRetrievalFailed');
    assert.equal(only(plan([{ name: 'c1', ready: true, cacheError: 'boom' }], [])).kind, 'none');
  });
  it('reports render failures with the operation that needed the object', () => {
    const failed: RenderResult = {
      ok: false,
      status: 'ApplyOverridesFailed',
      error: 'bad patch',
      warnings: [],
    };
    const create = only(
      plan([{ name: 'c1', ready: true }], ['c1'], { desired: new Map([['c1', failed]]) }),
    );
    assert.deepEqual(create, {
      cluster: 'c1',
      kind: 'none',
      status: 'ApplyOverridesFailed',
      events: [
        {
          type: 'Warning',
          reason: 'CreateInClusterFailed',
          message: 'Failed to create ConfigMap "demo/cfg" in cluster "c1": bad patch',
        },
      ],
    });
    const update = only(
      plan([{ name: 'c1', ready: true, observed: live() }], ['c1'], {
        desired: new Map([['c1', { ...failed, status: 'FieldRetentionFailed' }]]),
      }),
    );
    assert.equal(update.kind === 'none' ? update.status : '', 'FieldRetentionFailed');
    assert.equal(update.kind === 'none' ? update.events[0]?.reason : '', 'UpdateInClusterFailed');
    const missing = only(plan([{ name: 'c1', ready: true }], ['c1'], { desired: new Map() }));
    assert.equal(missing.kind === 'none' ? missing.status : '', 'ComputeResourceFailed');
  });
  it('reports VersionRetrievalFailed on the update path only', () => {
    const versions = { error: 'hash failed' };
    const update = only(
      plan([{ name: 'c1', ready: true, observed: live() }], ['c1'], { recordedVersions: versions }),
    );
    assert.equal(update.kind === 'none' ? update.status : '', 'VersionRetrievalFailed');
    assert.equal(
      only(plan([{ name: 'c1', ready: true }], ['c1'], { recordedVersions: versions })).kind,
      'create',
    );
  });
  it('never touches objects labelled managed=false', () => {
    const op = only(
      plan(
        [
          {
            name: 'c1',
            ready: true,
            observed: live({ labels: { 'kubefed.io/managed': 'false' } }),
          },
        ],
        ['c1'],
      ),
    );
    assert.equal(op.kind === 'none' ? op.status : '', 'ManagedLabelFalse');
  });
  it('updates a selected object even while it is being deleted', () => {
    const op = only(
      plan(
        [
          {
            name: 'c1',
            ready: true,
            observed: live({ deletionTimestamp: '2026-01-01T00:00:00Z' }),
          },
        ],
        ['c1'],
      ),
    );
    assert.equal(op.kind, 'update');
  });
});

describe('planMemberOperations: unselected clusters', () => {
  it('deletes managed objects', () => {
    assert.deepEqual(only(plan([{ name: 'c2', ready: true, observed: live() }], [])), {
      cluster: 'c2',
      kind: 'delete',
      pendingStatus: 'DeletionTimedOut',
      failureStatus: 'DeletionFailed',
    });
  });
  it('waits for objects already being deleted', () => {
    const op = only(
      plan(
        [
          {
            name: 'c2',
            ready: true,
            observed: live({ deletionTimestamp: 't' }, { phase: 'Terminating' }),
          },
        ],
        [],
      ),
    );
    assert.deepEqual(op, {
      cluster: 'c2',
      kind: 'none',
      status: 'WaitingForRemoval',
      events: [],
    });
  });
  it('only unlabels the host cluster’s own namespace', () => {
    const ns = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'demo', uid: 'host-uid', labels: { 'kubefed.io/managed': 'true' } },
    };
    const op = only(
      planMemberOperations({
        target: { kind: 'Namespace', qualifiedName: 'demo' },
        clusters: [{ name: 'host', ready: true, observed: ns }],
        selected: [],
        desired: new Map(),
        recordedVersions: new Map(),
        hostNamespaceUid: 'host-uid',
      }),
    );
    assert.equal(op.kind, 'unlabel');
    assert.equal(op.pendingStatus, 'LabelRemovalTimedOut');
  });
  it('keeps ClusterNotReady for an unready cluster the status still names (it may hold a copy)', () => {
    const ops = plan(
      [
        { name: 'c2', ready: false },
        { name: 'c3', ready: false },
        { name: 'c4', ready: true },
      ],
      [],
      { reported: ['c2', 'c4', 'gone'] },
    );
    assert.deepEqual(ops, [
      {
        cluster: 'c2',
        kind: 'none',
        status: 'ClusterNotReady',
        events: [{ type: 'Warning', reason: 'ClusterNotReady', message: 'Cluster not ready' }],
      },
    ]);
  });
  it('skips absent objects and unready clusters', () => {
    assert.deepEqual(
      plan(
        [
          { name: 'c2', ready: true },
          { name: 'c3', ready: false, observed: live() },
        ],
        [],
      ),
      [],
    );
  });
});

describe('planMemberOperations: several clusters', () => {
  it('plans each cluster independently, in cluster order', () => {
    const ops = plan(
      [
        { name: 'a', ready: true },
        { name: 'b', ready: true, observed: live() },
        { name: 'c', ready: false },
        { name: 'd', ready: true, observed: live() },
      ],
      ['a', 'b', 'c'],
      { recordedVersions: new Map([['b', 'rv:10']]) },
    );
    assert.deepEqual(
      ops.map((o) => [o.cluster, o.kind]),
      [
        ['a', 'create'],
        ['b', 'none'],
        ['c', 'none'],
        ['d', 'delete'],
      ],
    );
    assert.deepEqual(
      [...initialStatuses(ops)],
      [
        ['a', 'CreationTimedOut'],
        ['b', ''],
        ['c', 'ClusterNotReady'],
        ['d', 'DeletionTimedOut'],
      ],
    );
  });
});

describe('planAdoption (create met AlreadyExists)', () => {
  const base = { cluster: 'c1', target, desired: ok, recordedVersion: undefined };
  const unlabelled = live({ labels: {} });

  it('adopts by updating when adoption is enabled', () => {
    const result = planAdoption({ ...base, live: unlabelled, adoptResources: true });
    assert.equal(result.operation.kind, 'update');
    assert.deepEqual(result.events, [
      {
        type: 'Warning',
        reason: 'CreateInClusterFailed',
        message:
          'Failed to create ConfigMap "demo/cfg" in cluster "c1": An update will be attempted instead of a creation due to an existing resource',
      },
    ]);
  });
  it('reports AlreadyExists when adoption is disabled', () => {
    const result = planAdoption({ ...base, live: unlabelled, adoptResources: false });
    assert.deepEqual(result.operation, {
      cluster: 'c1',
      kind: 'none',
      status: 'AlreadyExists',
      events: [],
    });
    assert.equal(
      result.events[0]?.message,
      'Failed to create ConfigMap "demo/cfg" in cluster "c1": Resource pre-exist in cluster',
    );
  });
  it('always adopts the host cluster’s own namespace', () => {
    const ns = { kind: 'Namespace', metadata: { name: 'demo', uid: 'u' } };
    const result = planAdoption({
      ...base,
      live: ns,
      adoptResources: false,
      hostNamespaceUid: 'u',
    });
    assert.equal(result.operation.kind, 'update');
  });
  it('reports ManagedLabelFalse when the object opted out (AlreadyExists if adoption is off)', () => {
    const optedOut = live({ labels: { 'kubefed.io/managed': 'false' } });
    const enabled = planAdoption({ ...base, live: optedOut, adoptResources: true });
    assert.equal(
      enabled.operation.kind === 'none' ? enabled.operation.status : '',
      'ManagedLabelFalse',
    );
    const disabled = planAdoption({ ...base, live: optedOut, adoptResources: false });
    assert.equal(
      disabled.operation.kind === 'none' ? disabled.operation.status : '',
      'AlreadyExists',
    );
  });
});

describe('settleStatuses', () => {
  it('turns finished placeholders into final codes', () => {
    const settled = settleStatuses(
      new Map([
        ['a', 'CreationTimedOut'],
        ['b', 'UpdateTimedOut'],
        ['c', 'DeletionTimedOut'],
        ['d', 'LabelRemovalTimedOut'],
        ['e', 'UpdateFailed'],
        ['f', ''],
      ]),
    );
    assert.deepEqual(
      [...settled],
      [
        ['a', ''],
        ['b', ''],
        ['c', 'WaitingForRemoval'],
        ['e', 'UpdateFailed'],
        ['f', ''],
      ],
    );
  });
});

describe('planDeletion', () => {
  it('deletes the managed copy in every ready cluster that holds one, targeted or not', () => {
    // "d" left the placement before the object was deleted, and no pass removed its copy.
    const result = planDeletion(
      [
        { name: 'a', ready: true, observed: live() },
        { name: 'b', ready: true },
        { name: 'c', ready: true, observed: live({ deletionTimestamp: 't' }) },
        { name: 'd', ready: true, observed: live() },
      ],
      ['a', 'b', 'c'],
    );
    assert.deepEqual(
      result.operations.map((o) => [o.cluster, o.kind]),
      [
        ['a', 'delete'],
        ['d', 'delete'],
      ],
    );
    assert.deepEqual(result.remaining, ['a', 'c', 'd']);
    assert.deepEqual(result.errors, []);
  });
  it('reports unreadable clusters that may hold a copy while the others proceed', () => {
    const result = planDeletion(
      [
        { name: 'a', ready: false, observed: live() },
        { name: 'b', ready: true, cacheError: 'x' },
        { name: 'c', ready: true, observed: live() },
        { name: 'd', ready: false },
        { name: 'e', ready: true, cacheError: 'y' },
      ],
      ['a', 'b', 'c'],
    );
    assert.deepEqual(result.errors, [
      'cluster "a" is not ready',
      'failed to retrieve object from the cache of cluster "b": x',
    ]);
    assert.deepEqual(
      result.operations.map((o) => o.cluster),
      ['c'],
    );
    assert.deepEqual(result.remaining, ['c']);
  });
  it('does not wait for unready clusters nothing says may hold a copy', () => {
    const result = planDeletion([{ name: 'a', ready: false }], []);
    assert.deepEqual(result, { operations: [], remaining: [], errors: [] });
  });
  it('unlabels the host namespace, and ignores it once it is terminating', () => {
    const ns = (extra = {}) => ({
      kind: 'Namespace',
      metadata: { name: 'demo', uid: 'u', labels: { 'kubefed.io/managed': 'true' }, ...extra },
    });
    const live1 = planDeletion([{ name: 'host', ready: true, observed: ns() }], [], 'u');
    assert.deepEqual(
      live1.operations.map((o) => o.kind),
      ['unlabel'],
    );
    assert.deepEqual(live1.remaining, ['host']);
    const terminating = planDeletion(
      [{ name: 'host', ready: true, observed: ns({ deletionTimestamp: 't' }) }],
      ['host'],
      'u',
    );
    assert.deepEqual(terminating, { operations: [], remaining: [], errors: [] });
  });
});

describe('planManagedLabelRemoval', () => {
  const clusters: MemberClusterState[] = [
    { name: 'a', ready: true, observed: live() },
    { name: 'b', ready: true, observed: live({ deletionTimestamp: 't' }) },
    { name: 'c', ready: true },
    { name: 'd', ready: false },
    { name: 'e', ready: true, observed: live({ labels: {} }) },
    { name: 'f', ready: true, cacheError: 'x' },
  ];
  it('unlabels cached managed objects; every cluster must be readable (possible orphans)', () => {
    const all = planManagedLabelRemoval(clusters);
    assert.deepEqual(
      all.operations.map((o) => [o.cluster, o.kind]),
      [['a', 'unlabel']],
    );
    assert.deepEqual(all.errors, [
      'cluster "d" is not ready',
      'failed to retrieve object from the cache of cluster "f": x',
    ]);
  });
  it('orphaning deletion: unlabels every cached copy, targeted or not; only the clusters that may hold one must be readable', () => {
    assert.deepEqual(planManagedLabelRemoval(clusters, ['b', 'c']), {
      operations: [
        {
          cluster: 'a',
          kind: 'unlabel',
          live: live(),
          pendingStatus: 'LabelRemovalTimedOut',
          failureStatus: 'LabelRemovalFailed',
        },
      ],
      remaining: [],
      errors: [],
    });
    assert.deepEqual(planManagedLabelRemoval(clusters, ['d']).errors, ['cluster "d" is not ready']);
  });
});

describe('helpers', () => {
  it('event texts', () => {
    assert.deepEqual(
      operationEvents({ kind: 'ClusterRole', qualifiedName: 'admin' }, [
        { kind: 'delete', cluster: 'c' },
      ]),
      [
        {
          type: 'Normal',
          reason: 'DeleteInCluster',
          message: 'Deleting ClusterRole "admin" in cluster "c"',
        },
      ],
    );
    assert.deepEqual(
      operationEvents(target, [
        { kind: 'update', cluster: 'c2' },
        { kind: 'create', cluster: 'c3' },
        { kind: 'update', cluster: 'c1' },
        { kind: 'unlabel', cluster: 'host' },
      ]),
      [
        {
          type: 'Normal',
          reason: 'CreateInCluster',
          message: 'Creating ConfigMap "demo/cfg" in cluster "c3"',
        },
        {
          type: 'Normal',
          reason: 'UpdateInCluster',
          message: 'Updating ConfigMap "demo/cfg" in clusters "c1", "c2"',
        },
        {
          type: 'Normal',
          reason: 'RemoveManagedLabelFromInCluster',
          message: 'Removing managed label from ConfigMap "demo/cfg" in cluster "host"',
        },
      ],
    );
    assert.deepEqual(operationEvents(target, []), []);
    assert.deepEqual(operationFailedEvent('unlabel', target, 'c', 'boom'), {
      type: 'Warning',
      reason: 'RemoveManagedLabelFromInClusterFailed',
      message: 'Failed to remove managed label from ConfigMap "demo/cfg" in cluster "c": boom',
    });
  });
  it('isHostNamespace', () => {
    assert.equal(isHostNamespace({ metadata: { uid: 'u' } }, 'u'), true);
    assert.equal(isHostNamespace({ metadata: { uid: 'u' } }, undefined), false);
    assert.equal(isHostNamespace({ metadata: {} }, ''), false);
  });
});
