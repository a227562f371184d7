// The member clusters, once for the whole process: the KubeFedClusters of the KubeFed namespace
// (one shared host watch) and one client (one connection pool, one rate limit) per member, built
// from the cluster and its token Secret (spec §4.4). The cluster health controller and every
// per-type member informer use these clients. One rule says when a client is rebuilt: its
// connection (endpoint, CA bundle, proxy, TLS validations, Secret name) or its token changed. A
// superseded client lives until its last user has released it; listeners hear of every change so
// they can move over.
import { MemberCircuits } from './member-circuits.ts';
import { isDeepStrictEqual } from 'node:util';
import { kubeFedClustersResource } from '../apis/resources.ts';
import type { KubeFedCluster } from '../apis/types.ts';
import { KubeClient } from '../kube/client.ts';
import type { ClusterConnectionConfig } from '../kube/kubeconfig.ts';
import type { Informer } from '../kube/informer.ts';
import type { Logger } from '../runtime/logger.ts';
import type { HostInformers } from './host-informers.ts';
import { loadMemberConnection } from './member-connection.ts';

export interface ClusterRegistryOptions {
  host: KubeClient;
  informers: HostInformers;
  /** The KubeFed namespace: KubeFedClusters and their token Secrets live there. */
  namespace: string;
  userAgent: string;
  logger: Logger;
  /**
   * Client-side rate limit per member. KubeFed gives each (type, cluster) client 20 QPS / 30
   * burst; ours is shared by all types, so the default is higher.
   */
  qps?: number;
  burst?: number;
  /** Called with the time it took to build a client (seconds). */
  observeConnection?: (seconds: number) => void;
  /** Every member client's write fence (`KubeClientOptions.writeFence`). */
  writeFence?: () => boolean;
  /** The circuit breakers of member writes; default timings when absent. */
  circuits?: MemberCircuits;
}

interface Entry {
  /** What the client was built from; a different one means a new client. */
  spec: unknown;
  connection: ClusterConnectionConfig;
  client: KubeClient;
  users: number;
}

export class ClusterRegistry {
  readonly #options: ClusterRegistryOptions;
  readonly #clusters: Informer;
  readonly #listeners = new Set<(cluster: string) => void>();
  /** The current client of each cluster; built on first use. */
  readonly #entries = new Map<string, Entry>();
  /** Clients being built, so that concurrent first users share one. */
  readonly #building = new Map<string, Promise<Entry>>();
  readonly #byClient = new Map<KubeClient, Entry>();
  readonly #generations = new Map<string, number>();
  #closed = false;
  /** One circuit per member, shared by every controller's member writes. */
  readonly circuits: MemberCircuits;

