// What every chaos scenario shares: the sandbox (host + 2 members), API clients, controller
// managers started as separate processes (bench/manager-process.ts) with a fast KubeFedConfig,
// federated namespaces (the integration tests' fixture), and reading back what the members hold.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { defaultKubeFedConfig } from '../src/apis/kubefedconfig.ts';
import { Toggle } from '../src/apis/constants.ts';
import { KubeClient } from '../src/kube/client.ts';
import { errorMessage } from '../src/kube/errors.ts';
import { Informer, stripManagedFields } from '../src/kube/informer.ts';
import { loadClusterConfig } from '../src/kube/kubeconfig.ts';
import { namespacesResource, type ResourceRef } from '../src/kube/resource.ts';
import type { Print } from '../src/sandbox/sandbox.ts';
import type { KubeObject } from '../src/json/object.ts';
import { startManager, type ManagerProcess } from '../bench/manager-process.ts';
import { waitUntil } from '../bench/wait.ts';
import { configMapsResource } from '../bench/tracker.ts';
import {
  createFederatedNamespace,
  deleteFederatedNamespace,
  sandboxAt,
  type TestSandbox,
} from '../test/integration/fixture.ts';
import { judgeMembers, type Desired, type Held, type MemberVerdict } from './verdict.ts';

export const federatedConfigMaps: ResourceRef = {
  group: 'types.kubefed.io',
  version: 'v1beta1',
  resource: 'federatedconfigmaps',
  namespaced: true,
};
export const eventsResource: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'events',
  namespaced: true,
};

/** Every namespace gets this ConfigMap from kube-controller-manager: not the scenario's. */
const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';

export interface LeaderElection {
  leaseS: number;
  renewS: number;
  retryMs: number;
}

/** The fast timings of the integration tests: a 3 s lease, 1 s health checks. */
const FAST_LEASE: LeaderElection = { leaseS: 3, renewS: 2, retryMs: 500 };

export class ChaosEnv {
  readonly dir: string;
  readonly sandbox: TestSandbox;
  readonly members = ['member1', 'member2'] as const;
  readonly host: KubeClient;
  readonly memberClients: KubeClient[];
  readonly print: Print;
  readonly #managers = new Set<ManagerProcess>();
  readonly #clients: KubeClient[] = [];
  #configs = 0;

  constructor(dir: string, print: Print) {
    this.dir = dir;
    this.print = print;
    this.sandbox = sandboxAt(dir);
    this.host = this.client('host');
    this.memberClients = this.members.map((m) => this.client(m));
  }

  /** An unthrottled client of one cluster (the scenarios' own requests are not what is timed). */
  client(context: string): KubeClient {
    const c = new KubeClient(loadClusterConfig({ path: this.sandbox.kubeconfig, context }), {
      cluster: context,
      timeoutMs: 10_000,
    });
    this.#clients.push(c);
    return c;
  }

  /** A KubeFedConfig file: fast health checks (1 s), the given lease, adoption as asked. */
  configFile(opts: { lease?: LeaderElection; adopt?: boolean } = {}): string {
    const lease = opts.lease ?? FAST_LEASE;
    const config = defaultKubeFedConfig('kube-federation-system', 'Cluster');
    config.spec.controllerDuration = { availableDelay: '1s', unavailableDelay: '1s' };
    config.spec.clusterHealthCheck = {
      period: '1s',
      failureThreshold: 2,
      successThreshold: 1,
      timeout: '1s',
    };
    config.spec.leaderElect = {
      leaseDuration: `${String(lease.leaseS)}s`,
      renewDeadline: `${String(lease.renewS)}s`,
      retryPeriod: `${String(lease.retryMs)}ms`,
      resourceLock: 'configmaps',
    };
    config.spec.syncController = {
      ...config.spec.syncController,
      adoptResources: opts.adopt === false ? Toggle.Disabled : Toggle.Enabled,
    };
    const file = join(this.dir, `chaos-kubefedconfig-${String(++this.#configs)}.yaml`);
    writeFileSync(file, stringify(config));
    return file;
  }

  /** A controller manager process; `leading` waits until it logs that it leads. */
  async manager(configFile: string, opts: { leading?: boolean } = {}): Promise<ManagerProcess> {
    const m = await startManager({ kubeconfig: this.sandbox.kubeconfig, configFile });
    this.#managers.add(m);
    if (opts.leading !== false) await m.waitForLog('promoted as leader', 90_000);
    return m;
  }

