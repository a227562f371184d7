// Where each sandbox cluster "runs": a region and its zones (`--region`, `--zones`), written on its
// simulated nodes as the well-known topology labels, as a cloud's kubelets do. Multi-cluster DNS
// names records after them (`status.region` / `status.zones` of a KubeFedCluster; KubeFed v0.6.1
// read them from these node labels). Pure, so the flags and the labels can be tested in one place.

export interface ClusterTopology {
  region: string;
  zones: string[];
}

/** `--region` and `--zones` as given: each value is `CLUSTER:REGION` or `CLUSTER:ZONE[,ZONE...]`. */
export interface TopologyFlags {
  region: readonly string[];
  zones: readonly string[];
}

export const REGION_LABEL = 'topology.kubernetes.io/region';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
/** The deprecated labels KubeFed v0.6.1's cluster controller read. */
export const LEGACY_REGION_LABEL = 'failure-domain.beta.kubernetes.io/region';
export const LEGACY_ZONE_LABEL = 'failure-domain.beta.kubernetes.io/zone';

/** A DNS label (RFC 1123): the names become parts of DNS names. */
const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Each cluster's region and zones. By default cluster i (host 0, member1 1, ...) is alone in
 * region `region<i>`, zone `region<i>-a`; `--zones` without `--region` keeps the default region,
 * and a new `--region` without `--zones` gets the zone `<region>-a`.
 */
export function planTopology(
  flags: TopologyFlags,
  clusters: readonly string[],
): Map<string, ClusterTopology> {
  const regions = perCluster('--region', flags.region, clusters, (value, spec) => {
    if (!dnsLabel.test(spec)) {
      throw new Error(
        `--region ${value}: "${spec}" is not a DNS label (lower-case letters, digits and '-')`,
      );
    }
    return spec;
  });
  const zones = perCluster('--zones', flags.zones, clusters, (value, spec) => {
    const list = spec.split(',');
    const bad = list.find((zone) => !dnsLabel.test(zone));
    if (bad !== undefined) {
      throw new Error(
        `--zones ${value}: "${bad}" is not a DNS label (lower-case letters, digits and '-')`,
      );
    }
    if (new Set(list).size !== list.length)
      throw new Error(`--zones ${value}: a zone is given twice`);
    return list;
  });
  return new Map(
    clusters.map((name, i) => {
      const region = regions.get(name) ?? `region${i}`;
      return [name, { region, zones: zones.get(name) ?? [`${region}-a`] }];
    }),
  );
}

function perCluster<T>(
  flag: string,
  values: readonly string[],
  clusters: readonly string[],
  parse: (value: string, spec: string) => T,
): Map<string, T> {
  const result = new Map<string, T>();
  for (const value of values) {
    const colon = value.indexOf(':');
    const cluster = value.slice(0, colon);
    if (colon < 0 || !clusters.includes(cluster)) {
      throw new Error(
        `${flag} ${value}: expected CLUSTER:VALUE with CLUSTER one of ${clusters.join(', ')}`,
      );
    }
    if (result.has(cluster)) throw new Error(`${flag}: ${cluster} is given twice`);
    result.set(cluster, parse(value, value.slice(colon + 1)));
  }
  return result;
}

/** The labels of node `index` (from 0): the cluster's region, and its zones in turn. */
export function topologyLabels(topology: ClusterTopology, index: number): Record<string, string> {
  const zone = topology.zones[index % topology.zones.length] ?? '';
  return {
    [REGION_LABEL]: topology.region,
    [ZONE_LABEL]: zone,
    [LEGACY_REGION_LABEL]: topology.region,
    [LEGACY_ZONE_LABEL]: zone,
  };
}

export function formatTopology(topology: ClusterTopology): string {
  return `${topology.region}/${topology.zones.join(',')}`;
}
