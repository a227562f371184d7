// The federated informer of one target type (spec §4.3): follows the member clusters of the
// ClusterRegistry and keeps, for each ready cluster, one informer on the target type that sees
// only managed objects (`kubefed.io/managed=true`, principle 6), over the registry's shared client.
// A member that cannot be read (unreachable, or its API lacks the type) is reported per cluster
// and never holds the others back: its informer keeps retrying on its own.
import { isDeepStrictEqual } from 'node:util';
import { MANAGED_LABEL, MANAGED_LABEL_TRUE } from '../apis/constants.ts';
import type { KubeFedCluster } from '../apis/types.ts';
import { isClusterReady } from '../federation/cluster-health.ts';
import { statusOnlyChange } from '../federation/propagation/update-filter.ts';
import type { KubeClient } from '../kube/client.ts';
import { Informer, stripManagedFields } from '../kube/informer.ts';
import type { ResourceRef } from '../kube/resource.ts';
import type { Logger } from '../runtime/logger.ts';
import type { ClusterRegistry } from './cluster-registry.ts';
import { qualifiedName, type KubeObject } from '../json/object.ts';
import { errorMessage } from '../kube/errors.ts';

const MANAGED_SELECTOR = `${MANAGED_LABEL}=${MANAGED_LABEL_TRUE}`;

export interface FederatedInformerOptions {
  clusters: ClusterRegistry;
  /** The target type in the members. */
  target: ResourceRef;
  /** Only this namespace of the members (namespaced control plane); all when undefined. */
  targetNamespace: string | undefined;
  logger: Logger;
  /** The cluster became usable (its member cache synced, or it failed for good reasons to report). */
  onClusterAvailable: (cluster: string) => void;
  onClusterUnavailable: (cluster: string) => void;
  /**
   * The cluster's KubeFedCluster is gone (unjoined), told at once, besides `onClusterUnavailable`
   * (which its users delay): nothing will bring it back, so whatever still names it can be
   * corrected now.
   */
  onClusterRemoved?: (cluster: string) => void;
  /**
   * A managed member object was added, changed or deleted; `key` is its `ns/name` (or `name`).
   * `statusOnly`: an update that changed nothing but the object's status.
   */
  onMemberEvent: (key: string, cluster: string, statusOnly: boolean) => void;
  /**
   * The key a member object's events are reported under; default its `ns/name`. An object that
   * belongs to another one (an EndpointSlice to its Service) reports its owner's key.
   */
  keyOf?: (obj: KubeObject) => string;
  /** Retry delay after a member client could not be built. Default 10 s. */
  clientRetryMs?: number;
}

/** What a reconcile can know about one cluster's member objects. */
export type MemberCache =
  | { state: 'unready' }
  | {
      state: 'synced';
      get: (key: string) => KubeObject | undefined;
      list: () => KubeObject[];
    }
  /** The first list has not finished yet (and has not failed). */
  | { state: 'pending' }
  | { state: 'client-failed'; error: string }
  | { state: 'cache-failed'; error: string };

interface Member {
  identity: unknown;
  ready: boolean;
  client?: KubeClient;
  informer?: Informer;
  clientError?: string;
  available: boolean;
  retryTimer?: NodeJS.Timeout;
}

export class FederatedInformer {
  readonly #options: FederatedInformerOptions;
  readonly #registry: ClusterRegistry;
  readonly #members = new Map<string, Member>();
  /** Per-cluster chain, so changes to one cluster apply in order. */
  readonly #chains = new Map<string, Promise<void>>();
  #stopped = false;
  #unsubscribe: (() => void) | undefined;

  constructor(options: FederatedInformerOptions) {
    this.#options = options;
    this.#registry = options.clusters;
  }

