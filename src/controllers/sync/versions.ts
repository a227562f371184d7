// The version manager (spec §7.9): the (Cluster)PropagatedVersions of one federated type, loaded
// once at start and then kept in memory, updated by our own writes as they happen (nobody else
// writes them), so the next reconcile never compares against a stale informer copy. Writes happen
// only when the recorded versions changed.
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
import { isAlreadyExists, isConflict, isForbidden, isNotFound } from '../../kube/errors.ts';
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
}

export class VersionStore {
  readonly #options: VersionStoreOptions;
  readonly #resource: ResourceRef;
  /** By the record's own `ns/name`. */
  readonly #records = new Map<string, PropagatedVersion>();
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
      } catch {
        await sleep(1000, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  /** Recorded member versions valid for `hashes` (empty when the template or overrides changed). */
  get(fed: KubeObject, hashes: ObjectHashes): Map<string, string> {
    return recordedVersions(this.#own(fed)?.status, hashes);
  }

  forget(fed: KubeObject): void {
    this.#records.delete(this.#key(fed));
  }

  /**
   * Records `newVersions` for the selected clusters; writes nothing when the stored status stays
   * the same. Returns whether it wrote.
   */
  async update(
    fed: KubeObject,
    hashes: ObjectHashes,
    selected: readonly string[],
    newVersions: ReadonlyMap<string, string>,
  ): Promise<boolean> {
    const key = this.#key(fed);
    const stored = this.#own(fed);
    const next = nextPropagatedVersionStatus(stored?.status, hashes, selected, newVersions);
    if (!next.write) return false;
    this.#remember(key, await this.#write(fed, stored, next.status));
    return true;
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
   * writes are in flight rather than after them. A failure is left to `update`, which retries and
   * sorts out AlreadyExists, NotFound and Forbidden.
   */
  async prepare(fed: KubeObject): Promise<void> {
    if (!this.#loaded || this.#own(fed) !== undefined) return;
    try {
      const created = await this.#options.host.create(
        this.#resource,
        propagatedVersionObject(fed, this.#options.targetKind),
      );
      this.#remember(this.#key(fed), created);
    } catch {
      // update() tries again
    }
  }

  /** Create when new, then PUT the status; retries conflicts and races (spec §7.9). */
  async #write(
    fed: KubeObject,
    stored: PropagatedVersion | undefined,
    status: PropagatedVersionStatus,
  ): Promise<PropagatedVersion> {
    const { host, targetKind } = this.#options;
    const resource = this.#resource;
    const namespace = fed.metadata?.namespace;
    const name = propagatedVersionName(targetKind, fed.metadata?.name ?? '');
    let current: PropagatedVersion | undefined = stored;
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        if (current === undefined) {
          current = await host.create(resource, propagatedVersionObject(fed, targetKind));
        }
        return await host.updateStatus(resource, { ...current, status });
      } catch (error) {
        if (isForbidden(error) || Date.now() > deadline) throw error;
        if (isAlreadyExists(error) || isConflict(error)) {
          current = await host.get(resource, name, { namespace });
          if (!ownedBy(current, fed)) {
            // Left by an earlier object of the same name, waiting for garbage collection.
            await host.delete(resource, name, { namespace }).catch(() => undefined);
            current = undefined;
          }
        } else if (isNotFound(error)) {
          current = undefined;
        } else {
          throw error;
        }
        await sleep(100);
      }
    }
  }

  /** The stored record of this very object (not of an earlier one with the same name). */
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
