// What the RSP controller wrote onto a federated object last: the clusters it is placed in and
// each cluster's `/spec/replicas` override. Pure.
import { parseOverrides } from '../propagation/overrides.ts';
import { resourcePlacement, type PlacementCluster } from '../propagation/placement.ts';
import type { KubeObject } from '../../json/object.ts';
import { REPLICAS_PATH } from './write-back.ts';

/** The `/spec/replicas` override value of each cluster that has a numeric one. */
export function replicasOverrides(fed: KubeObject): Map<string, number> {
  const result = new Map<string, number>();
  const parsed = parseOverrides(fed);
  if (!parsed.ok) return result;
  for (const [cluster, overrides] of parsed.overrides) {
    const replicas = overrides.find((o) => o.path === REPLICAS_PATH);
    if (typeof replicas?.value === 'number') result.set(cluster, replicas.value);
  }
  return result;
}

/**
 * `scheduled`, plus every cluster of `unreachable` (registered but not ready) the object is
 * placed in, with the replicas it had (kubefed-ts; KubeFed dropped them from the placement).
 * Their replicas are planned elsewhere meanwhile; kept in the placement, the cluster's workload
 * is not deleted when the cluster returns, so it comes back running and the others hand over to
 * it (handOverReady) instead of everything starting again from zero.
 */
export function keepUnreachable(
  fed: KubeObject,
  scheduled: ReadonlyMap<string, number>,
  unreachable: readonly PlacementCluster[],
): Map<string, number> {
  const result = new Map(scheduled);
  const placement = resourcePlacement(fed, unreachable);
  if (!placement.ok) return result;
  const previous = replicasOverrides(fed);
  for (const cluster of placement.clusters) {
    if (!result.has(cluster)) result.set(cluster, previous.get(cluster) ?? 0);
  }
  return result;
}
