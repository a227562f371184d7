// Informers against the real member1 kube-apiserver of the shared sandbox: label selection, live
// adds/updates/deletes, an apiserver stop/start, a relist after a real 410, and several informers
// sharing one client's connection pool.
//
// Proving the relist diff needs a real 410 *and* changes the informer did not see as watch events.
// kube-apiserver answers 410 when a watch asks for a resourceVersion older than its watch cache,
// which starts afresh at each apiserver start. So one informer reaches member1 through a small TCP
// relay that the test can cut: cut, change objects with kubectl, restart member1, restore the
// relay. That informer then resumes its watch from a version older than the restarted cache, gets
// 410 from the real apiserver, relists, and must report exactly the adds, updates and deletes it
// missed. Nothing in the informer is there for tests: the fault is in the network, where real
// faults are.
import assert from 'node:assert/strict';
import { createServer, connect } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { KubeClient } from '../../src/kube/client.ts';
import type { KubeClientOptions } from '../../src/kube/client.ts';
import { isGone } from '../../src/kube/errors.ts';
import { Informer, stripManagedFields } from '../../src/kube/informer.ts';
import type { InformerOptions } from '../../src/kube/informer.ts';
import { loadClusterConfig } from '../../src/kube/kubeconfig.ts';
import type { ClusterConnectionConfig } from '../../src/kube/kubeconfig.ts';
import type { ResourceRef } from '../../src/kube/resource.ts';
import { eventually, kubectl, runCli, testSandbox } from './fixture.ts';
import { qualifiedName, type KubeObject } from '../../src/json/object.ts';

const configmaps: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'configmaps',
  namespaced: true,
};
const secrets: ResourceRef = { group: '', version: 'v1', resource: 'secrets', namespaced: true };
const serviceaccounts: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'serviceaccounts',
  namespaced: true,
};
const managedSelector = 'kubefed.io/managed=true';

/** Handler calls as text (`add ns/a`, `update ns/a`, `delete ns/a`), and every list/watch failure. */
class Recorder {
  readonly events: string[] = [];
  readonly failures: unknown[] = [];
  readonly handlerErrors: unknown[] = [];

  options(): Pick<
    InformerOptions,
    'onAdd' | 'onUpdate' | 'onDelete' | 'onError' | 'onHandlerError'
  > {
    return {
      onAdd: (obj) => this.events.push(`add ${qualifiedName(obj)}`),
      onUpdate: (_old, obj) => this.events.push(`update ${qualifiedName(obj)}`),
      onDelete: (obj) => this.events.push(`delete ${qualifiedName(obj)}`),
      onError: (error) => this.failures.push(error),
      onHandlerError: (error) => this.handlerErrors.push(error),
    };
  }

  async waitFor(expected: string[], what: string): Promise<void> {
    await eventually(
      () => Promise.resolve(expected.every((e) => this.events.includes(e)) ? true : undefined),
      30_000,
    ).catch((err: unknown) => {
      throw new Error(
        `${what}: expected ${JSON.stringify(expected)} in ${JSON.stringify(this.events)}`,
        {
          cause: err,
        },
      );
    });
  }
}

/** A TCP relay to member1's apiserver that the test can cut (connections reset, new ones refused) and restore. */
class Relay {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #target: { host: string; port: number };
  #cut = false;

  private constructor(server: Server, target: { host: string; port: number }) {
    this.#server = server;
    this.#target = target;
  }

  static async start(target: string): Promise<Relay> {
    const url = new URL(target);
    const holder: { relay?: Relay } = {};
    const server = createServer((socket) => holder.relay?.accept(socket));
    const relay = new Relay(server, { host: url.hostname, port: Number(url.port) });
    holder.relay = relay;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return relay;
  }

