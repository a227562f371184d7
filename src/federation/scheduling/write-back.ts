// What the RSP controller writes onto the federated Deployment or ReplicaSet (spec §9.2 steps
// 9–10): the clusters it is placed in, and one `/spec/replicas` override per cluster. Pure: the
// controller reads the object fresh, asks for the change, and updates it only if there is one.
//
// Deliberate differences from KubeFed:
// - The object's other overrides keep their order, and new entries come in cluster-name order;
//   KubeFed rebuilt the list from a Go map, in a new random order on each write.
// - An override value counts only if it is exactly the planned number and its op sets a value:
//   KubeFed truncated floats (2.5 passed as 2) and left a `remove` op on `/spec/replicas` in
//   place after writing a value into it.
import { isDeepStrictEqual } from 'node:util';
import type { ClusterOverride, ClusterOverrides } from '../../apis/types.ts';
import { compareUtf8 } from '../../json/canonical-json.ts';
import { cloneJson, getOwn, setOwn } from '../../json/json-patch.ts';
import { isJsonObject, type JsonObject, type KubeObject } from '../../json/object.ts';
import {
  decodeOverrides,
  parseOverrides,
  type DecodedClusterOverride,
} from '../propagation/overrides.ts';
import type { ReplicaPlan } from './planner.ts';

export const REPLICAS_PATH = '/spec/replicas';

/** The fields of the federated object to set. */
export interface SchedulingChange {
  kind: 'changed';
  /** The new `spec.placement.clusters`, when the placed clusters change. */
  placementClusters?: { name: string }[];
  /** The new `spec.overrides`, when a replicas override changes. */
  overrides?: ClusterOverrides[];
}

export type SchedulingUpdate =
  | { kind: 'unchanged' }
  | SchedulingChange
  /** The object's overrides are invalid (the sync controller reports them too). */
  | { kind: 'invalid'; error: string };

/**
 * Replicas per cluster (step 9): the plan plus the overflow. The plan names every candidate
 * cluster, so every candidate is placed, some with 0 replicas (as in KubeFed).
 */
export function scheduledReplicas({ plan, overflow }: ReplicaPlan): Map<string, number> {
  const replicas = new Map(plan);
  for (const [name, extra] of overflow) replicas.set(name, (replicas.get(name) ?? 0) + extra);
  return replicas;
}

/** The placement and overrides `fed` needs so that each cluster of `replicas` runs its number. */
export function schedulingUpdate(
  fed: KubeObject,
  replicas: ReadonlyMap<string, number>,
): SchedulingUpdate {
  // Overrides invalid by the sync controller's rules are reported, as KubeFed did. Valid ones are
  // worked on decoded, which keeps what parsing drops: the order and whether `op` was given.
  const parsed = parseOverrides(fed);
  if (!parsed.ok) return { kind: 'invalid', error: parsed.error };
  const decoded = decodeOverrides(fed['spec']);
  const items = decoded.ok ? (decoded.items ?? []) : []; // decoded.ok: parsing decoded them
  const scheduled = [...replicas].sort(([a], [b]) => compareUtf8(a, b));
  const names = scheduled.map(([name]) => name);

  const placed = placedClusterNames(fed)?.sort(compareUtf8);
  const placementChanged = !isDeepStrictEqual(placed, names);
  const overridesChanged = replicasOverridesDiffer(items, replicas);
  if (!placementChanged && !overridesChanged) return { kind: 'unchanged' };
  return {
    kind: 'changed',
    ...(placementChanged ? { placementClusters: names.map((name) => ({ name })) } : {}),
    ...(overridesChanged ? { overrides: withReplicasOverrides(items, scheduled) } : {}),
  };
}

/** A copy of `fed` with the change applied; `spec.placement.clusterSelector` is left as it is. */
export function applySchedulingUpdate(fed: KubeObject, update: SchedulingChange): KubeObject {
  const copy = cloneJson(fed);
  const spec = objectField(copy, 'spec');
  if (update.placementClusters !== undefined) {
    setOwn(objectField(spec, 'placement'), 'clusters', update.placementClusters);
  }
  if (update.overrides !== undefined) setOwn(spec, 'overrides', update.overrides);
  return copy;
}