  /** SIGKILL, as a node failure or the OOM killer would; resolves once it has exited. */
  async kill(m: ManagerProcess): Promise<void> {
    const gone = new Promise<void>((resolve) => m.onExit(() => resolve()));
    try {
      process.kill(m.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await gone;
    this.#managers.delete(m);
  }

  async stopManagers(): Promise<void> {
    await Promise.all([...this.#managers].map((m) => m.stop()));
    this.#managers.clear();
  }

  /** A namespace on the host federated to every member, there once this returns. */
  async federatedNamespace(ns: string): Promise<void> {
    await createFederatedNamespace(this.sandbox, ns);
    await waitUntil(
      `namespace ${ns} in every member`,
      async () => {
        for (const c of this.memberClients) {
          try {
            await c.get(namespacesResource, ns);
          } catch {
            return false;
          }
        }
        return true;
      },
      90_000,
    );
  }

  /**
   * Removes a scenario's namespace everywhere (a controller manager must run: the federated
   * objects' finalizers are its). Waits, so that the next scenario does not pay for it. Says
   * `ok` or why not: the scenario reports it beside its figures, which stand either way.
   */
  async removeNamespace(ns: string): Promise<string> {
    try {
      await deleteFederatedNamespace(this.sandbox, ns);
      return 'ok';
    } catch (error) {
      this.print(`  removing namespace ${ns}: ${errorMessage(error)}`);
      return 'unfinished';
    }
  }

  /** The scenario's ConfigMaps in `ns` of the members, labelled or not. */
  async held(ns: string, clusters: readonly string[] = this.members): Promise<Held[]> {
    const lists = await Promise.all(
      this.memberClients
        .filter((c) => clusters.includes(c.cluster))
        .map(async (c) =>
          (await c.list(configMapsResource, { namespace: ns })).items
            .filter((o) => o.metadata?.name !== ROOT_CA_CONFIGMAP)
            .map((o): Held => ({
              cluster: c.cluster,
              name: o.metadata?.name ?? '',
              uid: o.metadata?.uid ?? '',
              data: (o as { data?: Record<string, string> }).data ?? {},
            })),
        ),
    );
    return lists.flat();
  }

  /**
   * Polls the members (`clusters`, default all) until they hold exactly `desired` there or
   * `timeoutMs` passes; returns how long it took since `since` (NaN when it did not) and what is
   * still wrong.
   */
  async converge(
    ns: string,
    desired: () => ReadonlyMap<string, Desired>,
    opts: { timeoutS: number; since?: number; clusters?: readonly string[]; pollMs?: number },
  ): Promise<{ seconds: number; verdict: MemberVerdict }> {
    const { since = performance.now(), clusters = this.members, pollMs = 500 } = opts;
    const timeoutMs = opts.timeoutS * 1000;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const held = await this.held(ns, clusters);
      const verdict = judgeMembers(desired(), held);
      if (verdict.lost.length + verdict.orphaned.length + verdict.stale.length === 0) {
        return { seconds: (performance.now() - since) / 1000, verdict };
      }
      if (performance.now() > deadline) return { seconds: NaN, verdict };
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  async close(): Promise<void> {
    await this.stopManagers();
    await Promise.all(this.#clients.map((c) => c.close().catch(() => undefined)));
  }
}

/**
 * Distinct UIDs of the ConfigMaps seen in `ns` of each member during a run, per `cluster/name`,
 * from one unfiltered informer per member: an object deleted and made again shows twice.
 */
export class UidTracker {
  readonly #informers: Informer[];
  readonly #uids = new Map<string, Set<string>>();

  constructor(members: readonly KubeClient[], ns: string) {
    this.#informers = members.map(
      (client) =>
        new Informer({
          client,
          resource: configMapsResource,
          namespace: ns,
          transform: stripManagedFields,
          onAdd: (obj) => this.#see(client.cluster, obj),
          onUpdate: (_old, obj) => this.#see(client.cluster, obj),
        }),
    );
  }

  async start(): Promise<void> {
    for (const i of this.#informers) i.start();
    await Promise.all(this.#informers.map((i) => i.waitForSync({ timeoutMs: 60_000 })));
  }

  async stop(): Promise<void> {
    await Promise.all(this.#informers.map((i) => i.stop()));
  }

  /** Distinct UIDs per `cluster/name`. */
  created(): Map<string, number> {
    return new Map([...this.#uids].map(([k, s]) => [k, s.size]));
  }

  #see(cluster: string, obj: KubeObject): void {
    const name = obj.metadata?.name ?? '';
    if (name === ROOT_CA_CONFIGMAP) return;
    const key = `${cluster}/${name}`;
    let set = this.#uids.get(key);
    if (set === undefined) this.#uids.set(key, (set = new Set()));
    set.add(obj.metadata?.uid ?? '');
  }
}

/** A FederatedConfigMap of `data`, placed on `clusters`. */
export function fedConfigMap(
  ns: string,
  name: string,
  clusters: Iterable<string>,
  data: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'types.kubefed.io/v1beta1',
    kind: 'FederatedConfigMap',
    metadata: { name, namespace: ns },
    spec: {
      template: { data },
      placement: { clusters: [...clusters].map((c) => ({ name: c })) },
    },
  };
}
