import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { reconcileFederatedObject } from '../../../../src/controllers/sync/reconcile.ts';
import type { KubeObject } from '../../../../src/json/object.ts';
import { KubeClient } from '../../../../src/kube/client.ts';
import { ReconcileResult, requeueAfter } from '../../../../src/runtime/reconcile-worker.ts';
import {
  startServer,
  statusReply,
  type RecordedRequest,
  type Reply,
  type TestServer,
} from '../../kube/test-server.ts';
import { KUBEFED_NAMESPACE, syncWorld, type HostCaches, type SyncWorld } from './sync-context.ts';

const fedPath = '/apis/types.kubefed.io/v1beta1/namespaces/demo/federatedconfigmaps/cfg';
const versionsPath = '/apis/core.kubefed.io/v1alpha1/propagatedversions';
const versionCollection = '/apis/core.kubefed.io/v1alpha1/namespaces/demo/propagatedversions';

const fed: KubeObject = {
  apiVersion: 'types.kubefed.io/v1beta1',
  kind: 'FederatedConfigMap',
  metadata: { name: 'cfg', namespace: 'demo', uid: 'fed-uid', generation: 1, resourceVersion: '3' },
  spec: { template: { data: { foo: 'bar' } }, placement: { clusters: [{ name: 'c1' }] } },
};
const federatedNamespace: KubeObject = {
  apiVersion: 'types.kubefed.io/v1beta1',
  kind: 'FederatedNamespace',
  metadata: { name: 'demo', namespace: 'demo', uid: 'fedns-uid' },
};
const hostNamespace: KubeObject = {
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'demo', uid: 'host-ns-uid' },
};
const readyCluster: KubeObject = {
  apiVersion: 'core.kubefed.io/v1beta1',
  kind: 'KubeFedCluster',
  metadata: { name: 'c1', namespace: KUBEFED_NAMESPACE },
  spec: { apiEndpoint: 'https://c1.example:6443', secretRef: { name: 'c1-token' } },
  status: { conditions: [{ type: 'Ready', status: 'True' }] },
};

/** Every cache synced, versions loaded, no member cluster (so none is pending). */
const synced: HostCaches = {
  federated: [fed],
  federatedNamespaces: [federatedNamespace],
  kubeFedClusters: [],
  versionsLoaded: true,
};

function echo(request: RecordedRequest, resourceVersion: string): Reply {
  const body = JSON.parse(request.body) as KubeObject;
  return { body: { ...body, metadata: { ...body.metadata, resourceVersion } } };
}