// --- internals ---------------------------------------------------------------------------------

interface DecodedItem {
  clusterName: string;
  clusterOverrides: DecodedClusterOverride[];
}

/** Names in `spec.placement.clusters`; `undefined` when it is absent (placed by selector). */
function placedClusterNames(fed: KubeObject): string[] | undefined {
  const spec = fed['spec'];
  const placement = isJsonObject(spec) ? getOwn(spec, 'placement') : undefined;
  const clusters = isJsonObject(placement) ? getOwn(placement, 'clusters') : undefined;
  if (!Array.isArray(clusters)) return undefined;
  return clusters.map((entry: unknown) => {
    const name = isJsonObject(entry) ? getOwn(entry, 'name') : undefined;
    return typeof name === 'string' ? name : '';
  });
}

/**
 * Whether some `/spec/replicas` override is wrong or missing. The overrides are valid, so each
 * cluster has at most one: counting the right ones is enough to find a missing one.
 */
function replicasOverridesDiffer(
  items: readonly DecodedItem[],
  replicas: ReadonlyMap<string, number>,
): boolean {
  let right = 0;
  for (const item of items) {
    for (const override of item.clusterOverrides) {
      if (override.path !== REPLICAS_PATH) continue;
      const wanted = replicas.get(item.clusterName);
      if (wanted === undefined || !setsValue(override.op) || override.value !== wanted) return true;
      right++;
    }
  }
  return right !== replicas.size;
}

/**
 * The overrides with one `/spec/replicas` entry per scheduled cluster: updated in place, appended
 * to the cluster's list, or in a new entry for the cluster; removed for other clusters. Every
 * other override is kept where it was.
 */
function withReplicasOverrides(
  items: readonly DecodedItem[],
  scheduled: readonly (readonly [string, number])[],
): ClusterOverrides[] {
  const replicas = new Map(scheduled);
  const result = items.map((item): ClusterOverrides => {
    const wanted = replicas.get(item.clusterName);
    const at = item.clusterOverrides.findIndex((o) => o.path === REPLICAS_PATH);
    const overrides = item.clusterOverrides.flatMap((override, i): ClusterOverride[] => {
      if (i !== at) return [encode(override)];
      return wanted === undefined ? [] : [replicasOverride(override.op, wanted)];
    });
    if (wanted !== undefined && at < 0) overrides.push(replicasOverride('', wanted));
    return { clusterName: item.clusterName, clusterOverrides: overrides };
  });
  const listed = new Set(items.map((item) => item.clusterName));
  for (const [name, value] of scheduled) {
    if (!listed.has(name)) {
      result.push({ clusterName: name, clusterOverrides: [replicasOverride('', value)] });
    }
  }
  return result;
}

/** `op` absent (replace), `replace` and `add` all set the value at the path. */
function setsValue(op: string): boolean {
  return op === '' || op === 'replace' || op === 'add';
}

/** A replicas override; an explicit op is kept if it sets a value (a `remove` would not). */
function replicasOverride(op: string, value: number): ClusterOverride {
  return op !== '' && setsValue(op)
    ? { op, path: REPLICAS_PATH, value }
    : { path: REPLICAS_PATH, value };
}

/** Back to the wire shape: Go's `omitempty` leaves out an empty op and an absent value. */
function encode(override: DecodedClusterOverride): ClusterOverride {
  return {
    ...(override.op === '' ? {} : { op: override.op }),
    path: override.path,
    ...(override.value === undefined ? {} : { value: override.value }),
  };
}

/** The object at `obj[key]`, set to `{}` first when it is not one. */
function objectField(obj: JsonObject, key: string): JsonObject {
  const value = getOwn(obj, key);
  if (isJsonObject(value)) return value;
  const created: JsonObject = {};
  setOwn(obj, key, created);
  return created;
}
