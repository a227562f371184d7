import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KubeClient, userAgentFor } from '../../../src/kube/client.ts';
import {
  ApiError,
  TransportError,
  isAlreadyExists,
  isConflict,
  isForbidden,
  ifFound,
  isGone,
  isInvalid,
  isNotFound,
  isTimeout,
  isWriteFenced,
} from '../../../src/kube/errors.ts';
import type { ResourceRef } from '../../../src/kube/resource.ts';
import { startServer, statusReply } from './test-server.ts';
import type { Handler, TestServer } from './test-server.ts';

const configmaps: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'configmaps',
  namespaced: true,
};
const widgets: ResourceRef = {
  group: 'example.com',
  version: 'v1',
  resource: 'widgets',
  namespaced: true,
};

async function withServer(
  handler: Handler,
  fn: (server: TestServer, client: KubeClient) => Promise<void>,
): Promise<void> {
  const server = await startServer(handler);
  const client = new KubeClient(
    { server: server.url, token: 'tok' },
    { cluster: 'member1', userAgent: userAgentFor('kubefedctl', '0.1.0') },
  );
  try {
    await fn(server, client);
  } finally {
    await client.close();
    await server.close();
  }
}

describe('KubeClient errors', () => {
  let server: TestServer;
  let client: KubeClient;

  before(async () => {
    server = await startServer((req) => {
      switch (req.url.pathname) {
        case '/api/v1/namespaces/ns/configmaps/missing':
          return statusReply(404, 'NotFound', 'configmaps "missing" not found', {
            name: 'missing',
            kind: 'configmaps',
          });
        case '/api/v1/namespaces/ns/configmaps':
          return statusReply(409, 'AlreadyExists', 'configmaps "cm" already exists', {
            name: 'cm',
            kind: 'configmaps',
          });
        case '/api/v1/namespaces/ns/configmaps/cm':
          return statusReply(
            409,
            'Conflict',
            'Operation cannot be fulfilled on configmaps "cm": the object has been modified',
            {
              name: 'cm',
              kind: 'configmaps',
            },
          );
        case '/apis/example.com/v1/namespaces/ns/widgets/w':
          return statusReply(
            422,
            'Invalid',
            'Widget.example.com "w" is invalid: spec.size: Invalid value',
            {
              name: 'w',
              kind: 'Widget',
              causes: [{ field: 'spec.size', message: 'Invalid value' }],
            },
          );
        case '/api/v1/configmaps':
          return statusReply(410, 'Expired', 'too old resource version: 1 (5)');
        case '/api/v1/secrets':
          return statusReply(
            403,
            'Forbidden',
            'secrets is forbidden: User "x" cannot list resource "secrets"',
            {
              kind: 'secrets',
            },
          );
        case '/api/v1/pods':
          return statusReply(504, 'Timeout', 'Timeout: request did not complete within 60s');
        case '/not-json':
          return { status: 503, body: '<html>maintenance</html>', contentType: 'text/html' };
        case '/apis/unknown.io/v1':
          return statusReply(404, 'NotFound', 'the server could not find the requested resource');
        default:
          return { status: 500, body: 'unexpected' };
      }
    });
    client = new KubeClient({ server: server.url }, { cluster: 'member1' });
  });

  after(async () => {
    await client.close();
    await server.close();
  });

  async function failure(promise: Promise<unknown>): Promise<ApiError> {
    const err = await promise.then(
      () => assert.fail('expected an error'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ApiError, `not an ApiError: ${String(err)}`);
    return err;
  }

  it('maps 404 to NotFound with the Status and the request context', async () => {
    const err = await failure(client.get(configmaps, 'missing', { namespace: 'ns' }));
    assert.equal(isNotFound(err), true);
    assert.equal(isConflict(err), false);
    assert.equal(err.statusCode, 404);
    assert.equal(err.reason, 'NotFound');
    assert.equal(err.message, 'member1: configmaps "missing" not found');
    assert.equal(err.status.details?.name, 'missing');
    assert.deepEqual(err.context, {
      cluster: 'member1',
      verb: 'GET',
      path: '/api/v1/namespaces/ns/configmaps/missing',
      server: server.url,
    });
  });

  it('reads NotFound as absent through ifFound, and passes other errors on', async () => {
    assert.equal(await ifFound(client.get(configmaps, 'missing', { namespace: 'ns' })), undefined);
    const err = await failure(ifFound(client.get(widgets, 'w', { namespace: 'ns' })));
    assert.equal(isInvalid(err), true);
  });

  it('tells AlreadyExists from Conflict although both are 409', async () => {
    const exists = await failure(
      client.create(configmaps, { metadata: { name: 'cm', namespace: 'ns' } }),
    );
    assert.equal(isAlreadyExists(exists), true);
    assert.equal(isConflict(exists), false);
    const conflict = await failure(
      client.update(configmaps, {
        metadata: { name: 'cm', namespace: 'ns', resourceVersion: '1' },
      }),
    );
    assert.equal(isConflict(conflict), true);
    assert.equal(isAlreadyExists(conflict), false);
  });

  it('maps 422 to Invalid with its causes', async () => {
    const err = await failure(client.get(widgets, 'w', { namespace: 'ns' }));
    assert.equal(isInvalid(err), true);
    assert.equal(err.status.details?.causes?.[0]?.field, 'spec.size');
  });

  it('maps 410, 403 and 504', async () => {
    assert.equal(isGone(await failure(client.list(configmaps))), true);
    assert.equal(isForbidden(await failure(client.request('GET', '/api/v1/secrets'))), true);
    assert.equal(isTimeout(await failure(client.request('GET', '/api/v1/pods'))), true);
  });

  it('derives the reason from the code when the body is not a Status', async () => {
    const err = await failure(client.request('GET', '/not-json'));
    assert.equal(err.reason, 'ServiceUnavailable');
    assert.match(
      err.message,
      /^member1: the server responded with 503 ServiceUnavailable: <html>maintenance<\/html> \(GET \/not-json\)$/,
    );
  });

  it('adds the request line when the Status does not say what was asked', async () => {
    const err = await failure(client.request('GET', '/apis/unknown.io/v1'));
    assert.equal(
      err.message,
      'member1: the server could not find the requested resource (GET /apis/unknown.io/v1)',
    );
  });
});

describe('KubeClient transport errors', () => {
  it('names the cluster and server when the connection is refused', async () => {
    const server = await startServer(() => ({}));
    const url = server.url;
    await server.close();
    const client = new KubeClient({ server: url }, { cluster: 'member2' });
    await assert.rejects(client.request('GET', '/version'), (err: unknown) => {
      assert.ok(err instanceof TransportError);
      assert.equal(err.kind, 'connection-refused');
      assert.equal(err.message, `member2: connection refused (${url})`);
      return true;
    });
    await client.close();
  });

  it('times out slow requests with a typed error', async () => {
    await withServer(
      () => ({ body: {}, delayMs: 500 }),
      async (_server, client) => {
        await assert.rejects(client.request('GET', '/slow', { timeoutMs: 50 }), (err: unknown) => {
          assert.ok(err instanceof TransportError);
          assert.equal(isTimeout(err), true);
          assert.match(err.message, /^member1: request timed out after 50ms/);
          return true;
        });
      },
    );
  });

  it("passes the caller's abort through unchanged", async () => {
    await withServer(
      () => ({ body: {}, delayMs: 500 }),
      async (_server, client) => {
        const controller = new AbortController();
        setTimeout(() => controller.abort(new Error('shutting down')), 20);
        await assert.rejects(client.request('GET', '/slow', { signal: controller.signal }), {
          message: 'shutting down',
        });
      },
    );
  });
});

describe('KubeClient write fence', () => {
  it('refuses every write when closed, right before sending, and lets reads through', async () => {
    const server = await startServer(() => ({
      body: { kind: 'ConfigMap', metadata: { name: 'a' } },
    }));
    let open = true;
    const client = new KubeClient(
      { server: server.url },
      { cluster: 'member1', writeFence: () => open },
    );
    try {
      const cm = { metadata: { name: 'a', namespace: 'ns' } };
      await client.create(configmaps, cm, { namespace: 'ns' });
      assert.equal(server.requests.length, 1);
      open = false;
      for (const write of [
        () => client.create(configmaps, cm, { namespace: 'ns' }),
        () => client.update(configmaps, cm, { namespace: 'ns' }),
        () => client.updateStatus(configmaps, cm, { namespace: 'ns' }),
        () => client.patch(configmaps, 'a', {}, { namespace: 'ns', type: 'merge' }),
        () => client.delete(configmaps, 'a', { namespace: 'ns' }),
      ]) {
        await assert.rejects(write(), (error: unknown) => {
          assert.ok(isWriteFenced(error));
          assert.match(
            error.message,
            /^member1: (POST|PUT|PATCH|DELETE) \/api\/v1\/namespaces\/ns\/configmaps.* not sent: this process no longer leads$/,
          );
          return true;
        });
      }
      assert.equal(server.requests.length, 1);
      await client.get(configmaps, 'a', { namespace: 'ns' });
      assert.equal(server.requests.length, 2);
    } finally {
      await client.close();
      await server.close();
    }
  });
});

describe('KubeClient verbs', () => {
  it('sends auth, user agent and JSON; keeps unknown fields', async () => {
    await withServer(
      (req) => ({
        body: { ...(JSON.parse(req.body) as object), status: { extra: { deep: [1, 2] } } },
      }),
      async (server, client) => {
        const created = await client.create(
          widgets,
          {
            apiVersion: 'example.com/v1',
            kind: 'Widget',
            metadata: { name: 'w', namespace: 'ns' },
            spec: { unknownField: { nested: true } },
          },
          { fieldManager: 'kubefedctl', dryRun: true },
        );
        assert.deepEqual(created['spec'], { unknownField: { nested: true } });
        assert.deepEqual(created['status'], { extra: { deep: [1, 2] } });
        const req = server.requests[0];
        assert.ok(req);
        assert.equal(req.method, 'POST');
        assert.equal(req.url.pathname, '/apis/example.com/v1/namespaces/ns/widgets');
        assert.equal(req.url.search, '?fieldManager=kubefedctl&dryRun=All');
        assert.equal(req.headers['authorization'], 'Bearer tok');
        assert.equal(req.headers['content-type'], 'application/json');
        assert.match(req.headers['user-agent'] ?? '', /^kubefedctl\/0\.1\.0 \(/);
      },
    );
  });

  it('uses the right content type for each patch flavour and passes apply options', async () => {
    await withServer(
      () => ({ body: { metadata: { name: 'cm' } } }),
      async (server, client) => {
        await client.patch(
          configmaps,
          'cm',
          { data: { a: '1' } },
          { type: 'merge', namespace: 'ns' },
        );
        await client.patch(configmaps, 'cm', [{ op: 'remove', path: '/data/a' }], {
          type: 'json',
          namespace: 'ns',
        });
        await client.patch(
          configmaps,
          'cm',
          { data: { a: '1' } },
          { type: 'strategic', namespace: 'ns' },
        );
        await client.apply(
          configmaps,
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'ns' } },
          { fieldManager: 'kubefedctl', force: true },
        );
        assert.deepEqual(
          server.requests.map((r) => r.headers['content-type']),
          [
            'application/merge-patch+json',
            'application/json-patch+json',
            'application/strategic-merge-patch+json',
            'application/apply-patch+yaml',
          ],
        );
        const apply = server.requests[3];
        assert.equal(apply?.url.pathname, '/api/v1/namespaces/ns/configmaps/cm');
        assert.equal(apply.url.search, '?fieldManager=kubefedctl&force=true');
        await assert.rejects(
          client.patch(configmaps, 'cm', {}, { type: 'apply', namespace: 'ns' }),
          /needs a fieldManager/,
        );
      },
    );
  });

  it('deletes with a DeleteOptions body', async () => {
    await withServer(
      () => ({ body: { kind: 'Status', status: 'Success' } }),
      async (server, client) => {
        const result = await client.delete(configmaps, 'cm', {
          namespace: 'ns',
          options: { propagationPolicy: 'Orphan', preconditions: { uid: 'u1' } },
        });
        assert.equal(result.kind, 'Status');
        const req = server.requests[0];
        assert.equal(req?.method, 'DELETE');
        assert.deepEqual(JSON.parse(req.body), {
          apiVersion: 'v1',
          kind: 'DeleteOptions',
          propagationPolicy: 'Orphan',
          preconditions: { uid: 'u1' },
        });
      },
    );
  });

  it('reads and writes the status subresource', async () => {
    await withServer(
      (req) => ({
        body: req.body ? JSON.parse(req.body) : { metadata: { name: 'w' }, status: { ok: true } },
      }),
      async (server, client) => {
        const current = await client.getStatus(widgets, 'w', { namespace: 'ns' });
        assert.deepEqual(current['status'], { ok: true });
        await client.updateStatus(widgets, {
          metadata: { name: 'w', namespace: 'ns', resourceVersion: '7' },
          status: { ok: false },
        });
        assert.deepEqual(
          server.requests.map((r) => `${r.method} ${r.url.pathname}`),
          [
            'GET /apis/example.com/v1/namespaces/ns/widgets/w/status',
            'PUT /apis/example.com/v1/namespaces/ns/widgets/w/status',
          ],
        );
      },
    );
  });

  it('follows continue tokens until the list is complete', async () => {
    const all = Array.from({ length: 5 }, (_, i) => ({ metadata: { name: `cm${i}` } }));
    await withServer(
      (req) => {
        const limit = Number(req.url.searchParams.get('limit'));
        const start = Number(req.url.searchParams.get('continue') ?? '0');
        const end = Math.min(start + limit, all.length);
        return {
          body: {
            apiVersion: 'v1',
            kind: 'ConfigMapList',
            metadata: {
              resourceVersion: `rv${end}`,
              ...(end < all.length
                ? { continue: String(end), remainingItemCount: all.length - end }
                : {}),
            },
            items: all.slice(start, end),
          },
        };
      },
      async (server, client) => {
        const list = await client.list(configmaps, {
          namespace: 'ns',
          labelSelector: 'kubefed.io/managed=true',
          pageSize: 2,
        });
        assert.deepEqual(
          list.items.map((i) => i.metadata?.name),
          ['cm0', 'cm1', 'cm2', 'cm3', 'cm4'],
        );
        assert.deepEqual(list.metadata, { resourceVersion: 'rv5' });
        assert.equal(list.kind, 'ConfigMapList');
        assert.equal(server.requests.length, 3);
        const second = server.requests[1]?.url.searchParams;
        assert.equal(second?.get('continue'), '2');
        assert.equal(second.get('labelSelector'), 'kubefed.io/managed=true');

        const kept = await client.list(configmaps, {
          namespace: 'ns',
          pageSize: 2,
          keep: (item) => item.metadata?.name !== 'cm1' && item.metadata?.name !== 'cm4',
        });
        assert.deepEqual(
          kept.items.map((i) => i.metadata?.name),
          ['cm0', 'cm2', 'cm3'],
        );
        assert.deepEqual(kept.metadata, { resourceVersion: 'rv5' });
      },
    );
  });

  it('falls back to a full list when a continue token expires', async () => {
    await withServer(
      (req) => {
        if (req.url.searchParams.get('continue'))
          return statusReply(410, 'Expired', 'continue token expired');
        if (req.url.searchParams.get('limit')) {
          return { body: { metadata: { continue: 'c1' }, items: [{ metadata: { name: 'a' } }] } };
        }
        return {
          body: {
            metadata: { resourceVersion: '9' },
            items: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }],
          },
        };
      },
      async (server, client) => {
        const list = await client.list(configmaps);
        assert.deepEqual(
          list.items.map((i) => i.metadata?.name),
          ['a', 'b'],
        );
        assert.equal(server.requests.length, 3);
        const kept = await client.list(configmaps, { keep: (i) => i.metadata?.name === 'b' });
        assert.deepEqual(
          kept.items.map((i) => i.metadata?.name),
          ['b'],
        );
      },
    );
  });

  it('treats a null items field as an empty list', async () => {
    await withServer(
      () => ({ body: { metadata: {}, items: null } }),
      async (_server, client) => {
        assert.deepEqual((await client.list(configmaps)).items, []);
      },
    );
  });

  it('returns text bodies as strings (e.g. /healthz)', async () => {
    await withServer(
      () => ({ body: 'ok', contentType: 'text/plain' }),
      async (_server, client) => {
        assert.equal(await client.request('GET', '/healthz'), 'ok');
      },
    );
  });

  it('keeps a server path prefix', async () => {
    const server = await startServer(() => ({
      body: { gitVersion: 'v1.30.0', major: '1', minor: '30' },
    }));
    const client = new KubeClient(
      { server: `${server.url}/k8s/clusters/c1/` },
      { cluster: 'proxied' },
    );
    try {
      assert.equal((await client.discovery.serverVersion()).gitVersion, 'v1.30.0');
      assert.equal(server.requests[0]?.url.pathname, '/k8s/clusters/c1/version');
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('re-reads a token file, so rotated tokens are used', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'token-file-'));
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'first\n');
    const server = await startServer(() => ({ body: {} }));
    let now = 0;
    const client = new KubeClient(
      { server: server.url, tokenFile, token: 'ignored' },
      { cluster: 'pod', now: () => now, tokenFileRefreshMs: 60_000 },
    );
    try {
      await client.request('GET', '/api');
      writeFileSync(tokenFile, 'second\n');
      await client.request('GET', '/api');
      now += 60_000;
      await client.request('GET', '/api');
      assert.deepEqual(
        server.requests.map((r) => r.headers['authorization']),
        ['Bearer first', 'Bearer first', 'Bearer second'],
      );
    } finally {
      await client.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('tunnels through an HTTP proxy when proxy-url is set', async () => {
    const target = await startServer(() => ({ body: { served: 'through the tunnel' } }));
    const targetPort = new URL(target.url).port;
    // A CONNECT proxy that sends every tunnel to the target: the API server's name below does not
    // resolve, so an answer proves the request went through the proxy.
    const tunnels: string[] = [];
    const proxy = createHttpServer();
    proxy.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      tunnels.push(req.url ?? '');
      const upstream = connect(Number(targetPort), '127.0.0.1', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const { port } = proxy.address() as AddressInfo;
    const client = new KubeClient(
      { server: 'http://apiserver.invalid:6443', proxyUrl: `http://127.0.0.1:${port}` },
      { cluster: 'proxied' },
    );
    try {
      assert.deepEqual(await client.request('GET', '/version'), { served: 'through the tunnel' });
      assert.deepEqual(tunnels, ['apiserver.invalid:6443']);
    } finally {
      await client.close();
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
      await target.close();
    }
  });

  it('rejects unsupported proxy schemes', async () => {
    const client = new KubeClient({ server: 'https://x', proxyUrl: 'ftp://p' }, { cluster: 'c' });
    await assert.rejects(client.request('GET', '/'), /use http, https or socks5/);
  });
});
