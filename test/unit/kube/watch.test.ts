import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { KubeClient } from '../../../src/kube/client.ts';
import type { WatchStream } from '../../../src/kube/client.ts';
import { ApiError, TransportError, isGone } from '../../../src/kube/errors.ts';
import type { ResourceRef } from '../../../src/kube/resource.ts';
import { MalformedWatchEventError, WatchDecoder, parseWatchLine } from '../../../src/kube/watch.ts';
import type { DecodedWatchLine, WatchEvent } from '../../../src/kube/watch.ts';

const configmaps: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'configmaps',
  namespaced: true,
};

function line(type: string, object: unknown): string {
  return `${JSON.stringify({ type, object })}\n`;
}

const cm = (name: string, rv: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns', resourceVersion: rv },
  data: { text: 'héllo ✓ 🚀' },
});

describe('WatchDecoder', () => {
  const stream =
    line('ADDED', cm('a', '1')) +
    '\n' + // blank lines are skipped
    line('MODIFIED', cm('a', '2')) +
    line('BOOKMARK', { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: '7' } }) +
    line('DELETED', cm('a', '8'));

  function decodeAll(chunks: Uint8Array[]): DecodedWatchLine[] {
    const decoder = new WatchDecoder();
    const out = chunks.flatMap((chunk) => decoder.push(chunk));
    return [...out, ...decoder.end()];
  }

  const expected: WatchEvent[] = [
    { type: 'ADDED', object: cm('a', '1') },
    { type: 'MODIFIED', object: cm('a', '2') },
    {
      type: 'BOOKMARK',
      object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: '7' } },
    },
    { type: 'DELETED', object: cm('a', '8') },
  ];

  it('decodes the same events however the bytes are split, even inside a UTF-8 character', () => {
    const bytes = Buffer.from(stream, 'utf8');
    const whole = decodeAll([bytes]);
    assert.deepEqual(
      whole,
      expected.map((event) => ({ event })),
    );
    // Every single split point, and one byte at a time.
    for (let cut = 1; cut < bytes.length; cut++) {
      assert.deepEqual(
        decodeAll([bytes.subarray(0, cut), bytes.subarray(cut)]),
        whole,
        `cut at ${cut}`,
      );
    }
    const oneByOne = [...bytes].map((b) => Uint8Array.of(b));
    assert.deepEqual(decodeAll(oneByOne), whole);
  });

  it('holds back a partial line until its newline arrives', () => {
    const decoder = new WatchDecoder();
    const text = line('ADDED', cm('a', '1'));
    assert.deepEqual(decoder.push(text.slice(0, 10)), []);
    assert.deepEqual(decoder.push(text.slice(10)), [
      { event: { type: 'ADDED', object: cm('a', '1') } },
    ]);
  });

  it('accepts a last event without a trailing newline, and rejects one cut short', () => {
    const decoder = new WatchDecoder();
    assert.deepEqual(decoder.push(line('ADDED', cm('a', '1')).trimEnd()), []);
    assert.deepEqual(decoder.end(), [{ event: { type: 'ADDED', object: cm('a', '1') } }]);
    const cut = new WatchDecoder();
    cut.push('{"type":"ADDED","object":{"metadata"');
    assert.throws(() => cut.end(), MalformedWatchEventError);
  });

  it('returns the Status of an ERROR event', () => {
    const status = {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      code: 410,
      reason: 'Expired',
      message: 'too old resource version: 1 (5)',
    };
    assert.deepEqual(parseWatchLine(line('ERROR', status).trim()), { error: status });
  });

  it('rejects lines that are not watch events', () => {
    assert.throws(() => parseWatchLine('{not json'), /malformed watch event/);
    assert.throws(() => parseWatchLine('[1,2]'), /without a type/);
    assert.throws(
      () => parseWatchLine('{"type":"EXPLODED","object":{}}'),
      /unknown watch event type "EXPLODED"/,
    );
    assert.throws(() => parseWatchLine('{"type":"ADDED"}'), /ADDED event without an object/);
  });
});

