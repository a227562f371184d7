// The sandbox's load-balancer role, a long-running process that `up` starts: in every cluster it
// watches Services and Ingresses and writes the addresses `planAddresses` decides through their
// status subresource, as a cloud provider's controller does. Run as `kubefed-sandbox
// load-balancer --dir DIR`; it reads the clusters from the sandbox state.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeClient } from '../kube/client.ts';
import { errorMessage, isConflict, isNotFound } from '../kube/errors.ts';
import { Informer } from '../kube/informer.ts';
import type { ResourceRef } from '../kube/resource.ts';
import type { KubeObject } from '../json/object.ts';
import {
  addressBlock,
  planAddresses,
  type Balanced,
  type StatusChange,
} from './load-balancer-addresses.ts';
import { sandboxPaths } from './layout.ts';
import { readState } from './state.ts';

const servicesResource: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'services',
  namespaced: true,
};
const ingressesResource: ResourceRef = {
  group: 'networking.k8s.io',
  version: 'v1',
  resource: 'ingresses',
  namespaced: true,
};
/** A stopped member comes back within a couple of seconds of being started again. */
const WATCH_BACKOFF = { initialMs: 250, maxMs: 2000 };
const RETRY_MS = 1000;

export async function runLoadBalancer(opts: {
  dir: string;
  print: (line: string) => void;
  signal: AbortSignal;
}): Promise<void> {
  const paths = sandboxPaths(opts.dir);
  const state = readState(paths.state);
  if (!state) throw new Error(`no sandbox in ${paths.dir}; start one with 'kubefed-sandbox up'`);
  const balancers = state.clusters.map(
    (c, index) =>
      new ClusterBalancer(
        new KubeClient(
          {
            server: c.server,
            caData: readFileSync(paths.cluster(c.name).caFile, 'utf8'),
            token: c.token,
          },
          { cluster: c.name, userAgent: 'kubefed-sandbox-load-balancer' },
        ),
        addressBlock(index),
        opts.print,
      ),
  );
  for (const b of balancers) {
    b.start();
    opts.print(
      `${b.client.cluster}: giving LoadBalancer Services and Ingresses addresses of ${b.block}.0.0/16`,
    );
  }
  await new Promise<void>((resolve) => opts.signal.addEventListener('abort', () => resolve()));
  await Promise.all(balancers.map((b) => b.stop()));
}

/** One cluster: two informers, and one reconcile of the whole cluster at a time. */
class ClusterBalancer {
  readonly client: KubeClient;
  readonly block: string;
  readonly #print: (line: string) => void;
  readonly #informers: Record<Balanced['kind'], Informer>;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(client: KubeClient, block: string, print: (line: string) => void) {
    this.client = client;
    this.block = block;
    this.#print = print;
    const handlers = {
      onAdd: () => this.#schedule(),
      onUpdate: () => this.#schedule(),
      onDelete: () => this.#schedule(),
    };
    const informer = (resource: ResourceRef): Informer =>
      new Informer({
        client,
        resource,
        backoff: WATCH_BACKOFF,
        ...handlers,
        // A dropped watch is expected while a member is stopped: the informer retries quietly.
        onError: () => undefined,
      });
    this.#informers = { Service: informer(servicesResource), Ingress: informer(ingressesResource) };
  }

  start(): void {
    const informers = Object.values(this.#informers);
    for (const i of informers) i.start();
    // Events that came before both informers synced were not acted on: one pass once they have.
    Promise.all(informers.map((i) => i.waitForSync())).then(
      () => this.#schedule(),
      () => undefined, // stopped before syncing
    );
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(Object.values(this.#informers).map((i) => i.stop()));
    await this.#running;
    await this.client.close();
  }

  /** Coalesces events: while a reconcile runs, later events ask for one more. */
  #schedule(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#reconcileUntilDone().finally(() => (this.#running = undefined));
  }

  async #reconcileUntilDone(): Promise<void> {
    do {
      this.#again = false;
      if (!Object.values(this.#informers).every((i) => i.hasSynced())) return;
      try {
        await this.#reconcile();
      } catch (error) {
        this.#print(`${this.client.cluster}: ${errorMessage(error)}; retrying in ${RETRY_MS} ms`);
        await sleep(RETRY_MS);
        this.#again = true;
      }
    } while (this.#again && !this.#stopped);
  }

  async #reconcile(): Promise<void> {
    const objects = new Map<string, KubeObject>();
    const balanced: Balanced[] = [];
    for (const [kind, informer] of Object.entries(this.#informers) as [
      Balanced['kind'],
      Informer,
    ][]) {
      for (const obj of informer.list()) {
        const key = `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
        objects.set(`${kind} ${key}`, obj);
        balanced.push({
          kind,
          key,
          type:
            kind === 'Service' ? (obj['spec'] as { type?: string } | undefined)?.type : undefined,
          ips: loadBalancerIngress(obj).flatMap((i) => (i.ip === undefined ? [] : [i.ip])),
        });
      }
    }
    for (const change of planAddresses(this.block, balanced)) {
      const obj = objects.get(`${change.kind} ${change.key}`);
      if (obj) await this.#write(change, obj);
    }
  }

  async #write(change: StatusChange, obj: KubeObject): Promise<void> {
    const resource = change.kind === 'Service' ? servicesResource : ingressesResource;
    const status = (obj['status'] ?? {}) as Record<string, unknown>;
    const updated: KubeObject = {
      ...obj,
      status: {
        ...status,
        loadBalancer: { ingress: [{ ip: change.ip }] },
      },
    };
    try {
      await this.client.updateStatus(resource, updated, { namespace: obj.metadata?.namespace });
      this.#print(`${this.client.cluster}: ${change.kind} ${change.key} got ${change.ip}`);
    } catch (error) {
      // Deleted meanwhile, or changed: the watch brings the news and another reconcile.
      if (isNotFound(error) || isConflict(error)) return;
      throw error;
    }
  }
}

function loadBalancerIngress(obj: KubeObject): { ip?: string }[] {
  const status = obj['status'] as { loadBalancer?: { ingress?: { ip?: string }[] } } | undefined;
  return status?.loadBalancer?.ingress ?? [];
}
