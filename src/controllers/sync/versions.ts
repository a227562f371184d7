// The version manager (spec §7.9): the (Cluster)PropagatedVersions of one federated type, loaded
// once at start and then kept in memory, updated by our own writes as they happen (nobody else
// writes them), so the next reconcile never compares against a stale informer copy. Writes happen
// only when the recorded versions changed. A write that meets a conflict is not retried here: the
// versions it meant to record are kept in memory as unsaved, the pass asks to run again soon, and
// the next pass writes them (and compares against them, so the members are not written again).
import { setTimeout as sleep } from 'node:timers/promises';
import {
  clusterPropagatedVersionsResource,
  propagatedVersionsResource,
} from '../../apis/resources.ts';
import type { PropagatedVersion, PropagatedVersionStatus } from '../../apis/types.ts';
import {
  nextPropagatedVersionStatus,
  propagatedVersionName,
  propagatedVersionObject,
  recordedVersions,
  type ObjectHashes,
} from '../../federation/propagation/version.ts';
import type { KubeClient } from '../../kube/client.ts';
import { isAlreadyExists, isCancelled, isConflict, isNotFound } from '../../kube/errors.ts';
import { compactJson } from '../../json/compact-json.ts';
import { stripManagedFields } from '../../kube/informer.ts';
import type { ResourceRef } from '../../kube/resource.ts';
import { qualifiedName, type KubeObject } from '../../json/object.ts';

export interface VersionStoreOptions {
  host: KubeClient;
  /** The federated type is namespaced: PropagatedVersion, else ClusterPropagatedVersion. */
  namespaced: boolean;
  /** Lower-case target kind: the name prefix of this type's records. */
  targetKind: string;
  targetNamespace: string | undefined;
  /** Told of each failed list while loading (it is retried every second). */
  onLoadError?: (error: unknown) => void;
}

export class VersionStore {
  readonly #options: VersionStoreOptions;
  readonly #resource: ResourceRef;
  /** By the record's own `ns/name`. */
  readonly #records = new Map<string, PropagatedVersion>();
  /** Statuses computed but not yet written (the write met a conflict). */
  readonly #unsaved = new Map<string, PropagatedVersionStatus>();
  #loaded = false;

  constructor(options: VersionStoreOptions) {
    this.#options = options;
    this.#resource = options.namespaced
      ? propagatedVersionsResource
      : clusterPropagatedVersionsResource;
  }

  get loaded(): boolean {
    return this.#loaded;
  }

