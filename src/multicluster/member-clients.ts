// One KubeClient per member cluster, shared by every sync controller (one pooled connection per
// cluster, principle 4). A client is built from the KubeFedCluster and its token Secret (spec
// §4.4); users acquire it and release it, and it is closed when its last user lets go. A cluster
// whose spec changed gets a new client; the old one lives until its users have moved over.
import { isDeepStrictEqual } from 'node:util';
import type { KubeFedCluster } from '../apis/types.ts';
import { KubeClient } from '../kube/client.ts';
import type { Logger } from '../runtime/logger.ts';
import { loadMemberConnection } from './member-connection.ts';

export interface MemberClientRegistryOptions {
  host: KubeClient;
  /** The KubeFed namespace, where the token Secrets live. */
  namespace: string;
  userAgent: string;
  logger: Logger;
  /**
   * Client-side rate limit per cluster. KubeFed gives each (type, cluster) client 20 QPS / 30
   * burst; ours is shared by all types, so the default is higher.
   */
  qps?: number;
  burst?: number;
  /** Called with the time it took to build a client (seconds). */
  observeConnection?: (seconds: number) => void;
}

interface Entry {
  spec: unknown;
  client: Promise<KubeClient>;
  users: number;
}

export class MemberClientRegistry {
  readonly #options: MemberClientRegistryOptions;
  /** Current entry per cluster name; superseded entries live in #retired until released. */
  readonly #entries = new Map<string, Entry>();
  readonly #retired = new Set<Entry>();
  readonly #byClient = new Map<KubeClient, Entry>();

  constructor(options: MemberClientRegistryOptions) {
    this.#options = options;
  }

  /**
   * The client for `cluster` as currently specified; rejects when the Secret or the spec is
   * unusable (the caller reports ClientRetrievalFailed). Every resolved acquire needs a release.
   */
  async acquire(cluster: KubeFedCluster): Promise<KubeClient> {
    const name = cluster.metadata?.name ?? '';
    let entry = this.#entries.get(name);
    if (entry && !isDeepStrictEqual(entry.spec, cluster.spec)) {
      this.#entries.delete(name);
      this.#retire(entry);
      entry = undefined;
    }
    if (!entry) {
      const built = this.#build(name, cluster);
      entry = { spec: structuredClone(cluster.spec), client: built, users: 0 };
      this.#entries.set(name, entry);
      const created = entry;
      // A failed build is not cached: the next acquire tries again.
      built.catch(() => {
        if (this.#entries.get(name) === created) this.#entries.delete(name);
      });
    }
    const client = await entry.client;
    entry.users++;
    this.#byClient.set(client, entry);
    return client;
  }

  release(client: KubeClient): void {
    const entry = this.#byClient.get(client);
    if (!entry) return;
    entry.users--;
    if (entry.users <= 0 && this.#retired.has(entry)) this.#close(entry);
  }

  async close(): Promise<void> {
    const all = [...this.#entries.values(), ...this.#retired];
    this.#entries.clear();
    this.#retired.clear();
    this.#byClient.clear();
    await Promise.all(
      all.map((e) =>
        e.client.then(
          (c) => c.close(),
          () => undefined,
        ),
      ),
    );
  }

  #retire(entry: Entry): void {
    if (entry.users <= 0) this.#close(entry);
    else this.#retired.add(entry);
  }

  #close(entry: Entry): void {
    this.#retired.delete(entry);
    void entry.client.then(
      (c) => {
        this.#byClient.delete(c);
        return c.close();
      },
      () => undefined,
    );
  }

  async #build(name: string, cluster: KubeFedCluster): Promise<KubeClient> {
    const { host, namespace, userAgent, logger } = this.#options;
    const started = performance.now();
    try {
      const config = await loadMemberConnection(host, namespace, cluster);
      const client = new KubeClient(config, {
        cluster: name,
        userAgent,
        qps: this.#options.qps ?? 100,
        burst: this.#options.burst ?? 200,
      });
      this.#options.observeConnection?.((performance.now() - started) / 1000);
      return client;
    } catch (error) {
      logger.error('Building the member cluster client failed', error, { cluster: name });
      throw error;
    }
  }
}
