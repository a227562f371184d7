// What the legacy status controller (spec §8.1) writes for one FederatedService: the member
// Services' `.status`, one entry per ready cluster sorted by name, in a FederatedServiceStatus
// of the same namespace and name owned by the federated object; and whether that takes a create,
// an update of `clusterStatus` or nothing. Pure: the controller reads the caches and writes.
import { isDeepStrictEqual } from 'node:util';
import type { FederatedServiceClusterStatus, FederatedServiceStatus } from '../../apis/types.ts';
import { compareUtf8 } from '../../json/canonical-json.ts';
import { isJsonObject, type KubeObject } from '../../json/object.ts';

/** What one ready cluster's member cache says about the Service. */
export type MemberServiceObservation =
  | { cluster: string; state: 'present'; service: KubeObject }
  | { cluster: string; state: 'absent' }
  /** The member cache cannot be read (no client, or its list failed). */
  | { cluster: string; state: 'unknown' };

/**
 * One entry per observed cluster, sorted by name (byte order). A cluster without the Service gets
 * `status: {}`: the CRD requires an object there, and KubeFed's absent status made the apiserver
 * refuse the whole object, so a Service placed on some clusters only never got one. A cluster
 * whose cache cannot be read keeps the entry it had (the last status known), or has none.
 */
export function desiredClusterStatus(
  observations: readonly MemberServiceObservation[],
  previous: readonly FederatedServiceClusterStatus[] | undefined,
): FederatedServiceClusterStatus[] {
  const entries: FederatedServiceClusterStatus[] = [];
  for (const observation of observations) {
    switch (observation.state) {
      case 'present': {
        const status = observation.service['status'];
        entries.push({
          clusterName: observation.cluster,
          status: isJsonObject(status) ? status : {},
        });
        break;
      }
      case 'absent':
        entries.push({ clusterName: observation.cluster, status: {} });
        break;
      case 'unknown': {
        const known = previous?.find((entry) => entry.clusterName === observation.cluster);
        if (known !== undefined) entries.push(known);
        break;
      }
    }
  }
  return entries.sort((a, b) => compareUtf8(a.clusterName, b.clusterName));
}

/** Kind and `apiVersion` of a type (the federated type, the status type). */
export interface TypeIdentity {
  apiVersion: string;
  kind: string;
}

export type ServiceStatusWrite =
  | { action: 'create'; object: FederatedServiceStatus }
  | { action: 'update'; object: FederatedServiceStatus }
  | { action: 'none' };

/**
 * Create the status object when there is none; when its `clusterStatus` differs, replace that
 * field only (the rest of the cached object, resourceVersion included, goes back as it was);
 * otherwise nothing, so a resync costs no write.
 */
export function planServiceStatusWrite(input: {
  /** The federated Service; it exists and is not being deleted. */
  federated: KubeObject;
  federatedType: TypeIdentity;
  statusType: TypeIdentity;
  existing: FederatedServiceStatus | undefined;
  clusterStatus: FederatedServiceClusterStatus[];
}): ServiceStatusWrite {
  const { federated, existing, clusterStatus } = input;
  if (existing === undefined) {
    return {
      action: 'create',
      object: {
        apiVersion: input.statusType.apiVersion,
        kind: input.statusType.kind,
        metadata: {
          name: federated.metadata?.name ?? '',
          namespace: federated.metadata?.namespace ?? '',
          // Garbage collected with the federated object; no controller flags, as KubeFed.
          ownerReferences: [
            {
              apiVersion: input.federatedType.apiVersion,
              kind: input.federatedType.kind,
              name: federated.metadata?.name ?? '',
              uid: federated.metadata?.uid ?? '',
            },
          ],
        },
        clusterStatus,
      },
    };
  }
  if (isDeepStrictEqual(existing.clusterStatus ?? [], clusterStatus)) return { action: 'none' };
  return { action: 'update', object: { ...existing, clusterStatus } };
}
