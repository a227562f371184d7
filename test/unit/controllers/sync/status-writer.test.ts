import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { writePropagationStatus } from '../../../../src/controllers/sync/status-writer.ts';
import {
  computePropagationStatus,
  type CollectedPropagation,
} from '../../../../src/federation/propagation/propagation-status.ts';
import type { FederatedObjectStatus } from '../../../../src/apis/types.ts';
import { StatusCollection } from '../../../../src/controllers/sync/status-collection.ts';
import { aggregateWorkload } from '../../../../src/federation/status/workload-status.ts';
import type { KubeObject } from '../../../../src/json/object.ts';
import { KubeClient } from '../../../../src/kube/client.ts';
import { startServer, statusReply, type Reply, type TestServer } from '../../kube/test-server.ts';
import { syncWorld, type SyncWorld } from './sync-context.ts';
import { fastest, NO_WAIT_MARGIN_MS } from './timing.ts';

const statusPath = '/apis/types.kubefed.io/v1beta1/namespaces/demo/federatedconfigmaps/cfg/status';
const collected: CollectedPropagation = {
  statuses: new Map([['a', '']]),
};
const fed: KubeObject = {
  apiVersion: 'types.kubefed.io/v1beta1',
  kind: 'FederatedConfigMap',
  metadata: { name: 'cfg', namespace: 'demo', uid: 'fed-uid', generation: 2, resourceVersion: '4' },
  spec: { template: { data: { foo: 'bar' } } },
};

describe('writePropagationStatus', () => {
  let server: TestServer;
  let host: KubeClient;
  let world: SyncWorld;
  let reply: () => Reply = () => ({ body: fed });

  before(async () => {
    server = await startServer(() => reply());
    host = new KubeClient({ server: server.url }, { cluster: 'host' });
    world = await syncWorld(host);
  });
  after(async () => {
    await world.stop();
    await host.close();
    await server.close();
  });
  afterEach(() => {
    server.requests.length = 0;
    reply = () => ({ body: fed });
  });

  it('writes nothing when the status would not change', async () => {
    const current = computePropagationStatus(fed, {
      reason: '',
      collected,
      now: world.ctx.now(),
    });
    const upToDate = { ...fed, status: current.status };
    assert.equal(
      await writePropagationStatus(world.ctx, upToDate, '', collected, AbortSignal.timeout(5000)),
      'unchanged',
    );
    assert.equal(server.requests.length, 0);
  });

  it('PUTs the new status through the status subresource', async () => {
    assert.equal(
      await writePropagationStatus(world.ctx, fed, '', collected, AbortSignal.timeout(5000)),
      'written',
    );
    assert.deepEqual(
      server.requests.map((r) => `${r.method} ${r.url.pathname}`),
      [`PUT ${statusPath}`],
    );
    const sent = JSON.parse(server.requests[0]?.body ?? '{}') as KubeObject;
    assert.equal(sent.metadata?.resourceVersion, '4');
    assert.deepEqual(sent['status'], {
      observedGeneration: 2,
      conditions: [
        {
          type: 'Propagation',
          status: 'True',
          lastTransitionTime: '2024-05-01T10:00:00Z',
          lastUpdateTime: '2024-05-01T10:00:00Z',
        },
      ],
      clusters: [{ name: 'a' }],
    });
  });

  it('answers conflict after exactly one request, without waiting', async () => {
    reply = () => statusReply(409, 'Conflict', 'the object has been modified');
    const direct = await fastest(3, () =>
      host.updateStatus(world.ctx.federatedResource, fed).catch(() => undefined),
    );
    server.requests.length = 0;
    const results: string[] = [];
    const conflicting = await fastest(3, async () => {
      results.push(
        await writePropagationStatus(world.ctx, fed, '', collected, AbortSignal.timeout(5000)),
      );
    });
    assert.deepEqual(results, ['conflict', 'conflict', 'conflict']);
    assert.equal(server.requests.length, 3);
    assert.ok(
      conflicting < direct + NO_WAIT_MARGIN_MS,
      `the write took ${conflicting} ms, its request ${direct} ms: it must not wait`,
    );
  });

  it('answers gone when the federated object was deleted meanwhile', async () => {
    reply = () => statusReply(404, 'NotFound', 'federatedconfigmaps "cfg" not found');
    assert.equal(
      await writePropagationStatus(world.ctx, fed, '', collected, AbortSignal.timeout(5000)),
      'gone',
    );
    assert.equal(server.requests.length, 1);
  });

  it('lets other failures through', async () => {
    reply = () => statusReply(500, 'InternalError', 'etcd is down');
    await assert.rejects(
      writePropagationStatus(world.ctx, fed, '', collected, AbortSignal.timeout(5000)),
      /etcd is down/,
    );
  });

  describe('with a workload status', () => {
    const workload = {
      kind: 'Deployment' as const,
      status: aggregateWorkload('Deployment', [
        {
          name: 'a',
          ready: true,
          replicas: 2,
          updatedReplicas: 2,
          readyReplicas: 2,
          availableReplicas: 2,
        },
      ]),
    };

    it('writes it with the Ready condition, and nothing when it is stored already', async () => {
      const collection = new StatusCollection({ raw: false, workload: 'Deployment', windowMs: 0 });
      const ctx = { ...world.ctx, statusCollection: collection };
      reply = () => ({ body: JSON.parse(server.requests.at(-1)?.body ?? '{}') as KubeObject });
      const signal = AbortSignal.timeout(5000);
      assert.equal(
        await writePropagationStatus(ctx, fed, '', collected, signal, workload),
        'written',
      );
      const sent = JSON.parse(server.requests[0]?.body ?? '{}') as KubeObject;
      const status = sent['status'] as FederatedObjectStatus;
      assert.equal(status.workload?.ready, '2/2');
      assert.deepEqual(
        status.conditions?.map((c) => `${c.type}=${c.status}`),
        ['Propagation=True', 'Ready=True'],
      );
      assert.equal(collection.workload, 'Deployment');
      assert.equal(
        await writePropagationStatus(ctx, sent, '', collected, signal, workload),
        'unchanged',
      );
      assert.equal(server.requests.length, 1);
    });

    it('stops writing it when the CRD prunes it (a CRD generated before it existed)', async () => {
      const collection = new StatusCollection({ raw: false, workload: 'Deployment', windowMs: 0 });
      const ctx = { ...world.ctx, statusCollection: collection };
      reply = () => {
        const sent = JSON.parse(server.requests.at(-1)?.body ?? '{}') as KubeObject;
        const status = { ...(sent['status'] as FederatedObjectStatus) };
        delete status.workload;
        return { body: { ...sent, status } };
      };
      const signal = AbortSignal.timeout(5000);
      assert.equal(
        await writePropagationStatus(ctx, fed, '', collected, signal, workload),
        'written',
      );
      assert.equal(collection.workload, undefined);
    });
  });
});
