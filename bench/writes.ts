// Write counting from the apiservers' side: each apiserver's own `apiserver_request_total`
// counter (GET /metrics), summed over mutating verbs and resources. Leader-election leases and
// events are counted apart (noise from every controller manager, ours and the clusters' own).
import type { KubeClient } from '../src/kube/client.ts';
import { samples } from './prometheus-text.ts';

export const WRITE_VERBS = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'APPLY']);
export const EXCLUDED_RESOURCES = new Set(['leases', 'events']);

/** One cluster's counters: requests per `verb resource[/subresource]`, reads included. */
export type WriteCounts = Map<string, number>;

export async function readWriteCounts(client: KubeClient): Promise<WriteCounts> {
  const text = await client.request('GET', '/metrics');
  if (typeof text !== 'string') throw new Error(`${client.cluster}: /metrics is not text`);
  const counts: WriteCounts = new Map();
  for (const { labels, value } of samples(text, 'apiserver_request_total')) {
    const verb = labels['verb'] ?? '';
    const resource = labels['resource'] ?? '';
    const sub = labels['subresource'] ?? '';
    const key = `${verb} ${resource}${sub ? `/${sub}` : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + value);
  }
  return counts;
}

export async function readAll(clients: KubeClient[]): Promise<Map<string, WriteCounts>> {
  const entries = await Promise.all(
    clients.map(async (c) => [c.cluster, await readWriteCounts(c)] as const),
  );
  return new Map(entries);
}

export interface WriteDelta {
  /** Writes counted (leases and events excluded). */
  counted: number;
  /** Writes to leases and events, left out of `counted`. */
  excluded: number;
  /** `verb resource: +n` for every write counter that moved. */
  byKey: Record<string, number>;
  /** The same for reads (GET, LIST, WATCH), for diagnosis; never counted. */
  reads: Record<string, number>;
}

export function delta(before: WriteCounts | undefined, after: WriteCounts | undefined): WriteDelta {
  const result: WriteDelta = { counted: 0, excluded: 0, byKey: {}, reads: {} };
  for (const [key, value] of after ?? new Map<string, number>()) {
    const diff = value - (before?.get(key) ?? 0);
    if (diff === 0) continue;
    if (!WRITE_VERBS.has(key.split(' ')[0] ?? '')) {
      result.reads[key] = diff;
      continue;
    }
    result.byKey[key] = diff;
    const resource = (key.split(' ')[1] ?? '').split('/')[0] ?? '';
    if (EXCLUDED_RESOURCES.has(resource)) result.excluded += diff;
    else result.counted += diff;
  }
  return result;
}

/** Deltas per cluster between two readings of `readAll`. */
export function deltas(
  before: Map<string, WriteCounts>,
  after: Map<string, WriteCounts>,
): Map<string, WriteDelta> {
  return new Map([...after.keys()].map((c) => [c, delta(before.get(c), after.get(c))]));
}

/** Sum of the counted writes of the clusters that pass `filter`. */
export function sumCounted(
  d: Map<string, WriteDelta>,
  filter: (cluster: string) => boolean,
): number {
  let total = 0;
  for (const [cluster, w] of d) if (filter(cluster)) total += w.counted;
  return total;
}