describe('reconcileFederatedObject', () => {
  let server: TestServer;
  let host: KubeClient;
  let world: SyncWorld | undefined;
  let statusConflict = false;

  before(async () => {
    // The host API as a pass over `fed` uses it.
    server = await startServer((request) => {
      const path = request.url.pathname;
      switch (`${request.method} ${path}`) {
        case `GET ${versionsPath}`:
          return { body: { metadata: { resourceVersion: '1' }, items: [] } };
        case `PATCH ${fedPath}`:
          return {
            body: {
              ...fed,
              metadata: {
                ...fed.metadata,
                resourceVersion: '4',
                finalizers: ['kubefed.io/sync-controller'],
              },
            },
          };
        case `PUT ${fedPath}/status`:
          return statusConflict
            ? statusReply(409, 'Conflict', 'the object has been modified')
            : echo(request, '5');
        case `POST ${versionCollection}`:
        case 'POST /api/v1/namespaces/demo/events':
          return { status: 201, ...echo(request, '1') };
        case `PUT ${versionCollection}/configmap-cfg/status`:
          return echo(request, '2');
        default:
          return statusReply(404, 'NotFound', `${path} not found`);
      }
    });
    host = new KubeClient({ server: server.url }, { cluster: 'host' });
  });
  after(async () => {
    await host.close();
    await server.close();
  });
  afterEach(async () => {
    await world?.stop();
    world = undefined;
    statusConflict = false;
  });

  /** A world over `caches`, and the host's request log emptied of what building it took. */
  async function worldOf(
    caches: HostCaches,
    type: 'configmaps' | 'namespaces' = 'configmaps',
  ): Promise<SyncWorld> {
    await world?.stop();
    world = await syncWorld(host, caches, type);
    server.requests.length = 0;
    return world;
  }

  const unsynced: [string, HostCaches][] = [
    ['the federated informer is not synced', { ...synced, federated: undefined }],
    [
      'the FederatedNamespace informer is not synced',
      { ...synced, federatedNamespaces: undefined },
    ],
    ['the KubeFedCluster list is not synced', { ...synced, kubeFedClusters: undefined }],
    ['the recorded versions are not loaded', { ...synced, versionsLoaded: false }],
    ['a ready member’s cache is pending', { ...synced, kubeFedClusters: [readyCluster] }],
  ];
  for (const [condition, caches] of unsynced) {
    it(`answers NotSynced and sends nothing while ${condition}`, async () => {
      const { ctx, writer, eventsSent } = await worldOf(caches);
      const result = await reconcileFederatedObject(ctx, 'demo/cfg', AbortSignal.timeout(5000));
      await eventsSent();
      assert.equal(result, ReconcileResult.NotSynced);
      assert.deepEqual(writer.calls, []);
      assert.deepEqual(
        server.requests.map((r) => `${r.method} ${r.url.pathname}`),
        [],
      );
    });
  }

  it('answers NotSynced and sends nothing while the host Namespaces are not synced (namespace type)', async () => {
    const namespaceCaches: HostCaches = {
      federated: [federatedNamespace],
      kubeFedClusters: [],
      versionsLoaded: true,
    };
    const unsyncedWorld = await worldOf(namespaceCaches, 'namespaces');
    const result = await reconcileFederatedObject(
      unsyncedWorld.ctx,
      'demo/demo',
      AbortSignal.timeout(5000),
    );
    await unsyncedWorld.eventsSent();
    assert.equal(result, ReconcileResult.NotSynced);
    assert.deepEqual(unsyncedWorld.writer.calls, []);
    assert.deepEqual(server.requests, []);

    // Once the Namespaces are synced, the same pass runs (and writes to the host).
    const syncedWorld = await worldOf(
      { ...namespaceCaches, hostNamespaces: [hostNamespace] },
      'namespaces',
    );
    const passResult = await reconcileFederatedObject(
      syncedWorld.ctx,
      'demo/demo',
      AbortSignal.timeout(5000),
    );
    await syncedWorld.eventsSent();
    assert.notEqual(passResult, ReconcileResult.NotSynced);
    assert.notEqual(server.requests.length, 0);
  });

  it('with every cache synced, runs the pass: finalizer, recorded versions, status', async () => {
    const { ctx, eventsSent } = await worldOf(synced);
    const result = await reconcileFederatedObject(ctx, 'demo/cfg', AbortSignal.timeout(5000));
    await eventsSent();
    assert.equal(result, ReconcileResult.AllOK);
    const requests = server.requests.map((r) => `${r.method} ${r.url.pathname}`);
    assert.equal(requests[0], `PATCH ${fedPath}`);
    assert.deepEqual(
      new Set(requests.slice(1)),
      new Set([
        `POST ${versionCollection}`,
        `PUT ${versionCollection}/configmap-cfg/status`,
        `PUT ${fedPath}/status`,
        // The placement names c1, which is not joined here: one UnknownClusters Warning.
        'POST /api/v1/namespaces/demo/events',
      ]),
    );
    const status = server.requests.find((r) => r.url.pathname === `${fedPath}/status`);
    const written = JSON.parse(status?.body ?? '{}') as {
      status?: { conditions?: { message?: string }[] };
    };
    assert.match(
      written.status?.conditions?.[0]?.message ?? '',
      /^spec\.placement\.clusters names clusters that are not joined \("c1"\)/,
    );
    const event = server.requests.find((r) => r.url.pathname.endsWith('/events'));
    assert.match(event?.body ?? '', /"reason":"UnknownClusters"/);
  });

  it('reports unknown clusters once: not again when the stored message has them', async () => {
    const reported: KubeObject = {
      ...fed,
      metadata: { ...fed.metadata, finalizers: ['kubefed.io/sync-controller'] },
      status: {
        observedGeneration: 1,
        conditions: [
          {
            type: 'Propagation',
            status: 'True',
            message:
              'spec.placement.clusters names clusters that are not joined ("c1"): the object is not propagated there; join them (kubefedctl join) or correct the names',
          },
        ],
      },
    };
    const { ctx, eventsSent } = await worldOf({ ...synced, federated: [reported] });
    await reconcileFederatedObject(ctx, 'demo/cfg', AbortSignal.timeout(5000));
    await eventsSent();
    assert.ok(!server.requests.some((r) => r.url.pathname.endsWith('/events')));
  });

  it('asks to run again soon when the status write meets a conflict', async () => {
    statusConflict = true;
    const { ctx } = await worldOf(synced);
    const result = await reconcileFederatedObject(ctx, 'demo/cfg', AbortSignal.timeout(5000));
    assert.deepEqual(result, requeueAfter(200));
  });
});
