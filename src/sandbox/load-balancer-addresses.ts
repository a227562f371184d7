// What the sandbox's load-balancer role writes, decided from one cluster's Services and Ingresses:
// as a cloud controller does, each Service of type LoadBalancer and each Ingress gets an address
// of its own in `status.loadBalancer.ingress`. Loopback is a whole /8, so every cluster gets a
// block of it and an address tells which cluster it came from. Pure, so allocation can be tested
// without a cluster.

/** The first octets of cluster `index`'s block (host 0, member1 1, ...): 127.(100+index).0.0/16. */
export const FIRST_BLOCK_OCTET = 100;
/** 127.100 .. 127.254: octet 255 is left out like a broadcast octet. */
export const MAX_CLUSTERS = 255 - FIRST_BLOCK_OCTET;
/** Third octet 0..255, fourth 1..254 (no .0 or .255: they look like network and broadcast). */
export const ADDRESSES_PER_CLUSTER = 256 * 254;

export function addressBlock(clusterIndex: number): string {
  if (!Number.isInteger(clusterIndex) || clusterIndex < 0 || clusterIndex >= MAX_CLUSTERS) {
    throw new Error(
      `the sandbox load balancer serves clusters 0..${MAX_CLUSTERS - 1}, not ${String(clusterIndex)}`,
    );
  }
  return `127.${FIRST_BLOCK_OCTET + clusterIndex}`;
}

/** The `n`th address (from 0) of a block. */
export function addressAt(block: string, n: number): string {
  return `${block}.${Math.floor(n / 254)}.${(n % 254) + 1}`;
}

export function inBlock(block: string, ip: string): boolean {
  const rest = ip.startsWith(`${block}.`) ? ip.slice(block.length + 1).split('.') : [];
  return (
    rest.length === 2 &&
    rest.every((octet) => /^\d{1,3}$/.test(octet)) &&
    Number(rest[0]) <= 255 &&
    Number(rest[1]) >= 1 &&
    Number(rest[1]) <= 254
  );
}

/** A Service or an Ingress as the role sees it. */
export interface Balanced {
  kind: 'Service' | 'Ingress';
  /** `namespace/name`. */
  key: string;
  /** Services only: `spec.type`. */
  type?: string | undefined;
  /** The IPs of `status.loadBalancer.ingress` now. */
  ips: readonly string[];
}

export interface StatusChange {
  kind: Balanced['kind'];
  key: string;
  /** The new `status.loadBalancer.ingress`: one address. */
  ip: string;
}

const wantsAddress = (o: Balanced): boolean => o.kind === 'Ingress' || o.type === 'LoadBalancer';

/**
 * The status writes that give each object wanting an address exactly one address of `block` (the
 * apiserver itself clears the status of a Service whose type changes). An address already given is kept while its object wants it; new ones take the lowest
 * free address, in key order, so the result does not depend on the order objects were listed.
 * A status someone else wrote outside our block is replaced: in the sandbox only we give
 * addresses. Throws when the block is full.
 */
export function planAddresses(block: string, objects: readonly Balanced[]): StatusChange[] {
  const sorted = [...objects].sort(
    (a, b) => a.kind.localeCompare(b.kind) || a.key.localeCompare(b.key),
  );
  const used = new Set<string>();
  const kept = new Map<Balanced, string>();
  for (const o of sorted) {
    const ours = o.ips.find((ip) => inBlock(block, ip) && !used.has(ip));
    if (wantsAddress(o) && ours !== undefined && o.ips.length === 1) {
      used.add(ours);
      kept.set(o, ours);
    }
  }
  const changes: StatusChange[] = [];
  let next = 0;
  for (const o of sorted) {
    if (!wantsAddress(o) || kept.has(o)) continue;
    while (next < ADDRESSES_PER_CLUSTER && used.has(addressAt(block, next))) next++;
    if (next >= ADDRESSES_PER_CLUSTER) {
      throw new Error(
        `the sandbox load balancer has no address left in ${block}.0.0/16 for ${o.kind} ${o.key}`,
      );
    }
    const ip = addressAt(block, next);
    used.add(ip);
    changes.push({ kind: o.kind, key: o.key, ip });
  }
  return changes;
}
