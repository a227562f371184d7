// One pass of the legacy status controller over fakes of its caches and of the host client: what
// it writes, with which signal, and what it returns for each answer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeFedCluster } from '../../../../src/apis/types.ts';
import {
  reconcileServiceStatus,
  type ServiceStatusContext,
} from '../../../../src/controllers/servicestatus/reconcile.ts';
import type { KubeObject } from '../../../../src/json/object.ts';
import { ApiError } from '../../../../src/kube/errors.ts';
import type { ResourceRef } from '../../../../src/kube/resource.ts';
import type { MemberCache } from '../../../../src/multicluster/federated-informer.ts';
import { Logger } from '../../../../src/runtime/logger.ts';
import { ReconcileResult, requeueAfter } from '../../../../src/runtime/reconcile-worker.ts';

const KEY = 'demo/web';
const statusResource: ResourceRef = {
  group: 'core.kubefed.io',
  version: 'v1alpha1',
  resource: 'federatedservicestatuses',
  namespaced: true,
};
const federatedService: KubeObject = {
  apiVersion: 'types.kubefed.io/v1beta1',
  kind: 'FederatedService',
  metadata: { name: 'web', namespace: 'demo', uid: 'fed-uid' },
};
const memberService = (ip?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'demo' },
  status: { loadBalancer: ip === undefined ? {} : { ingress: [{ ip }] } },
});

interface Write {
  verb: 'create' | 'update';
  object: KubeObject;
  signal: AbortSignal | undefined;
}

interface Fakes {
  federated?: KubeObject | undefined;
  existing?: KubeObject | undefined;
  /** Cluster → its member cache; every cluster listed is a KubeFedCluster. */
  members?: Record<string, MemberCache>;
  pending?: string[];
  synced?: boolean;
  /** What the host answers to a write. */
  fail?: Error;
}

function context(fakes: Fakes): { ctx: ServiceStatusContext; writes: Write[]; observed: number[] } {
  const writes: Write[] = [];
  const observed: number[] = [];
  const synced = fakes.synced ?? true;
  const members = fakes.members ?? {};
  const write =
    (verb: Write['verb']) =>
    (_ref: ResourceRef, object: KubeObject, options?: { signal?: AbortSignal | undefined }) => {
      writes.push({ verb, object, signal: options?.signal });
      return fakes.fail ? Promise.reject(fakes.fail) : Promise.resolve(object);
    };
  const ctx: ServiceStatusContext = {
    host: { create: write('create'), update: write('update') },
    statusResource,
    federatedType: { apiVersion: 'types.kubefed.io/v1beta1', kind: 'FederatedService' },
    statusType: { apiVersion: 'core.kubefed.io/v1alpha1', kind: 'FederatedServiceStatus' },
    federated: {
      hasSynced: () => synced,
      get: (key) => (key === KEY ? fakes.federated : undefined),
    },
    statuses: { hasSynced: () => synced, get: (key) => (key === KEY ? fakes.existing : undefined) },
    members: {
      hasSynced: () => synced,
      pendingClusters: () => fakes.pending ?? [],
      clusters: () =>
        Object.keys(members).map((name) => ({ metadata: { name } }) as KubeFedCluster),
      cache: (name) => members[name] ?? { state: 'unready' },
    },
    logger: new Logger({ sink: () => undefined }),
    metrics: {
      controllerReconcileDuration: {
        labels: (values) => {
          assert.deepEqual(values, { controller: 'statuscontroller' });
          return { observe: (seconds) => observed.push(seconds) };
        },
      },
    },
  };
  return { ctx, writes, observed };
}

const synced = (objects: Record<string, KubeObject>): MemberCache => ({
  state: 'synced',
  get: (key) => objects[key],
  list: () => Object.values(objects),
});

function apiError(statusCode: number, reason: string): ApiError {
  return new ApiError(
    statusCode,
    { kind: 'Status', status: 'Failure', reason, message: reason, code: statusCode },
    { cluster: 'host', verb: 'POST', path: '/', server: 'https://127.0.0.1' },
  );
}