  get url(): string {
    return `https://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  accept(client: Socket): void {
    if (this.#cut) {
      client.destroy();
      return;
    }
    const upstream = connect(this.#target.port, this.#target.host);
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  }

  cut(): void {
    this.#cut = true;
    for (const socket of this.#sockets) socket.destroy();
  }

  restore(): void {
    this.#cut = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

describe('informers on a real member cluster', () => {
  const sandbox = testSandbox();
  const run = `informer-test-${Date.now()}`;
  const namespaces: string[] = [];
  /** The current test's own namespace, so that tests cannot see each other's objects. */
  let ns = '';
  const clientOptions: KubeClientOptions = { cluster: 'member1', timeoutMs: 10_000 };
  let config: ClusterConnectionConfig;
  const informers: Informer[] = [];
  const clients: KubeClient[] = [];

  function newClient(
    overrides: Partial<ClusterConnectionConfig> = {},
    options: Partial<KubeClientOptions> = {},
  ): KubeClient {
    const client = new KubeClient({ ...config, ...overrides }, { ...clientOptions, ...options });
    clients.push(client);
    return client;
  }

  function startInformer(
    client: KubeClient,
    recorder: Recorder,
    options: Partial<InformerOptions> = {},
  ): Informer {
    const informer = new Informer({
      client,
      resource: configmaps,
      namespace: ns,
      labelSelector: managedSelector,
      transform: stripManagedFields,
      // Quick retries so that the test does not wait out a 30 s backoff after the restart.
      backoff: { initialMs: 200, maxMs: 1_000 },
      ...recorder.options(),
      ...options,
    });
    informers.push(informer);
    informer.start();
    return informer;
  }

  async function configMap(
    name: string,
    data: Record<string, string>,
    managed = true,
  ): Promise<void> {
    const manifest: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name,
        namespace: ns,
        ...(managed ? { labels: { 'kubefed.io/managed': 'true' } } : {}),
      },
      data,
    };
    await kubectl(sandbox, ['--context', 'member1', 'apply', '-f', '-'], JSON.stringify(manifest));
  }

  async function m1(...args: string[]): Promise<string> {
    return kubectl(sandbox, ['--context', 'member1', '-n', ns, ...args]);
  }

  async function useNamespace(suffix: string): Promise<void> {
    ns = `${run}-${suffix}`;
    namespaces.push(ns);
    await kubectl(sandbox, ['--context', 'member1', 'create', 'namespace', ns]);
  }

  before(() => {
    config = loadClusterConfig({ path: sandbox.kubeconfig, context: 'member1' });
  });

  after(async () => {
    await Promise.all(informers.map((informer) => informer.stop()));
    await Promise.all(clients.map((client) => client.close()));
    for (const namespace of namespaces) {
      await kubectl(sandbox, [
        '--context',
        'member1',
        'delete',
        'namespace',
        namespace,
        '--wait=false',
      ]).catch(() => undefined);
    }
  });

  it('sees labelled ConfigMaps come, change and go, and never the unlabelled ones', async () => {
    await useNamespace('a');
    await configMap('a-first', { v: '1' });
    await configMap('a-plain', { v: '1' }, false);
    const recorder = new Recorder();
    const informer = startInformer(newClient(), recorder);
    await informer.waitForSync({ timeoutMs: 30_000 });
    assert.deepEqual(informer.keys(), [`${ns}/a-first`]);
    assert.deepEqual(recorder.events, [`add ${ns}/a-first`]);
    // The transform kept the cache small; everything else is as the server sent it.
    const cached = informer.get(`${ns}/a-first`);
    assert.ok(cached);
    assert.equal(cached.metadata?.['managedFields'], undefined);
    assert.equal(cached.kind, 'ConfigMap');
    assert.deepEqual(cached['data'], { v: '1' });

    await configMap('a-second', { v: '1' });
    await configMap('a-first', { v: '2' });
    await configMap('a-plain', { v: '2' }, false);
    await m1('delete', 'configmap', 'a-second');
    await recorder.waitFor(
      [`add ${ns}/a-second`, `update ${ns}/a-first`, `delete ${ns}/a-second`],
      'live changes',
    );
    // Labelling brings an object in; unlabelling takes it out again.
    await m1('label', 'configmap', 'a-plain', 'kubefed.io/managed=true');
    await recorder.waitFor([`add ${ns}/a-plain`], 'labelled');
    await m1('label', 'configmap', 'a-plain', 'kubefed.io/managed-');
    await recorder.waitFor([`delete ${ns}/a-plain`], 'unlabelled');
    assert.deepEqual(informer.keys(), [`${ns}/a-first`]);
    assert.deepEqual(informer.get(`${ns}/a-first`)?.['data'], { v: '2' });
    assert.equal(recorder.events.filter((e) => e === `update ${ns}/a-first`).length, 1);
    assert.deepEqual(recorder.handlerErrors, []);
    await informer.stop();
  });

  it('survives a member1 stop/start, and relists after a real 410 to report what it missed', async () => {
    await useNamespace('b');
    for (const name of ['b-keep', 'b-change', 'b-drop']) await configMap(name, { v: '1' });
    const direct = new Recorder();
    const directInformer = startInformer(newClient(), direct);
    const relay = await Relay.start(config.server);
    const relayed = new Recorder();
    const relayedInformer = startInformer(newClient({ server: relay.url }), relayed);
    try {
      await directInformer.waitForSync({ timeoutMs: 30_000 });
      await relayedInformer.waitForSync({ timeoutMs: 30_000 });
      await eventually(() => Promise.resolve(relayedInformer.status.watching ? true : undefined));
      const initial = [`${ns}/b-change`, `${ns}/b-drop`, `${ns}/b-keep`];
      assert.deepEqual(relayedInformer.keys().sort(), initial);
      direct.events.length = 0;
      relayed.events.length = 0;

      // The relayed informer loses its connection; changes happen while it is away.
      relay.cut();
      await eventually(() => Promise.resolve(relayedInformer.lastSyncError ? true : undefined));
      await configMap('b-new', { v: '1' });
      await configMap('b-change', { v: '2' });
      await m1('delete', 'configmap', 'b-drop');
      await direct.waitFor(
        [`add ${ns}/b-new`, `update ${ns}/b-change`, `delete ${ns}/b-drop`],
        'direct informer, live',
      );
      assert.deepEqual(relayed.events, []);

      // member1's apiserver goes down and comes back with an empty watch cache. Keep it short:
      // the sandbox is shared, and it is always started again.
      let stopped = false;
      try {
        const stop = await runCli('kubefed-sandbox', ['stop', 'member1', '--dir', sandbox.dir]);
        stopped = true;
        assert.equal(stop.code, 0, stop.stderr);
        await eventually(() =>
          Promise.resolve(
            /^member1: connection refused/.test(directInformer.lastSyncError?.message ?? '')
              ? true
              : undefined,
          ),
        );
        assert.equal(directInformer.status.watching, false);
        assert.equal(directInformer.hasSynced(), true);
      } finally {
        if (stopped) {
          const start = await runCli('kubefed-sandbox', ['start', 'member1', '--dir', sandbox.dir]);
          assert.equal(start.code, 0, start.stderr);
        }
      }

      // The direct informer reconnects on its own and follows changes made after the restart.
      await eventually(() =>
        Promise.resolve(
          directInformer.status.watching && directInformer.lastSyncError === undefined
            ? true
            : undefined,
        ),
      );
      await configMap('b-after', { v: '1' });
      await direct.waitFor([`add ${ns}/b-after`], 'direct informer, after restart');
      assert.deepEqual(directInformer.keys().sort(), [
        `${ns}/b-after`,
        `${ns}/b-change`,
        `${ns}/b-keep`,
        `${ns}/b-new`,
      ]);

      // The relayed informer comes back with a resourceVersion the restarted apiserver no longer
      // has: 410, relist, and the diff reports what it missed, and only that.
      const listsBefore = relayedInformer.status.lists;
      relay.restore();
      await relayed.waitFor(
        [`add ${ns}/b-new`, `update ${ns}/b-change`, `delete ${ns}/b-drop`, `add ${ns}/b-after`],
        'relayed informer, after its relist',
      );
      assert.ok(
        relayed.failures.some((error) => isGone(error)),
        `a 410 from the real apiserver among: ${relayed.failures.map(String).join('; ')}`,
      );
      assert.equal(relayedInformer.status.lists, listsBefore + 1);
      assert.deepEqual([...relayed.events].sort(), [
        `add ${ns}/b-after`,
        `add ${ns}/b-new`,
        `delete ${ns}/b-drop`,
        `update ${ns}/b-change`,
      ]);
      assert.deepEqual(relayedInformer.keys().sort(), directInformer.keys().sort());
      assert.deepEqual(relayedInformer.get(`${ns}/b-change`)?.['data'], { v: '2' });
      await eventually(() => Promise.resolve(relayedInformer.status.watching ? true : undefined));
      assert.equal(relayedInformer.lastSyncError, undefined);
      await configMap('b-last', { v: '1' });
      await relayed.waitFor([`add ${ns}/b-last`], 'relayed informer, watching again');
    } finally {
      await relayedInformer.stop();
      await directInformer.stop();
      await relay.close();
    }
  });

  it('runs several informers over one client and its one connection pool', async () => {
    await useNamespace('d');
    // One socket for ordinary requests: the watches must not take it from them.
    const client = newClient({}, { connections: 1 });
    const recorders = [new Recorder(), new Recorder(), new Recorder()];
    const resources = [configmaps, secrets, serviceaccounts];
    const started = resources.map((resource, i) =>
      startInformer(client, recorders[i] ?? new Recorder(), { resource }),
    );
    await Promise.all(started.map((informer) => informer.waitForSync({ timeoutMs: 30_000 })));
    assert.ok(started.every((informer) => informer.client === client));
    await eventually(() => Promise.resolve(client.openWatches === 3 ? true : undefined));

    await configMap('d-cm', { v: '1' });
    await m1('create', 'secret', 'generic', 'd-secret', '--from-literal=k=v');
    await m1('label', 'secret', 'd-secret', managedSelector);
    await m1('create', 'serviceaccount', 'd-sa');
    await m1('label', 'serviceaccount', 'd-sa', managedSelector);
    await recorders[0]?.waitFor([`add ${ns}/d-cm`], 'configmaps');
    await recorders[1]?.waitFor([`add ${ns}/d-secret`], 'secrets');
    await recorders[2]?.waitFor([`add ${ns}/d-sa`], 'serviceaccounts');

    // Ordinary requests still flow on the same pool while three watches hold their sockets.
    const list = await client.list(configmaps, { namespace: ns, labelSelector: managedSelector });
    assert.ok(list.items.some((item) => item.metadata?.name === 'd-cm'));
    const stats = client.poolStats();
    assert.ok(stats, 'pool stats of the one dispatcher');
    assert.ok(stats.running >= 3, `running ${stats.running}`);
    assert.ok(stats.connected >= 3 && stats.connected <= 5, `connected ${stats.connected}`);

    await Promise.all(started.map((informer) => informer.stop()));
    assert.equal(client.openWatches, 0);
  });
});
