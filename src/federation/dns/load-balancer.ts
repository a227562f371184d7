// Load-balancer addresses as the DNS records keep them (spec §2.9, §10): only `ip` and `hostname`
// of each ingress point (the record CRDs' schema prunes every other field, so keeping one would
// make every comparison with the stored status differ), sorted by (ip, hostname) so that two
// reads of the same member status compare equal. An empty status is `{}`, never `{ingress: []}`:
// Go's `omitempty` writes it so, and a Go KubeFed's e2e compares the JSON.
import type { LoadBalancerStatus } from '../../apis/types.ts';
import { isJsonObject } from '../../json/object.ts';

export type LoadBalancerIngress = { ip?: string; hostname?: string };

/** Byte order of ASCII strings, as Go's `<` (not locale order). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The `{ingress}` a record keeps from a member object's `status.loadBalancer` (a Service's or an
 * Ingress's: both have ingress points with `ip` and `hostname`). Anything malformed is skipped.
 */
export function recordLoadBalancer(status: unknown): LoadBalancerStatus {
  const raw = isJsonObject(status) && Array.isArray(status['ingress']) ? status['ingress'] : [];
  const ingress: LoadBalancerIngress[] = [];
  for (const point of raw as unknown[]) {
    if (!isJsonObject(point)) continue;
    const entry: LoadBalancerIngress = {};
    if (typeof point['ip'] === 'string' && point['ip'] !== '') entry.ip = point['ip'];
    if (typeof point['hostname'] === 'string' && point['hostname'] !== '')
      entry.hostname = point['hostname'];
    if (entry.ip !== undefined || entry.hostname !== undefined) ingress.push(entry);
  }
  ingress.sort(
    (a, b) =>
      compareStrings(a.ip ?? '', b.ip ?? '') || compareStrings(a.hostname ?? '', b.hostname ?? ''),
  );
  return ingress.length === 0 ? {} : { ingress };
}

/** DNS targets of a load balancer: per ingress point its IP, then its hostname (spec §10.3). */
export function loadBalancerTargets(status: LoadBalancerStatus): string[] {
  const targets: string[] = [];
  for (const point of status.ingress ?? []) {
    if (point.ip) targets.push(point.ip);
    if (point.hostname) targets.push(point.hostname);
  }
  return targets;
}
