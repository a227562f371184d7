import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import {
  clientMemberWriter,
  type MemberWriter,
  type TargetName,
} from '../../../../src/controllers/sync/member-writer.ts';
import type { MemberCallResult } from '../../../../src/federation/propagation/member-results.ts';
import type { KubeObject } from '../../../../src/json/object.ts';
import { KubeClient } from '../../../../src/kube/client.ts';
import type { ResourceRef } from '../../../../src/kube/resource.ts';
import { MemberCircuits } from '../../../../src/multicluster/member-circuits.ts';
import { startServer, statusReply, type Reply, type TestServer } from '../../kube/test-server.ts';

const configmaps: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'configmaps',
  namespaced: true,
};
const namespaces: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'namespaces',
  namespaced: false,
};
const target: TargetName = { name: 'cfg', namespace: 'demo', key: 'demo/cfg' };
const desired: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cfg', namespace: 'demo', labels: { 'kubefed.io/managed': 'true' } },
  data: { foo: 'bar' },
};
const written: KubeObject = {
  ...desired,
  metadata: { ...desired.metadata, resourceVersion: '7', uid: 'member-uid' },
};

describe('clientMemberWriter over a KubeClient', () => {
  let server: TestServer;
  let client: KubeClient;
  /** The reply to the next request; success with `written` by default. */
  let reply: () => Reply | Promise<Reply> = () => ({ body: written });
  let leading = true;
  const writer: MemberWriter = clientMemberWriter({
    resource: configmaps,
    client: (cluster) => (cluster === 'm1' ? client : undefined),
    isLeading: () => leading,
    circuits: new MemberCircuits(),
  });

  before(async () => {
    server = await startServer(() => reply());
    client = new KubeClient({ server: server.url }, { cluster: 'm1' });
  });
  after(async () => {
    await client.close();
    await server.close();
  });
  afterEach(() => {
    server.requests.length = 0;
    reply = () => ({ body: written });
    leading = true;
  });
  const live = (): AbortSignal => new AbortController().signal;

  /** The only request the server received: method, path, content type and parsed body. */
  function onlyRequest(): { method: string; path: string; contentType: unknown; body: unknown } {
    assert.equal(server.requests.length, 1);
    const [request] = server.requests;
    assert.ok(request);
    return {
      method: request.method,
      path: request.url.pathname,
      contentType: request.headers['content-type'],
      body: request.body === '' ? undefined : JSON.parse(request.body),
    };
  }

  describe('requests', () => {
    it('create POSTs the object to its namespace’s collection', async () => {
      assert.deepEqual(await writer.create('m1', desired, live()), { ok: true, object: written });
      assert.deepEqual(onlyRequest(), {
        method: 'POST',
        path: '/api/v1/namespaces/demo/configmaps',
        contentType: 'application/json',
        body: desired,
      });
    });

    it('update PUTs the whole object', async () => {
      const current = { ...desired, metadata: { ...desired.metadata, resourceVersion: '6' } };
      assert.deepEqual(await writer.update('m1', current, live()), { ok: true, object: written });
      assert.deepEqual(onlyRequest(), {
        method: 'PUT',
        path: '/api/v1/namespaces/demo/configmaps/cfg',
        contentType: 'application/json',
        body: current,
      });
    });

    it('delete DELETEs the target with the DeleteOptions, and answers no object', async () => {
      reply = () => ({ body: { kind: 'Status', apiVersion: 'v1', status: 'Success' } });
      const result = await writer.delete('m1', target, { propagationPolicy: 'Background' }, live());
      assert.deepEqual(result, { ok: true, object: undefined });
      assert.deepEqual(onlyRequest(), {
        method: 'DELETE',
        path: '/api/v1/namespaces/demo/configmaps/cfg',
        contentType: 'application/json',
        body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background' },
      });
    });

    it('removeManagedLabel sends a merge patch that removes kubefed.io/managed', async () => {
      assert.deepEqual(await writer.removeManagedLabel('m1', target, live()), {
        ok: true,
        object: written,
      });
      assert.deepEqual(onlyRequest(), {
        method: 'PATCH',
        path: '/api/v1/namespaces/demo/configmaps/cfg',
        contentType: 'application/merge-patch+json',
        body: { metadata: { labels: { 'kubefed.io/managed': null } } },
      });
    });

    it('get GETs the target', async () => {
      assert.deepEqual(await writer.get('m1', target, live()), { ok: true, object: written });
      assert.deepEqual(onlyRequest(), {
        method: 'GET',
        path: '/api/v1/namespaces/demo/configmaps/cfg',
        contentType: undefined,
        body: undefined,
      });
    });

    it('addresses a cluster-scoped target without a namespace', async () => {
      const namespaceWriter = clientMemberWriter({
        resource: namespaces,
        client: () => client,
        isLeading: () => true,
        circuits: new MemberCircuits(),
      });
      reply = () => ({ body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } } });
      const result = await namespaceWriter.get(
        'm1',
        { name: 'demo', namespace: undefined, key: 'demo' },
        live(),
      );
      assert.equal(result.ok, true);
      assert.equal(onlyRequest().path, '/api/v1/namespaces/demo');
    });
  });

  describe('answers', () => {
    const failures: [string, Reply, Extract<MemberCallResult, { ok: false }>['reason']][] = [
      ['404', statusReply(404, 'NotFound', 'configmaps "cfg" not found'), 'NotFound'],
      [
        '409 AlreadyExists',
        statusReply(409, 'AlreadyExists', 'configmaps "cfg" already exists'),
        'AlreadyExists',
      ],
      ['504 Timeout', statusReply(504, 'Timeout', 'request timed out'), 'ServerTimeout'],
      ['500', statusReply(500, 'InternalError', 'etcd is down'), 'Failed'],
      ['409 Conflict', statusReply(409, 'Conflict', 'the object has been modified'), 'Failed'],
    ];
    for (const [name, failure, reason] of failures) {
      it(`maps ${name} to ${reason}`, async () => {
        reply = () => failure;
        const result = await writer.create('m1', desired, live());
        assert.ok(!result.ok);
        assert.equal(result.reason, reason);
        assert.equal(server.requests.length, 1);
      });
    }

    it('carries the status code of a rejected write', async () => {
      reply = () => statusReply(422, 'Invalid', 'ConfigMap "cfg" is invalid');
      const result = await writer.create('m1', desired, live());
      assert.ok(!result.ok);
      assert.deepEqual([result.reason, result.code], ['Failed', 422]);
    });

    it('fails fast while the member does not answer, without sending', async () => {
      const circuits = new MemberCircuits({ stuckMs: 50, openMs: 60_000 });
      const stuckWriter = clientMemberWriter({
        resource: configmaps,
        client: () => client,
        isLeading: () => true,
        circuits,
      });
      reply = () => new Promise(() => undefined);
      const first = await stuckWriter.create('m1', desired, live());
      assert.ok(!first.ok);
      assert.equal(first.reason, 'Failed');
      assert.match(first.message, /m1: not answering \(no answer within 0.05 s\)/);
      const second = await stuckWriter.update('m1', desired, live());
      assert.ok(!second.ok);
      assert.match(second.message, /writes to it fail at once for 60 s/);
      assert.equal(server.requests.length, 1, 'the second write is not sent');
    });

    it('maps a request aborted in flight to Aborted', async () => {
      const pass = new AbortController();
      let answer: (reply: Reply) => void = () => undefined;
      reply = () => {
        pass.abort();
        return new Promise((resolve) => (answer = resolve));
      };
      const result = await writer.update('m1', desired, pass.signal);
      answer({ body: written });
      assert.ok(!result.ok);
      assert.equal(result.reason, 'Aborted');
      assert.equal(server.requests.length, 1);
    });

    it('sends nothing once the signal has ended: NotSent', async () => {
      const result = await writer.create('m1', desired, AbortSignal.abort());
      assert.ok(!result.ok);
      assert.equal(result.reason, 'NotSent');
      assert.equal(server.requests.length, 0);
    });

    it('sends nothing once the leadership term is over, whatever the method: NotSent', async () => {
      leading = false;
      const results = [
        await writer.create('m1', desired, live()),
        await writer.update('m1', desired, live()),
        await writer.delete('m1', target, undefined, live()),
        await writer.removeManagedLabel('m1', target, live()),
        await writer.get('m1', target, live()),
      ];
      assert.deepEqual(
        results.map((r) => (r.ok ? 'ok' : r.reason)),
        ['NotSent', 'NotSent', 'NotSent', 'NotSent', 'NotSent'],
      );
      assert.equal(server.requests.length, 0);
    });

    it("answers NotSent when the client's write fence refuses the request", async () => {
      // The writer asked before the call, the fence asks again right before the request goes out.
      let fenceOpen = true;
      const fenced = new KubeClient(
        { server: server.url },
        { cluster: 'm1', writeFence: () => fenceOpen },
      );
      const fencedWriter = clientMemberWriter({
        resource: configmaps,
        client: () => fenced,
        isLeading: () => true,
        circuits: new MemberCircuits(),
      });
      try {
        fenceOpen = false;
        const result = await fencedWriter.update('m1', desired, live());
        assert.ok(!result.ok);
        assert.equal(result.reason, 'NotSent');
        assert.match(result.message, /PUT .* not sent: this process no longer leads/);
        assert.equal(server.requests.length, 0);
      } finally {
        await fenced.close();
      }
    });

    it('answers NoClient for a cluster without a client', async () => {
      const result = await writer.create('gone', desired, live());
      assert.deepEqual(result, {
        ok: false,
        reason: 'NoClient',
        message: 'no client for cluster "gone"',
      });
      assert.equal(server.requests.length, 0);
    });
  });
});