  constructor(options: ClusterRegistryOptions) {
    this.#options = options;
    this.circuits = options.circuits ?? new MemberCircuits();
    this.#clusters = options.informers.informer(kubeFedClustersResource, options.namespace);
    const changed = (obj: { metadata?: { name?: string } }): void => {
      this.#changed(obj.metadata?.name ?? '');
    };
    this.#clusters.addEventHandler({
      onAdd: changed,
      onUpdate: (_old, obj) => changed(obj),
      onDelete: changed,
    });
  }

  /** The KubeFedCluster list has been read. */
  hasSynced(): boolean {
    return this.#clusters.hasSynced();
  }

  /** Every KubeFedCluster, ready or not. */
  clusters(): KubeFedCluster[] {
    return this.#clusters.list() as KubeFedCluster[];
  }

  cluster(name: string): KubeFedCluster | undefined {
    return this.#clusters.get(`${this.#options.namespace}/${name}`) as KubeFedCluster | undefined;
  }

  /** Called with a cluster's name whenever its KubeFedCluster or its client changes. */
  onChange(listener: (cluster: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Changes each time the cluster's client is replaced; users compare it to know they must move. */
  generation(cluster: string): number {
    return this.#generations.get(cluster) ?? 0;
  }

  /**
   * The client of `cluster` as currently registered; rejects when the cluster is unknown or its
   * Secret or spec is unusable (a failed build is not kept: the next call tries again). Every
   * resolved acquire needs a release.
   */
  async acquire(name: string): Promise<KubeClient> {
    const entry = this.#entries.get(name) ?? (await this.#build(name));
    entry.users++;
    return entry.client;
  }

  release(client: KubeClient): void {
    const entry = this.#byClient.get(client);
    if (entry === undefined) return;
    entry.users--;
    if (entry.users <= 0 && !this.#isCurrent(entry)) this.#close(entry);
  }

  /**
   * Re-reads the cluster's token Secret, e.g. after the member answered 401, and replaces the
   * client if the connection (the token included) changed. True when it did.
   */
  async refreshCredentials(name: string): Promise<boolean> {
    const entry = this.#entries.get(name);
    const cluster = this.cluster(name);
    if (entry === undefined || cluster === undefined) return false;
    const connection = await loadMemberConnection(
      this.#options.host,
      this.#options.namespace,
      cluster,
    );
    if (isDeepStrictEqual(connection, entry.connection)) return false;
    this.#options.logger.info('Member credentials changed; replacing the client', {
      cluster: name,
    });
    this.#retire(name);
    for (const listener of this.#listeners) listener(name);
    return true;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const all = new Set([...this.#entries.values(), ...this.#byClient.values()]);
    this.#entries.clear();
    this.#byClient.clear();
    await Promise.all([...all].map((e) => e.client.close()));
  }

  #changed(name: string): void {
    const entry = this.#entries.get(name);
    const cluster = this.cluster(name);
    // The spec is compared first: an unchanged spec keeps the client without reading the Secret.
    if (entry !== undefined && !isDeepStrictEqual(connectionSpec(cluster), entry.spec)) {
      this.#retire(name);
    }
    for (const listener of this.#listeners) listener(name);
  }

  /** The cluster's client is superseded; the caller tells the listeners. */
  #retire(name: string): void {
    const entry = this.#entries.get(name);
    if (entry === undefined) return;
    this.#entries.delete(name);
    this.#generations.set(name, this.generation(name) + 1);
    if (entry.users <= 0) this.#close(entry);
  }

  #isCurrent(entry: Entry): boolean {
    return [...this.#entries.values()].includes(entry);
  }

  #close(entry: Entry): void {
    this.#byClient.delete(entry.client);
    void entry.client.close();
  }

  #build(name: string): Promise<Entry> {
    let building = this.#building.get(name);
    if (building === undefined) {
      building = this.#buildEntry(name).finally(() => this.#building.delete(name));
      this.#building.set(name, building);
    }
    return building;
  }

  async #buildEntry(name: string): Promise<Entry> {
    const { host, namespace, userAgent, logger } = this.#options;
    const cluster = this.cluster(name);
    if (cluster === undefined) throw new Error(`cluster "${name}" is not registered`);
    const generation = this.generation(name);
    const spec = connectionSpec(cluster);
    const started = performance.now();
    let connection: ClusterConnectionConfig;
    try {
      connection = await loadMemberConnection(host, namespace, cluster);
    } catch (error) {
      logger.error('Building the member cluster client failed', error, { cluster: name });
      throw error;
    }
    const client = new KubeClient(connection, {
      cluster: name,
      userAgent,
      qps: this.#options.qps ?? 100,
      burst: this.#options.burst ?? 200,
      ...(this.#options.writeFence === undefined ? {} : { writeFence: this.#options.writeFence }),
    });
    this.#options.observeConnection?.((performance.now() - started) / 1000);
    const entry: Entry = { spec, connection, client, users: 0 };
    this.#byClient.set(client, entry);
    // Closed, or the cluster changed while its Secret was being read: this client is already stale.
    const stale =
      this.generation(name) !== generation ||
      !isDeepStrictEqual(connectionSpec(this.cluster(name)), spec);
    if (this.#closed || stale) {
      this.#close(entry);
      if (this.#closed) throw new Error('cluster registry is closed');
      return this.#build(name);
    }
    this.#entries.set(name, entry);
    return entry;
  }
}

/** The KubeFedCluster fields a client is built from (besides the token). */
function connectionSpec(cluster: KubeFedCluster | undefined): unknown {
  if (cluster === undefined) return undefined;
  const { apiEndpoint, caBundle, proxyURL, disabledTLSValidations, secretRef } = cluster.spec;
  return { apiEndpoint, caBundle, proxyURL, disabledTLSValidations, secret: secretRef.name };
}
