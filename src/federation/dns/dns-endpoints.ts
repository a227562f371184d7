// From a record's status to the endpoints of its DNSEndpoint (spec §10.3), the objects
// external-dns reads with `--source=crd`. Pure: a load balancer's host name target must be
// resolved to addresses, which is I/O, so the caller resolves `hostnameTargets(...)` first and
// passes the answers in.
//
// Service records: every cluster entry gives three levels of names,
//   zone   <prefix>.<zone>.<region>.<domain>   A (its addresses) or CNAME to its region name
//   region <prefix>.<region>.<domain>          A or CNAME to the global name
//   global <prefix>.<domain>                   A, or nothing
// with <prefix> = <name or externalName>.<namespace>.<domainRef>.svc; then equal names merge:
// the A records' targets join, and an A record wins over a CNAME. So a name has the addresses of
// every cluster at that level that has one, and falls back one level up when none has.
// A cluster without region (or zones) gives only the levels it can name.
import { isIP } from 'node:net';
import type {
  DNSEndpointRecord,
  IngressDNSRecord,
  LoadBalancerStatus,
  ServiceDNSRecord,
} from '../../apis/types.ts';
import { compareStrings, loadBalancerTargets } from './load-balancer.ts';

export const DEFAULT_DNS_TTL = 180;
export const RecordType = { A: 'A', CNAME: 'CNAME' } as const;

/** Addresses of each host name target, as a DNS lookup answered. */
export type ResolvedHostnames = ReadonlyMap<string, readonly string[]>;

/** The DNSEndpoint of a record: `<kind>-<record name>` in the record's namespace. */
export function dnsEndpointName(kind: 'service' | 'ingress', recordName: string): string {
  return `${kind}-${recordName}`;
}

/** The host names among a record's load-balancer targets: the caller resolves these. */
export function hostnameTargets(loadBalancers: readonly LoadBalancerStatus[]): string[] {
  const names = new Set<string>();
  for (const lb of loadBalancers) {
    for (const target of loadBalancerTargets(lb)) if (isIP(target) === 0) names.add(target);
  }
  return [...names].sort(compareStrings);
}

/** The load balancers a record's status names (the input of `hostnameTargets`). */
export function recordLoadBalancers(
  record: Pick<ServiceDNSRecord | IngressDNSRecord, 'status'>,
): LoadBalancerStatus[] {
  return (record.status?.dns ?? []).map((entry) => entry.loadBalancer);
}

export function serviceDNSEndpoints(
  record: ServiceDNSRecord,
  resolved: ResolvedHostnames,
): DNSEndpointRecord[] {
  const domain = record.status?.domain ?? '';
  // No Domain read yet: there is no name to publish.
  if (domain === '') return [];
  const namespace = record.metadata?.namespace ?? '';
  const name = record.metadata?.name ?? '';
  const externalName = record.spec.externalName ?? '';
  const prefix = [externalName || name, namespace, record.spec.domainRef, 'svc'].join('.');
  const labels = externalName === '' ? undefined : { serviceName: name };
  const ttl = ttlOf(record.spec.recordTTL);
  const global = `${prefix}.${domain}`;
  const endpoints: DNSEndpointRecord[] = [];
  const level = (dnsName: string, targets: string[], upLevel: string): void => {
    const endpoint =
      targets.length > 0
        ? { dnsName, targets: resolveTargets(targets, resolved), recordType: RecordType.A }
        : { dnsName, targets: [upLevel], recordType: RecordType.CNAME };
    endpoints.push({ ...endpoint, recordTTL: ttl, ...(labels ? { labels: { ...labels } } : {}) });
  };
  for (const entry of record.status?.dns ?? []) {
    const targets = loadBalancerTargets(entry.loadBalancer);
    const region = entry.region ?? '';
    if (region !== '') {
      const regionName = `${prefix}.${region}.${domain}`;
      for (const zone of entry.zones ?? []) {
        if (zone !== '') level(`${prefix}.${zone}.${region}.${domain}`, targets, regionName);
      }
      level(regionName, targets, global);
    }
    // Nowhere to go up from the global level: the empty CNAME is dropped below.
    level(global, targets, '');
  }
  const dnsPrefix = record.spec.dnsPrefix ?? '';
  if (dnsPrefix !== '') {
    endpoints.push({
      dnsName: `${dnsPrefix}.${domain}`,
      targets: [global],
      recordType: RecordType.CNAME,
      recordTTL: ttl,
    });
  }
  return dedupeAndMergeEndpoints(endpoints);
}

