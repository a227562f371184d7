// The status of the DNS records (spec §10.1, §10.2), from what the controllers read: the
// clusters (readiness, region, zones), each ready cluster's member Service (or Ingress) and its
// ready endpoints, and the record's previous status. Pure: the controllers read the caches and
// write the result.
//
// Where v0.6.1 went wrong, we do what it meant (docs/userguide.md, "Multi-cluster DNS"):
// - a cluster that is not ready keeps its previous entry with an empty load balancer, so its zone
//   and region names become CNAMEs to the level above (v0.6.1 meant to and read the wrong
//   object, so unready clusters vanished and their names with them);
// - a ready cluster without region or zones no longer stops the whole record: its entry says what
//   is known (its addresses still go to the global name) and the problem is reported;
// - a member Service that is not of type LoadBalancer has no load-balancer address to publish
//   (KubeFed issue 370: a NodePort differs per cluster and an A record carries no port): its
//   cluster's names fall back to CNAMEs and the problem is reported.
import type {
  ClusterDNS,
  ClusterIngressDNS,
  IngressDNSRecordStatus,
  ServiceDNSRecordStatus,
} from '../../apis/types.ts';
import { isJsonObject, type KubeObject } from '../../json/object.ts';
import { compareStrings, recordLoadBalancer } from './load-balancer.ts';

/** What the DNS records need to know of a KubeFedCluster. */
export interface ClusterView {
  name: string;
  ready: boolean;
  /** `status.region`; empty or absent when unknown. */
  region?: string | undefined;
  /** `status.zones`. */
  zones?: readonly string[] | undefined;
}

/** What a ready cluster's member cache says about one object. */
export type MemberObservation =
  /** The cache could not be read (its informer failed): the previous entry is kept as it was. */
  { known: false } | { known: true; object: KubeObject | undefined };

/** A cluster whose entry is less than it could be, and why; reported as an Event on the record. */
export interface ClusterProblem {
  cluster: string;
  reason: 'ClusterTopologyUnknown' | 'ServiceNotLoadBalancer';
  message: string;
}

export interface ServiceRecordInput {
  /** The Domain's `domain`. */
  domain: string;
  allowServiceWithoutEndpoints: boolean;
  clusters: readonly ClusterView[];
  /** For each ready cluster: its member Service. */
  services: ReadonlyMap<string, MemberObservation>;
  /** For each ready cluster: how many ready endpoints its member Service has. */
  readyEndpoints: ReadonlyMap<string, number>;
  previous: ServiceDNSRecordStatus | undefined;
}

export function serviceRecordStatus(input: ServiceRecordInput): {
  status: ServiceDNSRecordStatus;
  problems: ClusterProblem[];
} {
  const previous = new Map((input.previous?.dns ?? []).map((e) => [e.cluster ?? '', e]));
  const dns: ClusterDNS[] = [];
  const problems: ClusterProblem[] = [];
  for (const cluster of sortedClusters(input.clusters)) {
    const before = previous.get(cluster.name);
    if (!cluster.ready) {
      if (before !== undefined) dns.push(withoutLoadBalancer(before));
      continue;
    }
    const observed = input.services.get(cluster.name) ?? { known: false };
    if (!observed.known) {
      if (before !== undefined) dns.push(before);
      continue;
    }
    const region = cluster.region ?? '';
    const zones = [...(cluster.zones ?? [])].filter((z) => z !== '');
    if (region === '' || zones.length === 0) problems.push(topologyProblem(cluster.name));
    const service = observed.object;
    const routable =
      input.allowServiceWithoutEndpoints || (input.readyEndpoints.get(cluster.name) ?? 0) > 0;
    const loadBalancer =
      service !== undefined && routable ? recordLoadBalancer(statusLoadBalancer(service)) : {};
    const type = serviceType(service);
    if (service !== undefined && type !== 'LoadBalancer') {
      problems.push({
        cluster: cluster.name,
        reason: 'ServiceNotLoadBalancer',
        message: `Service ${service.metadata?.namespace ?? ''}/${service.metadata?.name ?? ''} in cluster "${cluster.name}" has type ${type}: only a LoadBalancer Service has addresses to publish, so this cluster's names are CNAMEs to the other clusters' names. Give the FederatedService spec.template.spec.type LoadBalancer (or an override for this cluster).`,
      });
    }
    dns.push(clusterEntry(cluster.name, loadBalancer, zones, region));
  }
  // Go's omitempty: no `dns` when there is no entry.
  return {
    status: dns.length > 0 ? { domain: input.domain, dns } : { domain: input.domain },
    problems,
  };
}