  /** Lists the records of this type once; retries every second until it works or `signal` ends. */
  async load(signal: AbortSignal): Promise<void> {
    const prefix = `${this.#options.targetKind.toLowerCase()}-`;
    while (!signal.aborted) {
      try {
        // Every sync controller lists the records of all types (they share one resource) and
        // keeps its own: filtered page by page, ten controllers holding 10000 records each
        // never hold them all at once.
        const list = await this.#options.host.list(this.#resource, {
          namespace: this.#options.targetNamespace,
          signal,
          keep: (item) => (item.metadata?.name ?? '').startsWith(prefix),
        });
        for (const item of list.items) this.#remember(qualifiedName(item), item);
        this.#loaded = true;
        return;
      } catch (error) {
        if (!isCancelled(signal)) this.#options.onLoadError?.(error);
        await sleep(1000, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  /** Recorded member versions valid for `hashes` (empty when the template or overrides changed). */
  get(fed: KubeObject, hashes: ObjectHashes): Map<string, string> {
    return recordedVersions(this.#status(fed), hashes);
  }

  forget(fed: KubeObject): void {
    const key = this.#key(fed);
    this.#records.delete(key);
    this.#unsaved.delete(key);
  }

  /**
   * Records `newVersions` for the selected clusters; writes nothing when the stored status stays
   * the same. `retry`: a conflict or a race stopped the write; the pass should run again soon.
   */
  async update(
    fed: KubeObject,
    hashes: ObjectHashes,
    selected: readonly string[],
    newVersions: ReadonlyMap<string, string>,
    signal: AbortSignal,
  ): Promise<'unchanged' | 'written' | 'retry'> {
    const key = this.#key(fed);
    const unsaved = this.#unsaved.get(key);
    const next = nextPropagatedVersionStatus(this.#status(fed), hashes, selected, newVersions);
    if (!next.write && unsaved === undefined) return 'unchanged';
    // Unsaved until written: whatever the write meets, the next pass knows what the members hold.
    // (Without a change, next.status is the unsaved status itself, computed from it.)
    this.#unsaved.set(key, next.status);
    const written = await this.#write(fed, this.#own(fed), next.status, signal);
    if (written === undefined) return 'retry';
    this.#unsaved.delete(key);
    this.#remember(key, written);
    return 'written';
  }

  /**
   * Keeps a record as compact as the informers keep their objects: one per federated object.
   * Without managedFields, which nothing here reads; the status PUT built from the record does
   * not lose them: the server keeps the live object's managedFields when a write has none.
   */
  #remember(key: string, record: PropagatedVersion): void {
    this.#records.set(compactJson(key), compactJson(stripManagedFields(record)));
  }

  /**
   * Creates the record of a federated object that has none yet (a status-less PropagatedVersion,
   * as `update` would before writing the status), so that a pass can create it while its member
   * writes are in flight rather than after them. A failure is left to `update`, which meets it
   * again and reports it (a conflict or a race: `retry`; anything else: an error).
   */
  async prepare(fed: KubeObject, signal: AbortSignal): Promise<void> {
    if (!this.#loaded || this.#own(fed) !== undefined) return;
    try {
      const created = await this.#options.host.create(
        this.#resource,
        propagatedVersionObject(fed, this.#options.targetKind),
        { signal },
      );
      this.#remember(this.#key(fed), created);
    } catch {
      // update() tries again
    }
  }

  /**
   * Create when new, then PUT the status (spec §7.9). A conflict, a name taken by an earlier
   * object's record or a record deleted meanwhile: re-read once so the next try starts from the
   * server's state, and answer undefined. Never waits.
   */
  async #write(
    fed: KubeObject,
    stored: PropagatedVersion | undefined,
    status: PropagatedVersionStatus,
    signal: AbortSignal,
  ): Promise<PropagatedVersion | undefined> {
    const { host, targetKind } = this.#options;
    const resource = this.#resource;
    const namespace = fed.metadata?.namespace;
    const name = propagatedVersionName(targetKind, fed.metadata?.name ?? '');
    const key = this.#key(fed);
    try {
      const current =
        stored ??
        (await host.create(resource, propagatedVersionObject(fed, targetKind), { signal }));
      return await host.updateStatus(resource, { ...current, status }, { signal });
    } catch (error) {
      if (isNotFound(error)) {
        this.#records.delete(key);
        return undefined;
      }
      if (!isAlreadyExists(error) && !isConflict(error)) throw error;
      const fresh = await host.get(resource, name, { namespace, signal });
      if (ownedBy(fresh, fed)) {
        this.#remember(key, fresh);
      } else {
        // Left by an earlier object of the same name, waiting for garbage collection.
        this.#records.delete(key);
        await host.delete(resource, name, { namespace, signal }).catch(() => undefined);
      }
      return undefined;
    }
  }

  /** What is recorded for this object: unsaved versions first, then the stored record's. */
  #status(fed: KubeObject): PropagatedVersionStatus | undefined {
    return this.#unsaved.get(this.#key(fed)) ?? this.#own(fed)?.status;
  }

  /**
   * The stored record of this very object, not of an earlier one with the same name. A record
   * without owner references (made by hand, or restored from a backup) counts as the object's.
   */
  #own(fed: KubeObject): PropagatedVersion | undefined {
    const record = this.#records.get(this.#key(fed));
    return record !== undefined && ownedBy(record, fed) ? record : undefined;
  }

  #key(fed: KubeObject): string {
    const name = propagatedVersionName(this.#options.targetKind, fed.metadata?.name ?? '');
    const namespace = fed.metadata?.namespace;
    return namespace ? `${namespace}/${name}` : name;
  }
}

function ownedBy(record: KubeObject, fed: KubeObject): boolean {
  const owners = record.metadata?.ownerReferences ?? [];
  return owners.length === 0 || owners.some((o) => o.uid === fed.metadata?.uid);
}
