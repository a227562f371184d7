// The leader-election Lease `kubefed-controller-manager` in the KubeFed namespace, read, written
// and watched through the host client. Updates carry the resourceVersion read, so the apiserver
// rejects a stale writer with a Conflict. The watch lets a candidate see each renewal as it
// happens, rather than up to a retry period late.
import { LEADER_ELECTION_LOCK_NAME } from '../apis/constants.ts';
import type { KubeClient } from '../kube/client.ts';
import { isNotFound } from '../kube/errors.ts';
import { Informer, type InformerLogger } from '../kube/informer.ts';
import type { KubeObject } from '../json/object.ts';
import type { ResourceRef } from '../kube/resource.ts';
import type { LeaseRecord, LeaseSpec, LeaseStore } from '../runtime/leader-election.ts';
import { withMicroTimes } from '../runtime/lock-record.ts';

export const leasesResource: ResourceRef = {
  group: 'coordination.k8s.io',
  version: 'v1',
  resource: 'leases',
  namespaced: true,
};

const recordOf = (lease: KubeObject): LeaseRecord => ({
  resourceVersion: lease.metadata?.resourceVersion ?? '',
  spec: lease['spec'] ?? {},
});

export function leaseStore(
  host: KubeClient,
  namespace: string,
  logger: InformerLogger,
): LeaseStore {
  const metadata = { name: LEADER_ELECTION_LOCK_NAME, namespace };
  return {
    watch(onChange) {
      const informer = new Informer({
        client: host,
        resource: leasesResource,
        namespace,
        fieldSelector: `metadata.name=${LEADER_ELECTION_LOCK_NAME}`,
        onAdd: (lease) => onChange(recordOf(lease)),
        onUpdate: (_old, lease) => onChange(recordOf(lease)),
        onDelete: () => onChange(undefined),
        logger,
      });
      informer.start();
      return () => informer.stop();
    },
    async get(signal): Promise<LeaseRecord | undefined> {
      try {
        return recordOf(
          await host.get(leasesResource, LEADER_ELECTION_LOCK_NAME, { namespace, signal }),
        );
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async create(spec: LeaseSpec, signal): Promise<void> {
      await host.create(
        leasesResource,
        {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata,
          spec: withMicroTimes(spec),
        },
        { signal },
      );
    },
    async update(resourceVersion: string, spec: LeaseSpec, signal): Promise<void> {
      await host.update(
        leasesResource,
        {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { ...metadata, resourceVersion },
          spec: withMicroTimes(spec),
        },
        { signal },
      );
    },
  };
}