describe('reconcileServiceStatus (spec §8.1)', () => {
  const signal = new AbortController().signal;

  it('waits for the caches: NotSynced, and still records the duration', async () => {
    for (const fakes of [
      { synced: false, federated: federatedService },
      { pending: ['member1'], federated: federatedService },
    ]) {
      const { ctx, writes, observed } = context(fakes);
      assert.equal(await reconcileServiceStatus(ctx, KEY, signal), ReconcileResult.NotSynced);
      assert.deepEqual(writes, []);
      assert.equal(observed.length, 1);
    }
  });

  it('does nothing for an absent or deleting federated Service', async () => {
    const deleting = {
      ...federatedService,
      metadata: { ...federatedService.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' },
    };
    for (const federated of [undefined, deleting]) {
      const { ctx, writes } = context({ federated, members: { member1: synced({}) } });
      assert.equal(await reconcileServiceStatus(ctx, KEY, signal), ReconcileResult.AllOK);
      assert.deepEqual(writes, []);
    }
  });

  it('creates the status object from the ready clusters, with the reconcile signal', async () => {
    const { ctx, writes } = context({
      federated: federatedService,
      members: {
        member2: synced({ [KEY]: memberService('127.0.1.2') }),
        member1: synced({ [KEY]: memberService() }),
        offline: { state: 'unready' },
        host: synced({}),
      },
    });
    assert.equal(await reconcileServiceStatus(ctx, KEY, signal), ReconcileResult.AllOK);
    const [created] = writes;
    assert.ok(created !== undefined && writes.length === 1);
    assert.equal(created.verb, 'create');
    assert.equal(created.signal, signal);
    assert.deepEqual(created.object['clusterStatus'], [
      { clusterName: 'host', status: {} },
      { clusterName: 'member1', status: { loadBalancer: {} } },
      { clusterName: 'member2', status: { loadBalancer: { ingress: [{ ip: '127.0.1.2' }] } } },
    ]);
    assert.deepEqual(created.object.metadata?.ownerReferences, [
      {
        apiVersion: 'types.kubefed.io/v1beta1',
        kind: 'FederatedService',
        name: 'web',
        uid: 'fed-uid',
      },
    ]);
  });

  it('writes nothing when the stored clusterStatus is current', async () => {
    const existing = {
      apiVersion: 'core.kubefed.io/v1alpha1',
      kind: 'FederatedServiceStatus',
      metadata: { name: 'web', namespace: 'demo', resourceVersion: '7' },
      clusterStatus: [{ clusterName: 'member1', status: { loadBalancer: {} } }],
    };
    const { ctx, writes } = context({
      federated: federatedService,
      existing,
      members: { member1: synced({ [KEY]: memberService() }) },
    });
    assert.equal(await reconcileServiceStatus(ctx, KEY, signal), ReconcileResult.AllOK);
    assert.deepEqual(writes, []);
  });

  it('updates the cached object with the new clusterStatus when a member status changed', async () => {
    const existing = {
      apiVersion: 'core.kubefed.io/v1alpha1',
      kind: 'FederatedServiceStatus',
      metadata: { name: 'web', namespace: 'demo', resourceVersion: '7' },
      clusterStatus: [{ clusterName: 'member1', status: { loadBalancer: {} } }],
    };
    const { ctx, writes } = context({
      federated: federatedService,
      existing,
      members: { member1: synced({ [KEY]: memberService('127.0.1.1') }) },
    });
    assert.equal(await reconcileServiceStatus(ctx, KEY, signal), ReconcileResult.AllOK);
    assert.deepEqual(
      writes.map((w) => [w.verb, w.object.metadata?.resourceVersion, w.object['clusterStatus']]),
      [
        [
          'update',
          '7',
          [
            {
              clusterName: 'member1',
              status: { loadBalancer: { ingress: [{ ip: '127.0.1.1' }] } },
            },
          ],
        ],
      ],
    );
  });

  it('requeues soon when its cache was behind (AlreadyExists, Conflict)', async () => {
    for (const fail of [apiError(409, 'AlreadyExists'), apiError(409, 'Conflict')]) {
      const { ctx } = context({ federated: federatedService, fail });
      assert.deepEqual(await reconcileServiceStatus(ctx, KEY, signal), requeueAfter(200));
    }
  });

  it('rechecks after the retry delay when a write fails otherwise', async () => {
    const { ctx } = context({ federated: federatedService, fail: apiError(422, 'Invalid') });
    assert.equal(await reconcileServiceStatus(ctx, KEY, signal), ReconcileResult.NeedsRecheck);
  });

  it('returns Error without logging when the term ended during the write', async () => {
    const ended = new AbortController();
    const lines: string[] = [];
    const { ctx } = context({ federated: federatedService, fail: new Error('aborted') });
    ctx.logger = new Logger({ sink: (line) => lines.push(line) });
    ended.abort();
    assert.equal(await reconcileServiceStatus(ctx, KEY, ended.signal), ReconcileResult.Error);
    assert.deepEqual(lines, []);
  });
});
