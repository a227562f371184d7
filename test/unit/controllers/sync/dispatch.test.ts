import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  dispatchOperations,
  type DispatchContext,
  type DispatchInput,
} from '../../../../src/controllers/sync/dispatch.ts';
import type { TargetName } from '../../../../src/controllers/sync/member-writer.ts';
import type { MemberOperation } from '../../../../src/federation/propagation/member-operations.ts';
import type { MemberCallResult } from '../../../../src/federation/propagation/member-results.ts';
import type { RenderResult } from '../../../../src/federation/propagation/render.ts';
import type { KubeObject } from '../../../../src/json/object.ts';
import { answers, RecordingWriter, type WriterAnswer } from './recording-writer.ts';

interface RecordedEvent {
  object: KubeObject;
  type: string;
  reason: string;
  message: string;
}

/** A DispatchContext over `writer` for ConfigMaps (or Namespaces), recording Events and metrics. */
function dispatchContext(
  writer: RecordingWriter,
  fields: Partial<Pick<DispatchContext, 'adoptResources' | 'operationTimeoutMs'>> & {
    namespaceType?: boolean;
  } = {},
): { ctx: DispatchContext; events: RecordedEvent[]; observedActions: string[] } {
  const events: RecordedEvent[] = [];
  const observedActions: string[] = [];
  const namespaceType = fields.namespaceType ?? false;
  const ctx: DispatchContext = {
    target: { kind: namespaceType ? 'Namespace' : 'ConfigMap', version: 'v1' },
    targetIsNamespace: namespaceType,
    writer,
    adoptResources: fields.adoptResources ?? true,
    operationTimeoutMs: fields.operationTimeoutMs ?? 30_000,
    events: {
      record: (object, type, reason, message) => {
        events.push({ object, type, reason, message });
      },
    },
    metrics: {
      dispatchOperationDuration: {
        labels: ({ action }) => ({ observe: () => observedActions.push(action) }),
      },
    },
  };
  return { ctx, events, observedActions };
}

const fed: KubeObject = {
  apiVersion: 'types.kubefed.io/v1beta1',
  kind: 'FederatedConfigMap',
  metadata: { name: 'cfg', namespace: 'demo', uid: 'fed-uid' },
};
const target: TargetName = { name: 'cfg', namespace: 'demo', key: 'demo/cfg' };
const namespaceTarget: TargetName = { name: 'demo', namespace: undefined, key: 'demo' };

function configMap(metadata: NonNullable<KubeObject['metadata']> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'cfg',
      namespace: 'demo',
      labels: { 'kubefed.io/managed': 'true' },
      ...metadata,
    },
    data: { foo: 'bar' },
  };
}

/** What exists in a member before KubeFed adopts it: no managed label, other data. */
const preexisting: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cfg', namespace: 'demo', resourceVersion: '5', uid: 'member-uid' },
  data: { foo: 'old' },
};

/** The desired object rendered over the live one (the update path keeps its resourceVersion). */
function renderOver(_cluster: string, live: KubeObject): RenderResult {
  return {
    ok: true,
    object: configMap({ resourceVersion: live.metadata?.resourceVersion ?? '' }),
    warnings: [],
  };
}

function create(cluster: string, object: KubeObject = configMap()): MemberOperation {
  return {
    cluster,
    kind: 'create',
    object,
    pendingStatus: 'CreationTimedOut',
    failureStatus: 'CreationFailed',
  };
}

function update(cluster: string): MemberOperation {
  return {
    cluster,
    kind: 'update',
    object: configMap({ resourceVersion: '4' }),
    live: configMap({ resourceVersion: '4' }),
    pendingStatus: 'UpdateTimedOut',
    failureStatus: 'UpdateFailed',
  };
}

function deletion(cluster: string): MemberOperation {
  return {
    cluster,
    kind: 'delete',
    pendingStatus: 'DeletionTimedOut',
    failureStatus: 'DeletionFailed',
  };
}

function input(operations: MemberOperation[], fields: Partial<DispatchInput> = {}): DispatchInput {
  return { fed, target, operations, renderOver, ...fields };
}

const live = (): AbortSignal => new AbortController().signal;
const alreadyExists: MemberCallResult = {
  ok: false,
  reason: 'AlreadyExists',
  message: 'configmaps "cfg" already exists',
};

