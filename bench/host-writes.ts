// The host's side of the raw limit: the writes the sync controller must make on the host for each
// new federated object (docs/performance.md, "Host writes per federated object"), made by a plain
// client with no member writes and no controller. Their CPU cost, against the members' raw
// writes, gives the ceiling by cost: what the controller could reach if it spent nothing beyond
// what a plain client spends on the requests it must make.
import { propagatedVersionsResource } from '../src/apis/resources.ts';
import { propagatedVersionObject } from '../src/federation/propagation/version.ts';
import type { KubeClient } from '../src/kube/client.ts';
import type { ResourceRef } from '../src/kube/resource.ts';
import { EventSink } from '../src/runtime/events.ts';
import { Logger } from '../src/runtime/logger.ts';
import { pool } from './pool.ts';
import type { KubeObject } from '../src/json/object.ts';

const propagatedVersions: ResourceRef = { ...propagatedVersionsResource, namespaced: true };

/**
 * For each of `objects` (federated objects that exist on the host, with `clusters` placed), in
 * the controller's order: a metadata merge patch carrying the resourceVersion (the controller's
 * finalizer; here an annotation, so that nothing is left to remove), the PropagatedVersion
 * create, then its status and the object's status side by side, and one Event through an
 * EventSink of its own. `concurrency` objects at a time, as the sync workers.
 */
export async function writeLikeTheController(
  client: KubeClient,
  resource: ResourceRef,
  objects: KubeObject[],
  clusters: string[],
  concurrency: number,
): Promise<void> {
  const sink = new EventSink(client, new Logger());
  const events = sink.recorder('bench-host-writes');
  const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const one = async (fed: KubeObject): Promise<void> => {
    const { name = '', namespace } = fed.metadata ?? {};
    const patched = await client.patch(
      resource,
      name,
      {
        metadata: {
          annotations: { 'bench.kubefed.io/host-writes': '1' },
          resourceVersion: fed.metadata?.resourceVersion,
        },
      },
      { type: 'merge', namespace },
    );
    const pv = await client.create(
      propagatedVersions,
      propagatedVersionObject(patched, 'configmap'),
      { namespace },
    );
    await Promise.all([
      client.updateStatus(propagatedVersions, {
        ...pv,
        status: {
          templateVersion: '0123456789abcdef0123456789abcdef',
          overridesVersion: 'fedcba9876543210fedcba9876543210',
          clusterVersions: clusters.map((clusterName, i) => ({
            clusterName,
            version: String(100000 + i),
          })),
        },
      }),
      client.updateStatus(resource, {
        ...patched,
        status: {
          observedGeneration: patched.metadata?.generation,
          conditions: [
            {
              type: 'Propagation',
              status: 'True',
              lastTransitionTime: now(),
              lastUpdateTime: now(),
            },
          ],
          clusters: clusters.map((c) => ({ name: c })),
        },
      }),
    ]);
    events.record(
      patched,
      'Normal',
      'CreateInCluster',
      `Creating ConfigMap "${namespace ?? ''}/${name}" in clusters ${clusters.map((c) => `"${c}"`).join(', ')}`,
    );
  };
  await pool(objects, concurrency, one);
  await sink.drained();
}
