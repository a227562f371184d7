// A member cluster's region and zones (KubeFedCluster `status.region` / `status.zones`), which the
// multi-cluster DNS names are made of. Pure: the health controller reads the inputs and writes the
// result with the cluster's conditions.
//
// Where a value comes from, first found wins, for each of the two separately:
//  1. the KubeFedCluster's annotations `kubefed.io/region` and `kubefed.io/zones` (comma
//     separated), which `kubefedctl join --region --zones` sets: what a user states outright;
//  2. the member's nodes' labels `topology.kubernetes.io/region|zone` (or the deprecated
//     `failure-domain.beta.kubernetes.io/region|zone`), as v0.6.1 read them, when the
//     CrossClusterServiceDiscovery gate is on;
//  3. what the status already holds, so a value written by hand (or by an older controller) stays.
// Kept in annotations rather than only in the status, because the status is the health
// controller's to rewrite: v0.10 wiped hand-set values on every probe.
import type { KubeObject } from '../json/object.ts';

export const REGION_ANNOTATION = 'kubefed.io/region';
export const ZONES_ANNOTATION = 'kubefed.io/zones';

const REGION_LABELS = ['topology.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/region'];
const ZONE_LABELS = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'];

export interface ClusterTopology {
  region?: string;
  zones?: string[];
}

/** `a, b,,a` → `[a, b]`: trimmed, empty ones dropped, sorted, unique. */
export function parseZones(text: string): string[] {
  return sortedUnique(
    text
      .split(',')
      .map((z) => z.trim())
      .filter((z) => z !== ''),
  );
}

/**
 * Why `value` cannot be a region or zone, or undefined when it can: it becomes one label of the
 * DNS names, so it must be a DNS-1123 label.
 */
export function invalidTopologyValue(value: string): string | undefined {
  if (/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value)) return undefined;
  return `"${value}" is not a valid DNS label (lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit)`;
}

/** The annotations `kubefedctl join --region --zones` puts on the KubeFedCluster. */
export function topologyAnnotations(
  region: string | undefined,
  zones: readonly string[] | undefined,
): Record<string, string> {
  const annotations: Record<string, string> = {};
  if (region !== undefined && region !== '') annotations[REGION_ANNOTATION] = region;
  if (zones !== undefined && zones.length > 0) annotations[ZONES_ANNOTATION] = zones.join(',');
  return annotations;
}

/** Region and zones as the member's nodes are labelled; undefined fields when none says. */
export function topologyFromNodes(nodes: readonly KubeObject[]): ClusterTopology {
  let region: string | undefined;
  const zones: string[] = [];
  for (const node of nodes) {
    const labels = node.metadata?.labels ?? {};
    // v0.6.1: the first node's region.
    region ??= firstLabel(labels, REGION_LABELS);
    const zone = firstLabel(labels, ZONE_LABELS);
    if (zone !== undefined) zones.push(zone);
  }
  const topology: ClusterTopology = {};
  if (region !== undefined) topology.region = region;
  if (zones.length > 0) topology.zones = sortedUnique(zones);
  return topology;
}

/** The region and zones to publish (see the order above); `nodes` undefined when not read. */
export function clusterTopology(input: {
  annotations: Readonly<Record<string, string>> | undefined;
  nodes: readonly KubeObject[] | undefined;
  previous: { region?: string | undefined; zones?: readonly string[] | undefined } | undefined;
}): ClusterTopology {
  const annotated = input.annotations ?? {};
  const fromNodes = input.nodes === undefined ? {} : topologyFromNodes(input.nodes);
  const annotatedZones = parseZones(annotated[ZONES_ANNOTATION] ?? '');
  const region =
    nonEmpty(annotated[REGION_ANNOTATION]?.trim()) ??
    fromNodes.region ??
    nonEmpty(input.previous?.region);
  const zones =
    (annotatedZones.length > 0 ? annotatedZones : undefined) ??
    fromNodes.zones ??
    (input.previous?.zones && input.previous.zones.length > 0
      ? [...input.previous.zones]
      : undefined);
  const topology: ClusterTopology = {};
  if (region !== undefined) topology.region = region;
  if (zones !== undefined) topology.zones = zones;
  return topology;
}

/** Whether the annotations give both values, so the nodes need not be read. */
export function topologyAnnotated(
  annotations: Readonly<Record<string, string>> | undefined,
): boolean {
  return (
    nonEmpty(annotations?.[REGION_ANNOTATION]?.trim()) !== undefined &&
    parseZones(annotations?.[ZONES_ANNOTATION] ?? '').length > 0
  );
}

function firstLabel(
  labels: Readonly<Record<string, string>>,
  keys: readonly string[],
): string | undefined {
  for (const key of keys) {
    const value = nonEmpty(labels[key]);
    if (value !== undefined) return value;
  }
  return undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
