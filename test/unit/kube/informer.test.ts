import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { KubeClient } from '../../../src/kube/client.ts';
import { compactJson } from '../../../src/json/compact-json.ts';
import { isGone } from '../../../src/kube/errors.ts';
import {
  DEFAULT_INFORMER_BACKOFF,
  Informer,
  backoffDelay,
  diffStore,
  objectChanged,
  stripManagedFields,
} from '../../../src/kube/informer.ts';
import type {
  InformerFailureInfo,
  InformerOptions,
  InformerLogger,
} from '../../../src/kube/informer.ts';
import type { ResourceRef } from '../../../src/kube/resource.ts';
import { WatchServer } from './watch-server.ts';
import { qualifiedName, type KubeObject } from '../../../src/json/object.ts';

const configmaps: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'configmaps',
  namespaced: true,
};
const managed = { 'kubefed.io/managed': 'true' };

function obj(
  name: string,
  rv: string | undefined,
  extra: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'ns', ...(rv !== undefined ? { resourceVersion: rv } : {}) },
    ...extra,
  };
}

describe('informer pure parts', () => {
  it('objectChanged: same resourceVersion is no change; otherwise deep compare', () => {
    assert.equal(
      objectChanged(obj('a', '1', { data: { x: '1' } }), obj('a', '1', { data: { x: '2' } })),
      false,
    );
    assert.equal(objectChanged(obj('a', '1'), obj('a', '2')), true);
    assert.equal(
      objectChanged(
        obj('a', undefined, { data: { x: '1' } }),
        obj('a', undefined, { data: { x: '1' } }),
      ),
      false,
    );
    assert.equal(
      objectChanged(
        obj('a', undefined, { data: { x: '1' } }),
        obj('a', undefined, { data: { x: '2' } }),
      ),
      true,
    );
  });

  it('diffStore finds adds, real updates and deletes', () => {
    const store = new Map([
      ['ns/same', obj('same', '1')],
      ['ns/changed', obj('changed', '1')],
      ['ns/gone', obj('gone', '1')],
    ]);
    const fresh = new Map([
      ['ns/same', obj('same', '1')],
      ['ns/changed', obj('changed', '5')],
      ['ns/new', obj('new', '6')],
    ]);
    const delta = diffStore(store, fresh);
    assert.deepEqual(delta.added.map(qualifiedName), ['ns/new']);
    assert.deepEqual(
      delta.updated.map(({ oldObj, newObj }) => [
        oldObj.metadata?.resourceVersion,
        newObj.metadata?.resourceVersion,
      ]),
      [['1', '5']],
    );
    assert.deepEqual(delta.deleted.map(qualifiedName), ['ns/gone']);
  });

  it('backoffDelay grows from 0.5 s to 30 s with at most 20% taken off at random', () => {
    const policy = DEFAULT_INFORMER_BACKOFF;
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => backoffDelay(n, policy, () => 0)),
      [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000],
    );
    assert.equal(
      backoffDelay(1, policy, () => 0.999999),
      400,
    );
    assert.equal(
      backoffDelay(20, policy, () => 0.5),
      27000,
    );
  });

  it('stripManagedFields drops only metadata.managedFields, without touching the input', () => {
    const input = obj('a', '1', { data: { k: 'v' } });
    assert.equal(stripManagedFields(input), input);
    const withFields = {
      ...input,
      metadata: { ...input.metadata, managedFields: [{ manager: 'x' }] },
    };
    assert.deepEqual(stripManagedFields(withFields), input);
    assert.ok(withFields.metadata.managedFields);
  });

  it('compactJson copies JSON exactly, keeping a `__proto__` key as data', () => {
    const input: unknown = JSON.parse(
      '{"a":[1,"x",null,true,{"b":"x"}],"c":{"d":""},"__proto__":{"e":1},"n":-0.5,"u":"\\u2028é"}',
    );
    const copy = compactJson(input);
    assert.notEqual(copy, input);
    assert.deepEqual(copy, input);
    assert.equal(JSON.stringify(copy), JSON.stringify(input));
    assert.equal(Object.getPrototypeOf(copy), Object.prototype);
    assert.deepEqual(Object.keys(copy as object), ['a', 'c', '__proto__', 'n', 'u']);
    assert.equal(compactJson('text'), 'text');
    assert.equal(compactJson(null), null);
  });
});

/** Polls until `check` holds; fails with `what` after 5 s. */
async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

function key(o: KubeObject): string {
  return qualifiedName(o);
}

