// Watches the member clusters' ConfigMaps with one informer per member (no per-object polling)
// and records, per object name, when every member first held the expected content, and when
// every member no longer held it at all.
import { isDeepStrictEqual } from 'node:util';
import type { KubeClient } from '../src/kube/client.ts';
import { Informer, stripManagedFields } from '../src/kube/informer.ts';
import type { ResourceRef } from '../src/kube/resource.ts';
import type { KubeObject } from '../src/json/object.ts';

export const configMapsResource: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'configmaps',
  namespaced: true,
};

interface Expectation {
  /** Expected `data` per cluster. */
  data: Map<string, Record<string, string>>;
  /** Clusters that have held it (performance.now() when first seen). */
  seen: Map<string, number>;
  doneAt: number | undefined;
}

export class MemberTracker {
  readonly #informers: Informer[];
  readonly #expected = new Map<string, Expectation>();
  readonly #pending = new Set<string>();
  #waiters: (() => void)[] = [];

  constructor(members: KubeClient[], namespace: string) {
    this.#informers = members.map((client) => {
      const informer = new Informer({
        client,
        resource: configMapsResource,
        namespace,
        labelSelector: 'kubefed.io/managed=true',
        transform: stripManagedFields,
        onAdd: (obj) => this.#observe(client.cluster, obj),
        onUpdate: (_old, obj) => this.#observe(client.cluster, obj),
        onDelete: () => this.#notify(),
      });
      return informer;
    });
  }

  async start(): Promise<void> {
    for (const i of this.#informers) i.start();
    await Promise.all(this.#informers.map((i) => i.waitForSync({ timeoutMs: 120_000 })));
  }

  async stop(): Promise<void> {
    await Promise.all(this.#informers.map((i) => i.stop()));
  }

  /** From now on, `name` counts as done once every cluster in `data` holds its `data`. */
  expect(name: string, data: Map<string, Record<string, string>>): void {
    const e: Expectation = { data, seen: new Map(), doneAt: undefined };
    this.#expected.set(name, e);
    this.#pending.add(name);
    // Already there (e.g. an update that changes nothing for some cluster)?
    for (const informer of this.#informers) {
      const cluster = informer.client.cluster;
      const obj = informer.list().find((o) => o.metadata?.name === name);
      if (obj) this.#observe(cluster, obj);
    }
  }

  doneAt(name: string): number | undefined {
    return this.#expected.get(name)?.doneAt;
  }

  get pending(): number {
    return this.#pending.size;
  }

  /** Member objects (of any name) still in the members' caches. */
  get present(): number {
    return this.#informers.reduce((n, i) => n + i.size, 0);
  }

  /** Resolves (performance.now()) once nothing is pending; rejects after `timeoutMs`. */
  async waitAllDone(timeoutMs: number): Promise<number> {
    await this.#waitFor(
      () => this.#pending.size === 0,
      timeoutMs,
      () => `${this.#pending.size} objects not propagated`,
    );
    return performance.now();
  }

  /** Resolves (performance.now()) once the members hold no managed ConfigMap. */
  async waitAllGone(timeoutMs: number): Promise<number> {
    await this.#waitFor(
      () => this.present === 0,
      timeoutMs,
      () => `${this.present} member objects left`,
    );
    return performance.now();
  }

  async #waitFor(cond: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!cond()) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timed out: ${describe()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  #notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  #observe(cluster: string, obj: KubeObject): void {
    const name = obj.metadata?.name ?? '';
    const e = this.#expected.get(name);
    if (e === undefined || e.doneAt !== undefined || e.seen.has(cluster)) {
      this.#notify();
      return;
    }
    const want = e.data.get(cluster);
    if (want !== undefined && isDeepStrictEqual((obj as { data?: unknown }).data ?? {}, want)) {
      e.seen.set(cluster, performance.now());
      if (e.seen.size === e.data.size) {
        e.doneAt = performance.now();
        this.#pending.delete(name);
      }
    }
    this.#notify();
  }
}

/**
 * One list per member: `expected` (per object name, the `data` each cluster must hold) against
 * what the members' managed ConfigMaps in `namespace` hold. Returns what is missing or wrong.
 */
export async function memberMismatches(
  members: KubeClient[],
  namespace: string,
  expected: Map<string, Map<string, Record<string, string>>>,
): Promise<string[]> {
  const wrong: string[] = [];
  for (const client of members) {
    const list = await client.list(configMapsResource, {
      namespace,
      labelSelector: 'kubefed.io/managed=true',
    });
    const held = new Map(list.items.map((o) => [o.metadata?.name ?? '', o]));
    for (const [name, byCluster] of expected) {
      const want = byCluster.get(client.cluster);
      if (want === undefined) continue;
      const obj = held.get(name);
      if (obj === undefined) wrong.push(`${client.cluster}: ${name} missing`);
      else if (!isDeepStrictEqual((obj as { data?: unknown }).data ?? {}, want))
        wrong.push(`${client.cluster}: ${name} has other data`);
    }
  }
  return wrong;
}
