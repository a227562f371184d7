// The leader-election Lease `kubefed-controller-manager` in the KubeFed namespace, read and
// written through the host client. Updates carry the resourceVersion read, so the apiserver
// rejects a stale writer with a Conflict.
import { LEADER_ELECTION_LOCK_NAME } from '../apis/constants.ts';
import type { KubeClient } from '../kube/client.ts';
import { isNotFound } from '../kube/errors.ts';
import type { ResourceRef } from '../kube/resource.ts';
import type { LeaseRecord, LeaseSpec, LeaseStore } from '../runtime/leader-election.ts';

const leasesResource: ResourceRef = {
  group: 'coordination.k8s.io',
  version: 'v1',
  resource: 'leases',
  namespaced: true,
};

export function leaseStore(host: KubeClient, namespace: string): LeaseStore {
  const metadata = { name: LEADER_ELECTION_LOCK_NAME, namespace };
  return {
    async get(signal): Promise<LeaseRecord | undefined> {
      try {
        const lease = await host.get(leasesResource, LEADER_ELECTION_LOCK_NAME, {
          namespace,
          signal,
        });
        return {
          resourceVersion: lease.metadata?.resourceVersion ?? '',
          spec: lease['spec'] ?? {},
        };
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
          spec,
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
          spec,
        },
        { signal },
      );
    },
  };
}