type StreamHandler = (res: ServerResponse, url: URL) => void;

async function withStreamServer(
  handler: StreamHandler,
  fn: (client: KubeClient, url: string) => Promise<void>,
  clientOptions: { connections?: number } = {},
): Promise<void> {
  const server = createServer((req, res) => {
    handler(res, new URL(req.url ?? '/', 'http://test'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new KubeClient({ server: url }, { cluster: 'member1', ...clientOptions });
  try {
    await fn(client, url);
  } finally {
    await client.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function startStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.flushHeaders();
}

async function collect(stream: WatchStream): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe('KubeClient.watch', () => {
  it('sends the watch query and yields events written in pieces over time', async () => {
    let seen: URL | undefined;
    await withStreamServer(
      (res, url) => {
        seen = url;
        startStream(res);
        const text =
          line('ADDED', cm('a', '11')) + line('BOOKMARK', { metadata: { resourceVersion: '12' } });
        res.write(text.slice(0, 17));
        setTimeout(() => res.write(text.slice(17, 60)), 10);
        setTimeout(() => {
          res.end(text.slice(60));
        }, 20);
      },
      async (client) => {
        const stream = await client.watch(configmaps, {
          namespace: 'ns',
          labelSelector: 'kubefed.io/managed=true',
          resourceVersion: '10',
          allowWatchBookmarks: true,
          timeoutSeconds: 290,
        });
        const events = await collect(stream);
        assert.deepEqual(events, [
          { type: 'ADDED', object: cm('a', '11') },
          { type: 'BOOKMARK', object: { metadata: { resourceVersion: '12' } } },
        ]);
        assert.equal(client.openWatches, 0);
      },
    );
    assert.ok(seen);
    assert.equal(seen.pathname, '/api/v1/namespaces/ns/configmaps');
    assert.deepEqual(Object.fromEntries(seen.searchParams), {
      watch: 'true',
      labelSelector: 'kubefed.io/managed=true',
      resourceVersion: '10',
      allowWatchBookmarks: 'true',
      timeoutSeconds: '290',
    });
  });

  it('ends with a Gone ApiError, naming the cluster, on an ERROR event with code 410', async () => {
    await withStreamServer(
      (res) => {
        startStream(res);
        res.write(line('ADDED', cm('a', '11')));
        res.end(
          line('ERROR', {
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            reason: 'Expired',
            code: 410,
            message: 'too old resource version: 10 (20)',
          }),
        );
      },
      async (client) => {
        const events: WatchEvent[] = [];
        const stream = await client.watch(configmaps, { namespace: 'ns', resourceVersion: '10' });
        await assert.rejects(
          (async () => {
            for await (const event of stream) events.push(event);
          })(),
          (err: unknown) => {
            assert.ok(err instanceof ApiError);
            assert.ok(isGone(err));
            assert.equal(err.statusCode, 410);
            assert.equal(err.reason, 'Expired');
            assert.equal(err.context.cluster, 'member1');
            assert.match(err.message, /^member1: too old resource version: 10 \(20\)/);
            return true;
          },
        );
        assert.equal(events.length, 1);
      },
    );
  });

  it('rejects at once when the server answers the watch with 410 or 403', async () => {
    await withStreamServer(
      (res, url) => {
        const code = url.searchParams.get('resourceVersion') === 'old' ? 410 : 403;
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            kind: 'Status',
            status: 'Failure',
            code,
            reason: code === 410 ? 'Gone' : 'Forbidden',
            message: `no (${code})`,
          }),
        );
      },
      async (client) => {
        await assert.rejects(client.watch(configmaps, { resourceVersion: 'old' }), (err: unknown) =>
          isGone(err),
        );
        await assert.rejects(client.watch(configmaps, { resourceVersion: '5' }), {
          name: 'ApiError',
          reason: 'Forbidden',
        });
        assert.equal(client.openWatches, 0);
      },
    );
  });

  it('throws a TransportError when the connection breaks mid-stream or the stream is garbled', async () => {
    await withStreamServer(
      (res, url) => {
        startStream(res);
        res.write(line('ADDED', cm('a', '1')));
        if (url.searchParams.get('resourceVersion') === 'cut') {
          setTimeout(() => res.socket?.destroy(), 10);
        } else {
          res.end('{"type":"MODIFIED","object":{oops}\n');
        }
      },
      async (client) => {
        const cut = await client.watch(configmaps, { resourceVersion: 'cut' });
        await assert.rejects(collect(cut), (err: unknown) => {
          assert.ok(err instanceof TransportError);
          assert.equal(err.kind, 'connection-reset');
          assert.match(err.message, /^member1: /);
          return true;
        });
        const garbled = await client.watch(configmaps, { resourceVersion: 'garbled' });
        await assert.rejects(collect(garbled), {
          name: 'TransportError',
          kind: 'malformed-response',
        });
      },
    );
  });

  it('reports a refused connection as a TransportError', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const client = new KubeClient({ server: `http://127.0.0.1:${port}` }, { cluster: 'member2' });
    try {
      await assert.rejects(client.watch(configmaps), {
        name: 'TransportError',
        kind: 'connection-refused',
        message: `member2: connection refused (http://127.0.0.1:${port})`,
      });
    } finally {
      await client.close();
    }
  });

  it('times out a silent connection with idleTimeoutMs', async () => {
    await withStreamServer(
      (res) => {
        startStream(res);
      },
      async (client) => {
        const stream = await client.watch(configmaps, { idleTimeoutMs: 50 });
        await assert.rejects(collect(stream), { name: 'TransportError', kind: 'timeout' });
      },
    );
  });

  it('ends quietly on close(), throws the reason on abort, and ends open watches on client.close()', async () => {
    await withStreamServer(
      (res) => {
        startStream(res);
        res.write(line('ADDED', cm('a', '1')));
      },
      async (client) => {
        const quiet = await client.watch(configmaps);
        const quietEvents: WatchEvent[] = [];
        for await (const event of quiet) {
          quietEvents.push(event);
          quiet.close();
        }
        assert.equal(quietEvents.length, 1);

        const controller = new AbortController();
        const aborted = await client.watch(configmaps, { signal: controller.signal });
        const reason = new Error('informer stopping');
        setTimeout(() => controller.abort(reason), 20);
        await assert.rejects(collect(aborted), (err) => err === reason);

        // Breaking out of the loop also releases the watch.
        const broken = await client.watch(configmaps);
        for await (const event of broken) {
          assert.equal(event.type, 'ADDED');
          break;
        }
        assert.equal(client.openWatches, 0);

        const open = await client.watch(configmaps);
        const pending = collect(open);
        await new Promise((r) => setTimeout(r, 20));
        assert.equal(client.openWatches, 1);
        await client.close();
        await assert.rejects(pending, {
          name: 'TransportError',
          message: /member1: client closed/,
        });
        assert.equal(client.openWatches, 0);
      },
    );
  });

  it('keeps ordinary requests flowing while more watches are open than `connections`', async () => {
    await withStreamServer(
      (res, url) => {
        if (url.searchParams.get('watch') === 'true') {
          startStream(res);
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            kind: 'ConfigMapList',
            apiVersion: 'v1',
            metadata: { resourceVersion: '3' },
            items: [],
          }),
        );
      },
      async (client) => {
        const watches = await Promise.all([1, 2, 3].map(() => client.watch(configmaps)));
        const list = await client.list(configmaps, { timeoutMs: 2000 });
        assert.equal(list.metadata?.resourceVersion, '3');
        await Promise.all([1, 2, 3, 4].map(() => client.list(configmaps, { timeoutMs: 2000 })));
        const stats = client.poolStats();
        assert.ok(stats);
        // Three sockets hold the watches; the lists (one at a time) got sockets of their own.
        assert.equal(stats.running, 3);
        assert.ok(stats.connected >= 4, `connected ${stats.connected}`);
        for (const watch of watches) watch.close();
      },
      { connections: 1 },
    );
  });
});