describe('Informer against a list+watch server', () => {
  let server: WatchServer;
  let client: KubeClient;
  let informer: Informer | undefined;
  let events: string[];
  let failures: { error: unknown; info: InformerFailureInfo }[];

  beforeEach(async () => {
    server = await WatchServer.start();
    client = new KubeClient({ server: server.url }, { cluster: 'member1' });
    events = [];
    failures = [];
  });

  afterEach(async () => {
    await informer?.stop();
    informer = undefined;
    await client.close();
    await server.close();
  });

  function start(options: Partial<InformerOptions> = {}): Informer {
    informer = new Informer({
      client,
      resource: configmaps,
      namespace: 'ns',
      labelSelector: 'kubefed.io/managed=true',
      pageSize: 2,
      backoff: { initialMs: 10, maxMs: 50 },
      onAdd: (o) => events.push(`add ${key(o)}`),
      onUpdate: (old, cur) =>
        events.push(
          `update ${key(cur)} ${old.metadata?.resourceVersion}->${cur.metadata?.resourceVersion}`,
        ),
      onDelete: (o) => events.push(`delete ${key(o)}`),
      onError: (error, info) => failures.push({ error, info }),
      ...options,
    });
    informer.start();
    return informer;
  }

  it('lists page by page, syncs, then follows adds, updates and deletes; unlabelled objects stay out', async () => {
    for (const name of ['a', 'b', 'c', 'd', 'e']) server.put(name, { data: { v: name } }, managed);
    server.put('unlabelled', {});
    const inf = start();
    await inf.waitForSync({ timeoutMs: 5000 });
    assert.equal(inf.hasSynced(), true);
    assert.deepEqual(inf.keys().sort(), ['ns/a', 'ns/b', 'ns/c', 'ns/d', 'ns/e']);
    assert.deepEqual(events.sort(), ['add ns/a', 'add ns/b', 'add ns/c', 'add ns/d', 'add ns/e']);
    // Three pages of two, with the label selector on each.
    const lists = server.requests.filter((r) => !r.watch);
    assert.equal(lists.length, 3);
    assert.ok(
      lists.every((r) => r.url.searchParams.get('labelSelector') === 'kubefed.io/managed=true'),
    );
    // List items arrive without apiVersion/kind; the store has them, like watch objects.
    assert.equal(inf.get('ns/a')?.kind, 'ConfigMap');
    assert.equal(inf.get('ns/a')?.apiVersion, 'v1');

    await until('watch', () => server.openWatches === 1);
    const watch = server.requests.find((r) => r.watch);
    assert.equal(watch?.url.searchParams.get('resourceVersion'), '106');
    assert.equal(watch.url.searchParams.get('allowWatchBookmarks'), 'true');
    const timeout = Number(watch.url.searchParams.get('timeoutSeconds'));
    assert.ok(timeout >= 300 && timeout < 600, `timeoutSeconds ${timeout}`);
    events.length = 0;

    server.put('f', {}, managed);
    server.put('a', { data: { v: 'changed' } }, managed);
    server.remove('b');
    server.put('unlabelled', { data: { still: 'invisible' } });
    server.put('c', { data: { v: 'c' } }); // label removed: leaves the selection
    await until('events', () => events.length === 4);
    assert.deepEqual(events, ['add ns/f', 'update ns/a 101->108', 'delete ns/b', 'delete ns/c']);
    assert.deepEqual(inf.keys().sort(), ['ns/a', 'ns/d', 'ns/e', 'ns/f']);
    assert.equal(inf.get('ns/a')?.['data'] !== undefined, true);
    assert.equal(inf.status.resourceVersion, '111');
    assert.equal(inf.status.watching, true);
    assert.equal(inf.status.lastSyncError, undefined);
  });

  it('takes the resourceVersion of bookmarks and ignores an event that changes nothing', async () => {
    server.put('a', {}, managed);
    const inf = start();
    await inf.waitForSync({ timeoutMs: 5000 });
    await until('watch', () => server.openWatches === 1);
    server.bookmark();
    await until('bookmark', () => inf.status.resourceVersion === '102');
    // The same object again (a server resending its state): no update.
    server.writeRaw(
      `${JSON.stringify({ type: 'MODIFIED', object: { ...inf.get('ns/a'), metadata: { ...inf.get('ns/a')?.metadata } } })}\n`,
    );
    server.put('b', {}, managed);
    await until('add b', () => events.includes('add ns/b'));
    assert.deepEqual(events, ['add ns/a', 'add ns/b']);
    // A dropped connection resumes from the bookmark's version (or later), not from the list's.
    server.dropConnections();
    await until('rewatch', () => server.requests.filter((r) => r.watch).length === 2);
    const rewatch = server.requests.filter((r) => r.watch)[1];
    assert.equal(rewatch?.url.searchParams.get('resourceVersion'), '103');
  });

  it('reconnects after a dropped connection and replays what it missed, without relisting', async () => {
    server.put('a', {}, managed);
    server.put('b', {}, managed);
    const inf = start();
    await inf.waitForSync({ timeoutMs: 5000 });
    await until('watch', () => server.openWatches === 1);
    await server.pause();
    server.put('c', {}, managed);
    server.put('a', { data: { v: 2 } }, managed);
    server.remove('b');
    // First the reset of the open watch, then refused reconnects.
    await until('refused', () =>
      /^member1: connection refused/.test(inf.lastSyncError?.message ?? ''),
    );
    assert.equal(inf.status.watching, false);
    assert.ok(inf.status.failures >= 2);
    await server.restart();
    await until('events', () => events.length === 5);
    assert.deepEqual(events, [
      'add ns/a',
      'add ns/b',
      'add ns/c',
      'update ns/a 101->104',
      'delete ns/b',
    ]);
    assert.equal(inf.status.lists, 1);
    await until('healthy', () => inf.status.watching && inf.lastSyncError === undefined);
    assert.ok(failures.length >= 1);
    assert.ok(failures.every((f) => f.info.operation === 'watch' && f.info.retryInMs > 0));
  });

  for (const how of ['an ERROR event', 'an HTTP 410'] as const) {
    it(`relists after ${how} and emits what changed while it was away`, async () => {
      server.put('same', {}, managed);
      server.put('changed', {}, managed);
      server.put('gone', {}, managed);
      const inf = start();
      await inf.waitForSync({ timeoutMs: 5000 });
      await until('watch', () => server.openWatches === 1);
      events.length = 0;

      // Away: the server refuses watches while objects change and history is compacted.
      server.watchFaults.push({ kind: 'status', code: 503, reason: 'ServiceUnavailable' });
      server.dropConnections();
      server.put('new', {}, managed);
      server.put('changed', { data: { v: 2 } }, managed);
      server.remove('gone');
      server.compact();
      if (how === 'an HTTP 410')
        server.watchFaults.push({ kind: 'status', code: 410, reason: 'Gone' });

      await until('relist', () => events.length === 3);
      assert.deepEqual(events, ['add ns/new', 'update ns/changed 102->105', 'delete ns/gone']);
      assert.deepEqual(inf.keys().sort(), ['ns/changed', 'ns/new', 'ns/same']);
      assert.equal(inf.status.lists, 2);
      assert.ok(failures.some((f) => isGone(f.error) && f.info.retryInMs === 0));
      // The watch goes on from the new list.
      await until('watch', () => server.openWatches === 1);
      server.put('later', {}, managed);
      await until('later', () => events.includes('add ns/later'));
    });
  }

  it('restarts the watch when the server ends it normally (its timeout)', async () => {
    server.put('a', {}, managed);
    const inf = start();
    await inf.waitForSync({ timeoutMs: 5000 });
    await until('watch', () => server.openWatches === 1);
    server.put('b', {}, managed);
    await until('add b', () => events.includes('add ns/b'));
    server.endWatches();
    await until('second watch', () => server.openWatches === 1 && inf.status.watches === 2);
    const watches = server.requests.filter((r) => r.watch);
    assert.equal(watches[1]?.url.searchParams.get('resourceVersion'), '102');
    assert.equal(inf.status.lists, 1);
    assert.equal(failures.length, 0);
    server.put('c', {}, managed);
    await until('add c', () => events.includes('add ns/c'));
  });

  it('backs off when the server keeps closing watches at once, and relists after a garbled stream', async () => {
    server.put('a', {}, managed);
    server.watchFaults.push({ kind: 'end' }, { kind: 'end' }, { kind: 'garbage' });
    const inf = start({ random: () => 0 });
    await inf.waitForSync({ timeoutMs: 5000 });
    await until('watch', () => server.openWatches === 1);
    assert.deepEqual(
      failures.map((f) => [f.info.failures, (f.error as Error).name]),
      [
        [1, 'ShortWatchError'],
        [2, 'ShortWatchError'],
        [3, 'TransportError'],
      ],
    );
    // Exponential from 10 ms (random() = 0 takes no jitter off).
    assert.deepEqual(
      failures.map((f) => f.info.retryInMs),
      [10, 20, 40],
    );
    assert.equal(inf.status.lists, 2);
    assert.deepEqual(events, ['add ns/a']);
  });

  it('retries a failing list with backoff, says why it is not synced, then syncs', async () => {
    server.put('a', {}, managed);
    server.listFaults.push(500, 500, 500);
    const inf = start({ backoff: { initialMs: 100, maxMs: 100 } });
    await assert.rejects(
      inf.waitForSync({ timeoutMs: 50 }),
      /not synced after 50 ms: .*list fault 500|not synced after 50 ms: initial list in progress/,
    );
    await until('an error', () => inf.lastSyncError !== undefined);
    assert.equal(inf.hasSynced(), false);
    assert.equal(inf.status.synced, false);
    assert.match(inf.lastSyncError?.message ?? '', /^member1: list fault 500/);
    await assert.rejects(
      inf.waitForSync({ timeoutMs: 20 }),
      /not synced after 20 ms: member1: list fault 500/,
    );
    await inf.waitForSync({ timeoutMs: 5000 });
    assert.deepEqual(events, ['add ns/a']);
    assert.equal(inf.lastSyncError, undefined);
    assert.deepEqual(
      failures.map((f) => f.info.operation),
      ['list', 'list', 'list'],
    );
  });

  it('reports a throwing or rejecting handler with the object key and keeps going', async () => {
    server.put('bad', {}, managed);
    server.put('good', {}, managed);
    const reported: { message: string; key: string; event: string }[] = [];
    const inf = start({
      onAdd: (o) => {
        if (key(o) === 'ns/bad') throw new Error('handler bug');
        events.push(`add ${key(o)}`);
      },
      onUpdate: async (_old, cur) => {
        await sleep(1);
        throw new Error(`async bug on ${key(cur)}`);
      },
      onHandlerError: (error, info) => {
        reported.push({ message: (error as Error).message, key: info.key, event: info.event });
      },
    });
    await inf.waitForSync({ timeoutMs: 5000 });
    await until('watch', () => server.openWatches === 1);
    server.put('good', { data: { v: 2 } }, managed);
    server.put('later', {}, managed);
    await until('later', () => events.includes('add ns/later'));
    await until('async report', () => reported.length === 2);
    assert.deepEqual(reported, [
      { message: 'handler bug', key: 'ns/bad', event: 'add' },
      { message: 'async bug on ns/good', key: 'ns/good', event: 'update' },
    ]);
    // The throwing handler did not keep the object out of the store.
    assert.ok(inf.get('ns/bad'));
    assert.equal(inf.status.watching, true);
  });

  it('logs handler failures to the logger when there is no onHandlerError', async () => {
    server.put('a', {}, managed);
    const logged: unknown[][] = [];
    const logger: InformerLogger = {
      info: () => undefined,
      warn: () => undefined,
      error: (...args) => logged.push(args),
    };
    const inf = start({
      logger,
      onHandlerError: undefined,
      onAdd: () => {
        throw new Error('boom');
      },
    });
    await inf.waitForSync({ timeoutMs: 5000 });
    assert.equal(logged.length, 1);
    const [msg, error, fields] = logged[0] ?? [];
    assert.equal(msg, 'Handling informer event failed');
    assert.equal((error as Error).message, 'boom');
    assert.deepEqual(fields, {
      cluster: 'member1',
      object: 'ns/a',
      event: 'add',
      informer: 'configmaps/v1 in member1 (namespace ns, kubefed.io/managed=true)',
    });
  });

  it('stores transformed objects, replays the store to late handlers, and stops cleanly', async () => {
    server.put('a', { data: { v: 1 } }, managed);
    const inf = start({ transform: stripManagedFields });
    await inf.waitForSync({ timeoutMs: 5000 });
    await until('watch', () => server.openWatches === 1);
    server.put('b', {}, managed);
    await until('add b', () => inf.size === 2);
    for (const o of inf.list()) assert.equal(o.metadata?.['managedFields'], undefined);
    assert.deepEqual(inf.get('ns/a')?.['data'], { v: 1 });

    const late: string[] = [];
    const remove = inf.addEventHandler({ onAdd: (o) => late.push(key(o)) });
    assert.deepEqual(late.sort(), ['ns/a', 'ns/b']);
    remove();

    await inf.stop();
    assert.equal(client.openWatches, 0);
    await until('server sees the watch end', () => server.openWatches === 0);
    const requests = server.requests.length;
    server.put('c', {}, managed);
    await sleep(50);
    assert.equal(server.requests.length, requests);
    assert.equal(inf.size, 2);
    assert.throws(() => inf.start(), /is stopped/);
  });

  it('rejects waitForSync when stopped before syncing', async () => {
    server.listFaults.push(500, 500, 500, 500, 500);
    const inf = start({ backoff: { initialMs: 1000, maxMs: 1000 } });
    const waiting = inf.waitForSync();
    await sleep(20);
    await inf.stop();
    await assert.rejects(waiting, /stopped before it synced/);
  });
});