  start(): void {
    this.#unsubscribe ??= this.#registry.onChange((cluster) => this.#schedule(cluster));
    for (const cluster of this.#registry.clusters()) this.#schedule(cluster.metadata?.name ?? '');
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    await Promise.all(this.#chains.values());
    await Promise.all([...this.#members.values()].map((m) => this.#teardown(m)));
    this.#members.clear();
  }

  /** The KubeFedCluster list has been read. */
  hasSynced(): boolean {
    return this.#registry.hasSynced();
  }

  /** Every KubeFedCluster, ready or not. */
  clusters(): KubeFedCluster[] {
    return this.#registry.clusters();
  }

  /** Ready clusters whose member state is still being set up (client or first list in flight). */
  pendingClusters(): string[] {
    const pending: string[] = [];
    for (const cluster of this.clusters()) {
      const name = cluster.metadata?.name ?? '';
      if (!isClusterReady(cluster.status?.conditions)) continue;
      const member = this.#members.get(name);
      if (member === undefined || !isDeepStrictEqual(member.identity, this.#identityOf(cluster))) {
        pending.push(name);
        continue;
      }
      if (this.cache(name).state === 'pending') pending.push(name);
    }
    return pending;
  }

  cache(cluster: string): MemberCache {
    const member = this.#members.get(cluster);
    if (member === undefined || !member.ready) return { state: 'unready' };
    if (member.clientError !== undefined)
      return { state: 'client-failed', error: member.clientError };
    const { informer, client } = member;
    if (informer === undefined || client === undefined) return { state: 'pending' };
    if (informer.hasSynced()) {
      return { state: 'synced', get: (key) => informer.get(key), list: () => informer.list() };
    }
    const error = informer.lastSyncError;
    if (error !== undefined) return { state: 'cache-failed', error: error.message };
    return { state: 'pending' };
  }

  /** The ready member client (for live reads and writes), when there is one. */
  client(cluster: string): KubeClient | undefined {
    const member = this.#members.get(cluster);
    return member?.ready ? member.client : undefined;
  }

  #schedule(name: string): void {
    if (this.#stopped) return;
    const previous = this.#chains.get(name) ?? Promise.resolve();
    const next = previous
      .then(() => this.#refresh(name))
      .catch((error: unknown) => {
        this.#options.logger.error('Updating the member cluster cache failed', error, {
          cluster: name,
        });
      });
    this.#chains.set(name, next);
    void next.then(() => {
      if (this.#chains.get(name) === next) this.#chains.delete(name);
    });
  }

  async #refresh(name: string): Promise<void> {
    if (this.#stopped) return;
    const cluster = this.#registry.cluster(name);
    const identity = cluster === undefined ? undefined : this.#identityOf(cluster);
    const current = this.#members.get(name);
    if (
      current !== undefined &&
      isDeepStrictEqual(current.identity, identity) &&
      current.clientError === undefined
    ) {
      return;
    }
    if (current !== undefined) {
      this.#members.delete(name);
      const wasAvailable = current.available;
      await this.#teardown(current);
      if (wasAvailable) this.#options.onClusterUnavailable(name);
      if (cluster === undefined) this.#options.onClusterRemoved?.(name);
    }
    if (cluster === undefined) return;
    const ready = isClusterReady(cluster.status?.conditions);
    const member: Member = { identity, ready, available: false };
    this.#members.set(name, member);
    if (!ready) {
      // Objects placed there report ClusterNotReady.
      if (current?.ready) this.#options.onClusterUnavailable(name);
      return;
    }
    const logger = this.#options.logger.child({ cluster: name });
    try {
      member.client = await this.#registry.acquire(name);
    } catch (error) {
      member.clientError = errorMessage(error);
      member.retryTimer = setTimeout(() => {
        this.#schedule(name);
      }, this.#options.clientRetryMs ?? 10_000);
      this.#markAvailable(name, member);
      return;
    }
    if (!this.#isCurrent(name, member)) {
      // Stopped or superseded while the client was being built.
      this.#registry.release(member.client);
      return;
    }
    const keyOf = this.#options.keyOf ?? qualifiedName;
    const onEvent = (obj: KubeObject, statusOnly = false): void => {
      this.#options.onMemberEvent(keyOf(obj), name, statusOnly);
    };
    let reported = false;
    const client = member.client;
    const informer = new Informer({
      client,
      resource: this.#options.target,
      namespace: this.#options.targetNamespace,
      labelSelector: MANAGED_SELECTOR,
      transform: stripManagedFields,
      logger,
      onAdd: onEvent,
      onUpdate: (old, obj) => onEvent(obj, statusOnlyChange(old, obj)),
      onDelete: (obj) => onEvent(obj),
      onError: (error) => {
        // Before the first sync, a failure (e.g. the member does not serve the type) is worth
        // reporting on the federated objects: reconcile them once so they say so.
        if (informer.hasSynced() || reported) return;
        reported = true;
        logger.warn('Member cache is not available', {
          informer: informer.description,
          error: errorMessage(error),
        });
        this.#markAvailable(name, member);
      },
    });
    member.informer = informer;
    informer.start();
    informer.waitForSync().then(
      () => {
        member.available = false; // fire again: the cache is now complete
        this.#markAvailable(name, member);
      },
      () => undefined,
    );
  }

  /**
   * What, when it changes, means the member cache must be rebuilt (spec §4.3): readiness, the
   * registry's client, labels and annotations (placement may now select the cluster or not).
   */
  #identityOf(cluster: KubeFedCluster): unknown {
    const name = cluster.metadata?.name ?? '';
    return {
      ready: isClusterReady(cluster.status?.conditions),
      client: this.#registry.generation(name),
      labels: cluster.metadata?.labels,
      annotations: cluster.metadata?.annotations,
    };
  }

  #isCurrent(name: string, member: Member): boolean {
    return !this.#stopped && this.#members.get(name) === member;
  }

  #markAvailable(name: string, member: Member): void {
    if (!this.#isCurrent(name, member)) return;
    const first = !member.available;
    member.available = true;
    if (first) this.#options.onClusterAvailable(name);
  }

  async #teardown(member: Member): Promise<void> {
    clearTimeout(member.retryTimer);
    await member.informer?.stop();
    if (member.client) this.#registry.release(member.client);
  }
}