describe('dispatchOperations', () => {
  it('creates, records the written version and one CreateInCluster Event on the federated object', async () => {
    const writer = new RecordingWriter(
      answers({ a: { create: { ok: true, object: configMap({ resourceVersion: '7' }) } } }),
    );
    const { ctx, events, observedActions } = dispatchContext(writer);
    const pass = await dispatchOperations(ctx, input([create('a')]), live());

    assert.deepEqual(
      writer.calls.map((c) => [c.method, c.cluster]),
      [['create', 'a']],
    );
    assert.deepEqual(writer.calls[0]?.object, configMap());
    assert.deepEqual(pass.statuses, new Map([['a', 'CreationTimedOut']]));
    assert.deepEqual(pass.versions, new Map([['a', 'rv:7']]));
    assert.equal(pass.writes, 1);
    assert.equal(pass.timedOut, false);
    assert.deepEqual(events, [
      {
        object: fed,
        type: 'Normal',
        reason: 'CreateInCluster',
        message: 'Creating ConfigMap "demo/cfg" in cluster "a"',
      },
    ]);
    assert.deepEqual(observedActions, ['create']);
  });

  it('adopts an existing object: create → AlreadyExists → get → update (spec §7.7a)', async () => {
    const writer = new RecordingWriter(
      answers({
        a: {
          create: alreadyExists,
          get: { ok: true, object: preexisting },
          update: { ok: true, object: configMap({ resourceVersion: '6' }) },
        },
      }),
    );
    const { ctx, events } = dispatchContext(writer);
    const pass = await dispatchOperations(ctx, input([create('a')]), live());

    assert.deepEqual(
      writer.calls.map((c) => [c.method, c.cluster]),
      [
        ['create', 'a'],
        ['get', 'a'],
        ['update', 'a'],
      ],
    );
    assert.deepEqual(writer.calls[1]?.target, target);
    // The update carries the managed label and the live object's resourceVersion.
    assert.deepEqual(writer.calls[2]?.object, configMap({ resourceVersion: '5' }));
    assert.deepEqual(pass.statuses, new Map([['a', 'UpdateTimedOut']]));
    assert.deepEqual(pass.versions, new Map([['a', 'rv:6']]));
    assert.equal(pass.writes, 2);
    assert.deepEqual(
      events.map((e) => [e.type, e.reason, e.message]),
      [
        [
          'Warning',
          'CreateInClusterFailed',
          'Failed to create ConfigMap "demo/cfg" in cluster "a": An update will be attempted instead of a creation due to an existing resource',
        ],
        ['Normal', 'CreateInCluster', 'Creating ConfigMap "demo/cfg" in cluster "a"'],
        ['Normal', 'UpdateInCluster', 'Updating ConfigMap "demo/cfg" in cluster "a"'],
      ],
    );
  });

  it('with adoption disabled reports AlreadyExists and sends no update', async () => {
    const writer = new RecordingWriter(
      answers({ a: { create: alreadyExists, get: { ok: true, object: preexisting } } }),
    );
    const { ctx, events } = dispatchContext(writer, { adoptResources: false });
    const pass = await dispatchOperations(ctx, input([create('a')]), live());

    assert.deepEqual(
      writer.calls.map((c) => c.method),
      ['create', 'get'],
    );
    assert.deepEqual(pass.statuses, new Map([['a', 'AlreadyExists']]));
    assert.deepEqual(pass.versions, new Map());
    assert.equal(pass.writes, 1);
    assert.deepEqual(
      events.map((e) => [e.type, e.reason, e.message]),
      [
        [
          'Warning',
          'CreateInClusterFailed',
          'Failed to create ConfigMap "demo/cfg" in cluster "a": Resource pre-exist in cluster',
        ],
        ['Normal', 'CreateInCluster', 'Creating ConfigMap "demo/cfg" in cluster "a"'],
      ],
    );
  });

  it('adopts the host cluster’s own namespace even with adoption disabled', async () => {
    const hostNamespace: KubeObject = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'demo', uid: 'host-ns-uid', resourceVersion: '3' },
    };
    const writer = new RecordingWriter(
      answers({ a: { create: alreadyExists, get: { ok: true, object: hostNamespace } } }),
    );
    const { ctx } = dispatchContext(writer, { adoptResources: false, namespaceType: true });
    const pass = await dispatchOperations(
      ctx,
      input([create('a')], { target: namespaceTarget, hostNamespaceUid: 'host-ns-uid' }),
      live(),
    );
    assert.deepEqual(
      writer.calls.map((c) => c.method),
      ['create', 'get', 'update'],
    );
    assert.deepEqual(pass.statuses, new Map([['a', 'UpdateTimedOut']]));
  });

  it('reports RetrievalFailed when the existing object cannot be read', async () => {
    const writer = new RecordingWriter(
      answers({
        a: { create: alreadyExists, get: { ok: false, reason: 'Failed', message: 'forbidden' } },
      }),
    );
    const { ctx, events } = dispatchContext(writer);
    const pass = await dispatchOperations(ctx, input([create('a')]), live());

    assert.deepEqual(
      writer.calls.map((c) => c.method),
      ['create', 'get'],
    );
    assert.deepEqual(pass.statuses, new Map([['a', 'RetrievalFailed']]));
    assert.deepEqual(events[0], {
      object: fed,
      type: 'Warning',
      reason: 'RetrievalFailed',
      message: 'Failed to retrieve ConfigMap "demo/cfg" in cluster "a": forbidden',
    });
  });

  it('takes a namespace create answered with ServerTimeout for a collision', async () => {
    const namespace: KubeObject = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'demo' },
    };
    const existing: KubeObject = {
      ...namespace,
      metadata: { name: 'demo', uid: 'member-ns', resourceVersion: '2' },
    };
    const writer = new RecordingWriter(
      answers({
        a: {
          create: { ok: false, reason: 'ServerTimeout', message: 'the server timed out' },
          get: { ok: true, object: existing },
          update: { ok: true, object: { ...existing, metadata: { resourceVersion: '3' } } },
        },
      }),
    );
    const { ctx } = dispatchContext(writer, { namespaceType: true });
    const pass = await dispatchOperations(
      ctx,
      input([create('a', namespace)], {
        target: namespaceTarget,
        renderOver: (_cluster, obj) => ({ ok: true, object: obj, warnings: [] }),
      }),
      live(),
    );
    assert.deepEqual(
      writer.calls.map((c) => c.method),
      ['create', 'get', 'update'],
    );
    assert.deepEqual(pass.statuses, new Map([['a', 'UpdateTimedOut']]));
    assert.deepEqual(pass.versions, new Map([['a', 'rv:3']]));
  });

  it('does not take a ServerTimeout for a collision for other types', async () => {
    const writer = new RecordingWriter(
      answers({ a: { create: { ok: false, reason: 'ServerTimeout', message: 'timed out' } } }),
    );
    const { ctx } = dispatchContext(writer);
    const pass = await dispatchOperations(ctx, input([create('a')]), live());
    assert.deepEqual(
      writer.calls.map((c) => c.method),
      ['create'],
    );
    assert.deepEqual(pass.statuses, new Map([['a', 'CreationFailed']]));
  });

  it('reports ClientRetrievalFailed for a cluster without a client, and counts no write', async () => {
    const writer = new RecordingWriter(
      answers({ a: { create: { ok: false, reason: 'NoClient', message: 'no client' } } }),
    );
    const { ctx, events } = dispatchContext(writer);
    const pass = await dispatchOperations(ctx, input([create('a')]), live());
    assert.deepEqual(pass.statuses, new Map([['a', 'ClientRetrievalFailed']]));
    assert.equal(pass.writes, 0);
    assert.deepEqual(
      events.map((e) => [e.type, e.reason, e.message]),
      [['Warning', 'ClientRetrievalFailed', 'Error retrieving client for cluster "a"']],
    );
  });

  it('reports UpdateFailed for a failed update, keeping the other clusters', async () => {
    const writer = new RecordingWriter(
      answers({
        a: { update: { ok: false, reason: 'Failed', message: 'the object has been modified' } },
        b: { update: { ok: true, object: configMap({ resourceVersion: '8' }) } },
      }),
    );
    const { ctx, events } = dispatchContext(writer);
    const pass = await dispatchOperations(ctx, input([update('a'), update('b')]), live());
    assert.deepEqual(
      pass.statuses,
      new Map([
        ['a', 'UpdateFailed'],
        ['b', 'UpdateTimedOut'],
      ]),
    );
    assert.deepEqual(pass.versions, new Map([['b', 'rv:8']]));
    assert.deepEqual(
      events.map((e) => [e.type, e.reason, e.message]),
      [
        [
          'Warning',
          'UpdateInClusterFailed',
          'Failed to update ConfigMap "demo/cfg" in cluster "a": the object has been modified',
        ],
        ['Normal', 'UpdateInCluster', 'Updating ConfigMap "demo/cfg" in clusters "a", "b"'],
      ],
    );
  });

  it('ends at the budget: the slow cluster keeps its pending status, OperationTimeoutError', async () => {
    const waitForAbort: WriterAnswer = (call, signal) =>
      call.cluster === 'slow'
        ? new Promise((resolve) => {
            signal.addEventListener(
              'abort',
              () => resolve({ ok: false, reason: 'Aborted', message: 'aborted' }),
              { once: true },
            );
          })
        : { ok: true, object: configMap({ resourceVersion: '7' }) };
    const writer = new RecordingWriter(waitForAbort);
    const { ctx, events } = dispatchContext(writer, { operationTimeoutMs: 20 });
    const started = performance.now();
    const pass = await dispatchOperations(ctx, input([create('fast'), update('slow')]), live());

    assert.ok(performance.now() - started < 1000);
    assert.equal(pass.timedOut, true);
    assert.deepEqual(
      pass.statuses,
      new Map([
        ['fast', 'CreationTimedOut'],
        ['slow', 'UpdateTimedOut'],
      ]),
    );
    assert.deepEqual(pass.versions, new Map([['fast', 'rv:7']]));
    assert.deepEqual(events.at(-1), {
      object: fed,
      type: 'Warning',
      reason: 'OperationTimeoutError',
      message: 'Operations did not complete within 0.02s',
    });
  });

  it('sends nothing and records no Event once the term has ended', async () => {
    const writer = new RecordingWriter();
    const { ctx, events } = dispatchContext(writer);
    const pass = await dispatchOperations(
      ctx,
      input([create('a'), update('b'), deletion('c')]),
      AbortSignal.abort(),
    );
    assert.deepEqual(writer.sent, []);
    assert.deepEqual(events, []);
    assert.equal(pass.timedOut, true);
    assert.deepEqual(
      pass.statuses,
      new Map([
        ['a', 'CreationTimedOut'],
        ['b', 'UpdateTimedOut'],
        ['c', 'DeletionTimedOut'],
      ]),
    );
  });

  it('records no Event when the term ends while requests are in flight', async () => {
    const term = new AbortController();
    const writer = new RecordingWriter(
      (_call, signal) =>
        new Promise((resolve) => {
          signal.addEventListener(
            'abort',
            () => resolve({ ok: false, reason: 'Aborted', message: 'aborted' }),
            { once: true },
          );
          term.abort();
        }),
    );
    const { ctx, events } = dispatchContext(writer);
    const pass = await dispatchOperations(ctx, input([create('a')]), term.signal);
    assert.equal(writer.sent.length, 1);
    assert.equal(pass.timedOut, true);
    assert.deepEqual(events, []);
  });

  it('records Events only when there is a federated object (orphans have none)', async () => {
    const writer = new RecordingWriter();
    const { ctx, events } = dispatchContext(writer);
    const pass = await dispatchOperations(
      ctx,
      input([deletion('a')], { fed: undefined, deleteOptions: { propagationPolicy: 'Orphan' } }),
      live(),
    );
    assert.deepEqual(
      writer.calls.map((c) => [c.method, c.cluster, c.target, c.options]),
      [['delete', 'a', target, { propagationPolicy: 'Orphan' }]],
    );
    assert.equal(pass.events.length, 1);
    assert.deepEqual(events, []);
  });

  it('runs no request for operations of kind none', async () => {
    const writer = new RecordingWriter();
    const { ctx, events, observedActions } = dispatchContext(writer);
    const pass = await dispatchOperations(
      ctx,
      input([{ cluster: 'a', kind: 'none', status: '', events: [] }]),
      live(),
    );
    assert.deepEqual(writer.calls, []);
    assert.deepEqual(observedActions, []);
    assert.deepEqual(pass.statuses, new Map([['a', '']]));
    assert.deepEqual(events, []);
  });
});