export interface IngressRecordInput {
  clusters: readonly ClusterView[];
  /** For each ready cluster: its member Ingress. */
  ingresses: ReadonlyMap<string, MemberObservation>;
  previous: { dns?: ClusterIngressDNS[] } | undefined;
}

/**
 * Every ready cluster with its Ingress's load balancer (`{}` when it has none). Unready clusters
 * are left out, as in v0.6.1: an ingress host name has one level, so there is no CNAME to fall
 * back to and an entry without addresses would add nothing.
 */
export function ingressRecordStatus(input: IngressRecordInput): IngressDNSRecordStatus {
  const previous = new Map((input.previous?.dns ?? []).map((e) => [e.cluster ?? '', e]));
  const dns: ClusterIngressDNS[] = [];
  for (const cluster of sortedClusters(input.clusters)) {
    if (!cluster.ready) continue;
    const observed = input.ingresses.get(cluster.name) ?? { known: false };
    if (!observed.known) {
      const before = previous.get(cluster.name);
      if (before !== undefined) dns.push(before);
      continue;
    }
    const loadBalancer =
      observed.object === undefined ? {} : recordLoadBalancer(statusLoadBalancer(observed.object));
    dns.push({ cluster: cluster.name, loadBalancer });
  }
  return dns.length > 0 ? { dns } : {};
}

/**
 * Ready endpoints of a Service across its EndpointSlices (`discovery.k8s.io/v1`): addresses of
 * endpoints whose `conditions.ready` is not false (absent means ready, as the API defines it).
 */
export function readyEndpointCount(slices: readonly KubeObject[]): number {
  let count = 0;
  for (const slice of slices) {
    const endpoints = (slice as { endpoints?: unknown }).endpoints;
    if (!Array.isArray(endpoints)) continue;
    for (const endpoint of endpoints as unknown[]) {
      if (!isJsonObject(endpoint)) continue;
      const conditions = endpoint['conditions'];
      if (isJsonObject(conditions) && conditions['ready'] === false) continue;
      const addresses = endpoint['addresses'];
      if (Array.isArray(addresses)) count += addresses.length;
    }
  }
  return count;
}

function topologyProblem(cluster: string): ClusterProblem {
  return {
    cluster,
    reason: 'ClusterTopologyUnknown',
    message: `Cluster "${cluster}" has no region or no zones in its KubeFedCluster status: its addresses are published under the global name only. Set them with \`kubefedctl join ${cluster} --region REGION --zones ZONE1,ZONE2 --error-on-existing=false\`, or label the cluster's nodes with topology.kubernetes.io/region and topology.kubernetes.io/zone.`,
  };
}

/** Go field order and omitempty: cluster, loadBalancer (always), zones, region. */
function clusterEntry(
  cluster: string,
  loadBalancer: ClusterDNS['loadBalancer'],
  zones: readonly string[],
  region: string,
): ClusterDNS {
  const entry: ClusterDNS = { cluster, loadBalancer };
  if (zones.length > 0) entry.zones = [...zones];
  if (region !== '') entry.region = region;
  return entry;
}

function withoutLoadBalancer(entry: ClusterDNS): ClusterDNS {
  return clusterEntry(entry.cluster ?? '', {}, entry.zones ?? [], entry.region ?? '');
}

function sortedClusters(clusters: readonly ClusterView[]): ClusterView[] {
  return [...clusters].sort((a, b) => compareStrings(a.name, b.name));
}

function statusLoadBalancer(object: KubeObject): unknown {
  const status = (object as { status?: unknown }).status;
  return isJsonObject(status) ? status['loadBalancer'] : undefined;
}

function serviceType(service: KubeObject | undefined): string {
  const spec = (service as { spec?: unknown } | undefined)?.spec;
  const type = isJsonObject(spec) ? spec['type'] : undefined;
  return typeof type === 'string' && type !== '' ? type : 'ClusterIP';
}