/** One A record per host, with the addresses of every cluster's Ingress; none when none has one. */
export function ingressDNSEndpoints(
  record: IngressDNSRecord,
  resolved: ResolvedHostnames,
): DNSEndpointRecord[] {
  const ttl = ttlOf(record.spec.recordTTL);
  const targets = (record.status?.dns ?? []).flatMap((e) => loadBalancerTargets(e.loadBalancer));
  if (targets.length === 0) return [];
  const addresses = resolveTargets(targets, resolved);
  return dedupeAndMergeEndpoints(
    (record.spec.hosts ?? []).map((host) => ({
      dnsName: host,
      targets: [...addresses],
      recordType: RecordType.A,
      recordTTL: ttl,
    })),
  );
}

/**
 * KubeFed's `DedupeAndMergeEndpoints`: sort by name; drop empty targets, then endpoints left
 * without targets; merge endpoints of one name: an A record wins over a CNAME, two of one type
 * join their targets (sorted, unique). The first endpoint of a name keeps its TTL and labels.
 */
export function dedupeAndMergeEndpoints(
  endpoints: readonly DNSEndpointRecord[],
): DNSEndpointRecord[] {
  const sorted = endpoints
    .map((e) => ({ ...e, targets: (e.targets ?? []).filter((t) => t !== '') }))
    .filter((e) => e.targets.length > 0)
    .sort((a, b) => compareStrings(a.dnsName ?? '', b.dnsName ?? ''));
  const merged: DNSEndpointRecord[] = [];
  for (const endpoint of sorted) {
    const last = merged.at(-1);
    if (last === undefined || last.dnsName !== endpoint.dnsName) {
      merged.push(endpoint);
    } else if (last.recordType === endpoint.recordType) {
      last.targets = sortedUnique([...(last.targets ?? []), ...endpoint.targets]);
    } else if (endpoint.recordType === RecordType.A) {
      merged[merged.length - 1] = endpoint;
    }
  }
  return merged;
}

/** What a DNSEndpoint controller does for one record. */
export type DNSEndpointWrite =
  | { action: 'none' }
  | { action: 'create'; endpoints: DNSEndpointRecord[] }
  | { action: 'update'; endpoints: DNSEndpointRecord[] }
  | { action: 'delete' };

/**
 * Create the DNSEndpoint when missing, update it when its endpoints differ, delete it when the
 * record is gone (spec §10.3). `existing` is the DNSEndpoint's `spec.endpoints` as stored.
 */
export function planDNSEndpointWrite(
  desired: DNSEndpointRecord[] | undefined,
  existing: { endpoints: readonly DNSEndpointRecord[] | undefined } | undefined,
): DNSEndpointWrite {
  if (desired === undefined)
    return existing === undefined ? { action: 'none' } : { action: 'delete' };
  if (existing === undefined) return { action: 'create', endpoints: desired };
  return sameEndpoints(desired, existing.endpoints ?? [])
    ? { action: 'none' }
    : { action: 'update', endpoints: desired };
}

function sameEndpoints(a: readonly DNSEndpointRecord[], b: readonly DNSEndpointRecord[]): boolean {
  const canonical = (list: readonly DNSEndpointRecord[]): string =>
    JSON.stringify(
      list.map((e) => ({
        dnsName: e.dnsName ?? '',
        targets: e.targets ?? [],
        recordType: e.recordType ?? '',
        recordTTL: e.recordTTL ?? 0,
        labels: Object.entries(e.labels ?? {}).sort(([x], [y]) => compareStrings(x, y)),
      })),
    );
  return canonical(a) === canonical(b);
}

function ttlOf(recordTTL: number | undefined): number {
  return recordTTL === undefined || recordTTL === 0 ? DEFAULT_DNS_TTL : recordTTL;
}

/** IPs as they are, host names replaced by their addresses: sorted, unique. */
function resolveTargets(targets: readonly string[], resolved: ResolvedHostnames): string[] {
  const addresses: string[] = [];
  for (const target of targets) {
    if (isIP(target) !== 0) {
      addresses.push(target);
      continue;
    }
    const answer = resolved.get(target);
    if (answer === undefined) throw new Error(`host name ${target} was not resolved`);
    addresses.push(...answer);
  }
  return sortedUnique(addresses);
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compareStrings);
}
