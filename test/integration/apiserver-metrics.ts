// What the sandbox's apiservers say about the requests they serve (GET /metrics): write counters
// per verb and resource, read as bench/writes.ts reads them (leases and events left out: every
// controller manager, ours and the clusters' own, renews leases and records Events), and the
// watches open now. Counted on the server, so nothing a client logs or forgets to log matters.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  EXCLUDED_RESOURCES,
  deltas,
  readAll,
  type WriteCounts,
  type WriteDelta,
} from '../../bench/writes.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { loadClusterConfig } from '../../src/kube/kubeconfig.ts';
import { namespacesResource } from '../../src/kube/resource.ts';
import type { TestSandbox } from './fixture.ts';

/** One client per cluster (its context has the same name), for reading metrics. */
export function metricsClients(sandbox: TestSandbox, contexts: readonly string[]): KubeClient[] {
  return contexts.map(
    (context) =>
      new KubeClient(loadClusterConfig({ path: sandbox.kubeconfig, context }), {
        cluster: context,
        timeoutMs: 10_000,
      }),
  );
}

export type WriteReadings = Map<string, WriteCounts>;

/** Every cluster's request counters now. */
export function readWrites(clients: readonly KubeClient[]): Promise<WriteReadings> {
  return readAll([...clients]);
}

/**
 * The writes counted since `before` (leases and events left out), as `cluster VERB resource`
 * → how many; `{}` when there was none.
 */
export async function writesSince(
  before: WriteReadings,
  clients: readonly KubeClient[],
): Promise<Record<string, number>> {
  return countedWrites(deltas(before, await readWrites(clients)));
}

/**
 * Our manager's renewals of the leader lock KubeFed names (a ConfigMap or Endpoints in the
 * KubeFed namespace, renewed by merge patch every retry period beside the Lease): noise like the
 * Lease's. Nothing else of ours patches a host ConfigMap unless the host is a member and an
 * orphaned object loses its managed label.
 */
const LOCK_RENEWALS = new Set(['host PATCH configmaps', 'host PATCH endpoints']);

export function countedWrites(perCluster: Map<string, WriteDelta>): Record<string, number> {
  const writes: Record<string, number> = {};
  for (const [cluster, delta] of perCluster) {
    for (const [key, n] of Object.entries(delta.byKey)) {
      const resource = (key.split(' ')[1] ?? '').split('/')[0] ?? '';
      const counted = !EXCLUDED_RESOURCES.has(resource) && !LOCK_RENEWALS.has(`${cluster} ${key}`);
      if (counted) writes[`${cluster} ${key}`] = n;
    }
  }
  return writes;
}

/** Namespaces being deleted, as `cluster/name`. */
async function terminatingNamespaces(clients: readonly KubeClient[]): Promise<string[]> {
  const found: string[] = [];
  for (const client of clients) {
    const list = await client.list(namespacesResource);
    for (const ns of list.items) {
      if ((ns['status'] as { phase?: string } | undefined)?.phase === 'Terminating')
        found.push(`${client.cluster}/${ns.metadata?.name ?? ''}`);
    }
  }
  return found;
}

/**
 * Waits until the clusters are quiet: no namespace is being deleted and no apiserver counted a
 * write (leases and events aside) for `quietMs`. Whatever a test measures afterwards is then its
 * own doing. Fails after `timeoutMs`, naming what kept writing.
 */
export async function waitForQuiet(
  clients: readonly KubeClient[],
  { quietMs, timeoutMs = 120_000 }: { quietMs: number; timeoutMs?: number },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quietSince = Date.now();
  let previous = await readWrites(clients);
  let lastWrites: Record<string, number> = {};
  for (;;) {
    await sleep(1000);
    const now = await readWrites(clients);
    const writes = countedWrites(deltas(previous, now));
    previous = now;
    const terminating = await terminatingNamespaces(clients);
    if (Object.keys(writes).length > 0 || terminating.length > 0) {
      quietSince = Date.now();
      if (Object.keys(writes).length > 0) lastWrites = writes;
    } else if (Date.now() - quietSince >= quietMs) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `the sandbox is not quiet after ${String(timeoutMs)} ms: namespaces terminating: ${JSON.stringify(terminating)}; last writes seen: ${JSON.stringify(lastWrites)}`,
      );
    }
  }
}

/**
 * Watches open now on the apiserver of `client`, for `resource` (of `group`, any version, scope
 * or subresource): the `apiserver_longrunning_requests{verb="WATCH"}` gauge, which the apiserver
 * raises when it starts serving a watch and lowers when the watch ends.
 */
export async function openWatches(
  client: KubeClient,
  group: string,
  resource: string,
): Promise<number> {
  const text = await client.request('GET', '/metrics');
  if (typeof text !== 'string') throw new Error(`${client.cluster}: /metrics is not text`);
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_longrunning_requests{')) continue;
    const labels = Object.fromEntries(
      [...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']),
    );
    if (labels['verb'] !== 'WATCH' || labels['group'] !== group) continue;
    if (labels['resource'] !== resource) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

export async function closeClients(clients: readonly KubeClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.close()));
}
