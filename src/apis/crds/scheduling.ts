// CRD of scheduling.kubefed.io, as in the KubeFed v0.10 chart.
import { replicaSchedulingPreferencesResource } from '../resources.ts';
import * as schema from './openapi.ts';
import type { CustomResourceDefinition } from './openapi.ts';

export function replicaSchedulingPreferenceCRD(): CustomResourceDefinition {
  return schema.customResourceDefinition(replicaSchedulingPreferencesResource, {
    statusSubresource: false,
    schema: schema.object(
      {
        spec: schema.object(
          {
            // A plain string: KubeFed retries an unknown kind forever rather than rejecting it.
            targetKind: schema.string(
              'FederatedDeployment or FederatedReplicaSet of the same name.',
            ),
            totalReplicas: schema.int32('Replicas to distribute across the selected clusters.'),
            rebalance: schema.boolean('Allow moving running replicas between clusters.'),
            intersectWithClusterSelector: schema.boolean(
              "Intersect the result with the target's spec.placement.clusterSelector.",
            ),
            clusters: schema.mapOf(
              schema.object({
                minReplicas: schema.int64(),
                maxReplicas: schema.int64(),
                weight: schema.int64(),
              }),
              'Preferences per cluster name; "*" applies to clusters without an entry.',
            ),
          },
          { required: ['targetKind', 'totalReplicas'] },
        ),
        status: { type: 'object', description: 'Always empty.' },
      },
      {
        description:
          'How to spread the replicas of the same-named FederatedDeployment or FederatedReplicaSet.',
      },
    ),
  });
}
