// The leader lock KubeFed's KubeFedConfig names (`spec.leaderElect.resourceLock`: the ConfigMap
// or Endpoints `kubefed-controller-manager` in the KubeFed namespace, its record in client-go's
// annotation), held together with our Lease of the same name: a Go KubeFed replica elects on the
// first, tools and our older releases look at the second. Every write carries the resourceVersion
// read, so the apiserver rejects a stale writer on either object with a Conflict.
import { LEADER_ELECTION_LOCK_NAME, type ResourceLock } from '../apis/constants.ts';
import type { KubeClient } from '../kube/client.ts';
import { isNotFound } from '../kube/errors.ts';
import { Informer, type InformerLogger } from '../kube/informer.ts';
import type { KubeObject } from '../json/object.ts';
import type { ResourceRef } from '../kube/resource.ts';
import type { LeaseRecord, LeaseStore } from '../runtime/leader-election.ts';
import {
  LEADER_ANNOTATION,
  combineLocks,
  parseAnnotationRecord,
  renderAnnotationRecord,
  splitVersions,
} from '../runtime/lock-record.ts';
import { leaseStore } from './lease-store.ts';

const lockResources: Record<ResourceLock, ResourceRef & { kind: string }> = {
  configmaps: {
    group: '',
    version: 'v1',
    resource: 'configmaps',
    namespaced: true,
    kind: 'ConfigMap',
  },
  endpoints: {
    group: '',
    version: 'v1',
    resource: 'endpoints',
    namespaced: true,
    kind: 'Endpoints',
  },
};

/** The `resourceLock` object, its record in client-go's annotation. */
export function annotationLockStore(
  host: KubeClient,
  namespace: string,
  lock: ResourceLock,
  logger: InformerLogger,
): LeaseStore {
  const resource = lockResources[lock];
  const name = LEADER_ELECTION_LOCK_NAME;
  const describe = `${resource.kind} ${namespace}/${name}`;
  const recordOf = (object: KubeObject): LeaseRecord => ({
    resourceVersion: object.metadata?.resourceVersion ?? '',
    spec: parseAnnotationRecord(object.metadata?.annotations?.[LEADER_ANNOTATION], describe),
  });
  return {
    watch(onChange) {
      const informer = new Informer({
        client: host,
        resource,
        namespace,
        fieldSelector: `metadata.name=${name}`,
        onAdd: (object) => onChange(recordOf(object)),
        onUpdate: (_old, object) => onChange(recordOf(object)),
        onDelete: () => onChange(undefined),
        logger,
      });
      informer.start();
      return () => informer.stop();
    },
    async get(signal) {
      try {
        return recordOf(await host.get(resource, name, { namespace, signal }));
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async create(spec, signal) {
      await host.create(
        resource,
        {
          apiVersion: 'v1',
          kind: resource.kind,
          metadata: {
            name,
            namespace,
            annotations: { [LEADER_ANNOTATION]: renderAnnotationRecord(spec) },
          },
        },
        { signal },
      );
    },
    async update(resourceVersion, spec, signal) {
      // A merge patch of the annotation alone keeps whatever else the object holds; the
      // resourceVersion in it makes the write conditional, as client-go's Update of the object.
      await host.patch(
        resource,
        name,
        {
          metadata: {
            resourceVersion,
            annotations: { [LEADER_ANNOTATION]: renderAnnotationRecord(spec) },
          },
        },
        { namespace, type: 'merge', signal },
      );
    },
  };
}

/**
 * Two locks held as one (client-go's MultiLock): read both, write both; a lock that does not exist
 * yet is created. An attempt succeeds only when both writes do, each conditional on what was read,
 * so a candidate that lost either race does not lead, and the two disagree until the next write
 * (a candidate then waits a lease duration). The writes go out together, not one after the
 * other as in client-go: a renewal then takes two round trips, as with one lock, which matters
 * on a loaded host with a short renew deadline. Unlike client-go's, creating a lock that someone
 * created meanwhile fails rather than being taken as ours.
 */
export function multiLockStore(primary: LeaseStore, secondary: LeaseStore): LeaseStore {
  return {
    watch(onChange) {
      let seenPrimary: LeaseRecord | undefined;
      let seenSecondary: LeaseRecord | undefined;
      const stops = [
        primary.watch?.((record) => {
          seenPrimary = record;
          onChange(combineLocks(seenPrimary, seenSecondary));
        }),
        secondary.watch?.((record) => {
          seenSecondary = record;
          onChange(combineLocks(seenPrimary, seenSecondary));
        }),
      ].filter((stop) => stop !== undefined);
      return async () => {
        await Promise.all(stops.map((stop) => stop()));
      };
    },
    async get(signal) {
      const [first, second] = await Promise.all([primary.get(signal), secondary.get(signal)]);
      return combineLocks(first, second);
    },
    async create(spec, signal) {
      await both(primary.create(spec, signal), secondary.create(spec, signal));
    },
    async update(resourceVersion, spec, signal) {
      const versions = splitVersions(resourceVersion);
      const write = (store: LeaseStore, version: string): Promise<void> =>
        version === '' ? store.create(spec, signal) : store.update(version, spec, signal);
      await both(write(primary, versions.primary), write(secondary, versions.secondary));
    },
  };
}

/** Waits for both writes; rejects with the first failure once both have settled. */
async function both(first: Promise<void>, second: Promise<void>): Promise<void> {
  const results = await Promise.allSettled([first, second]);
  for (const result of results) if (result.status === 'rejected') throw result.reason;
}

/** The lock our manager elects on: the KubeFedConfig's `resourceLock` and the Lease. */
export function leaderLockStore(
  host: KubeClient,
  namespace: string,
  lock: ResourceLock,
  logger: InformerLogger,
): LeaseStore {
  return multiLockStore(
    annotationLockStore(host, namespace, lock, logger),
    leaseStore(host, namespace, logger),
  );
}

/** How the log names the locks: `configmaps+leases kube-federation-system/kubefed-controller-manager`. */
export function describeLeaderLock(namespace: string, lock: ResourceLock): string {
  return `${lock}+leases ${namespace}/${LEADER_ELECTION_LOCK_NAME}`;
}
