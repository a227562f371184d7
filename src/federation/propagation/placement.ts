// Which member clusters a federated object targets (spec §7.4): `placement.clusters` when present
// (even empty), else `placement.clusterSelector` over KubeFedCluster labels, always limited to
// clusters that exist. Namespaced objects are further limited by their FederatedNamespace.
import type { KubeFedCluster, Placement } from '../../apis/types.ts';
import { isClusterReady } from '../cluster-health.ts';
import { getOwn } from '../../json/json-patch.ts';
import { parseLabelSelector, selectorMatches } from './label-selector.ts';
import { isJsonObject, type KubeObject } from '../../json/object.ts';

/** What placement and dispatch need to know about a KubeFedCluster. */
export interface PlacementCluster {
  name: string;
  labels?: Readonly<Record<string, string>>;
  /** Placement ignores readiness: unready clusters stay selected (and report ClusterNotReady). */
  ready?: boolean;
}

export interface PlacementOptions {
  /** The target type is namespaced (a FederatedNamespace then limits placement). */
  targetNamespaced: boolean;
  /** The control plane watches only its own namespace (KubeFedConfig `scope: Namespaced`). */
  limitedScope: boolean;
  /** Ignore `placement.clusters` and use the selector only (the scheduler's view). */
  selectorOnly?: boolean;
}

export type PlacementResult =
  | {
      ok: true;
      /** Selected existing clusters, sorted. */
      clusters: string[];
      /**
       * A namespaced object without a FederatedNamespace in a cluster-scoped control plane: it is
       * placed nowhere and its status reason becomes `NamespaceNotFederated`.
       */
      namespaceNotFederated: boolean;
      /**
       * Names in the object's own `placement.clusters` that no KubeFedCluster has, sorted: the
       * other clusters still get the object, these are reported (a typo, or not joined yet).
       */
      unknownClusters: string[];
    }
  | { ok: false; error: string };

/** The placement view of a KubeFedCluster object. */
export function placementCluster(cluster: KubeFedCluster): PlacementCluster {
  const labels = cluster.metadata?.labels;
  return {
    name: cluster.metadata?.name ?? '',
    ...(labels === undefined ? {} : { labels }),
    ready: isClusterReady(cluster.status?.conditions),
  };
}

/**
 * The clusters a federated object is placed in. For namespaced targets the result is intersected
 * with the FederatedNamespace's own placement (`fedNamespace`, absent when there is none). A bad
 * selector on either object is an error (status reason `ComputePlacementFailed`).
 */
export function computePlacement(
  fed: KubeObject,
  clusters: readonly PlacementCluster[],
  fedNamespace: KubeObject | undefined,
  options: PlacementOptions,
): PlacementResult {
  const selectorOnly = options.selectorOnly ?? false;
  const own = resourcePlacement(fed, clusters, selectorOnly);
  if (!own.ok || !options.targetNamespaced) return own;
  if (fedNamespace === undefined) {
    // With a namespace-limited control plane the namespace exists in every member by definition,
    // so the object's own placement stands; cluster-wide, the object must not exist anywhere.
    return options.limitedScope
      ? own
      : {
          ok: true,
          clusters: [],
          namespaceNotFederated: true,
          unknownClusters: own.unknownClusters,
        };
  }
  const ofNamespace = resourcePlacement(fedNamespace, clusters, selectorOnly);
  if (!ofNamespace.ok) return { ok: false, error: `federated namespace: ${ofNamespace.error}` };
  const allowed = new Set(ofNamespace.clusters);
  return {
    ok: true,
    clusters: own.clusters.filter((name) => allowed.has(name)),
    namespaceNotFederated: false,
    unknownClusters: own.unknownClusters,
  };
}

/** Placement of one object on its own, without any FederatedNamespace. */
export function resourcePlacement(
  fed: KubeObject,
  clusters: readonly PlacementCluster[],
  selectorOnly = false,
): PlacementResult {
  const placement = placementOf(fed);
  if (typeof placement === 'string') return { ok: false, error: placement };
  const existing = new Set(clusters.map((c) => c.name));
  const explicit: unknown = placement.clusters;
  let selected: Set<string>;
  if (explicit !== undefined && explicit !== null && !selectorOnly) {
    if (!Array.isArray(explicit))
      return { ok: false, error: 'spec.placement.clusters must be a list' };
    selected = new Set(
      explicit.map((entry: unknown) => {
        const name = isJsonObject(entry) ? getOwn(entry, 'name') : undefined;
        return typeof name === 'string' ? name : '';
      }),
    );
  } else {
    const parsed = parseLabelSelector(placement.clusterSelector);
    if (!parsed.ok) {
      return { ok: false, error: `invalid clusterSelector: ${parsed.errors.join('; ')}` };
    }
    selected = new Set(
      clusters.filter((c) => selectorMatches(parsed.selector, c.labels)).map((c) => c.name),
    );
  }
  return {
    ok: true,
    clusters: [...selected].filter((name) => existing.has(name)).sort(),
    namespaceNotFederated: false,
    // A selector only matches existing clusters: only an explicit list can name unknown ones.
    unknownClusters: [...selected].filter((name) => !existing.has(name)).sort(),
  };
}

function placementOf(fed: KubeObject): Placement | string {
  const spec = fed['spec'];
  if (spec === undefined || spec === null) return {};
  if (!isJsonObject(spec)) return 'spec must be an object';
  const placement = getOwn(spec, 'placement');
  if (placement === undefined || placement === null) return {};
  if (!isJsonObject(placement)) return 'spec.placement must be an object';
  return placement;
}
