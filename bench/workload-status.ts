// The workload status phase of the benchmark (docs/performance.md, "Workload status"): K
// FederatedDeployments rolled out on every member, timed from the last member Deployment becoming
// ready to the federated status showing it; the status writes that cost; then the manager's CPU and
// RSS while the members churn pods, against an idle window of the same length, and the
// propagation latency of new FederatedConfigMaps with and without that churn.
import { setTimeout as sleep } from 'node:timers/promises';
import { propagatedVersionsResource } from '../src/apis/resources.ts';
import { kubeTime } from '../src/apis/time.ts';
import type { FederatedObjectStatus } from '../src/apis/types.ts';
import type { KubeClient } from '../src/kube/client.ts';
import { isNotFound } from '../src/kube/errors.ts';
import type { ResourceRef } from '../src/kube/resource.ts';
import type { KubeObject } from '../src/json/object.ts';
import type { ManagerProcess } from './manager-process.ts';
import { pool } from './pool.ts';
import { cpuByRole, cpuDelta, workCpu, type CpuByRole } from './process-cpu.ts';
import { sampleSum } from './prometheus-text.ts';
import { readyLatencies, round, spread, statusWriteBound, type Spread } from './stats.ts';
import { waitUntil } from './wait.ts';
import {
  deploymentsResource,
  federatedDeploymentsResource,
  WorkloadTracker,
} from './workload-tracker.ts';
import { deltas, readAll, sumCounted, type WriteCounts } from './writes.ts';

const podsResource: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespaced: true };
const REPLICAS = 2;
/** One churn step every period: a scale of the unmanaged Deployment, or a round of pod deletions. */
const CHURN_PERIOD_MS = 5_000;
/**
 * Pods started per member and period, either way: 1 a second per member, whatever K. With twice
 * as many and the probe's 20 new objects a second, the host's apiserver (on the sandbox's one
 * etcd) once stalled for over 2 s on the shared 2-core machine, and the manager lost its lease.
 */
const CHURN_PODS = 5;
/** Labels of the manager's metrics: the sync controllers of deployments and of configmaps. */
const DEPLOYMENT_CONTROLLER = { controller: 'federateddeployment' };
const DEPLOYMENT_QUEUE = { name: 'federateddeployment' };
const CONFIGMAP_QUEUE = { name: 'federatedconfigmap' };
/** Marks the pods of the benchmark's workloads, managed (of a FederatedDeployment) or not. */
const WORKLOAD_LABEL = 'bench.kubefed.io/workload';
const UNMANAGED = 'churn';
const STATUS_WRITE_ROUNDS = 10;
const propagatedVersions: ResourceRef = { ...propagatedVersionsResource, namespaced: true };

export interface WorkloadPhase {
  /** The user's client: creates the FederatedDeployments. */
  host: KubeClient;
  /** Unthrottled clients for watching and for the apiservers' metrics: host first, then members. */
  readers: KubeClient[];
  /** The members' clients, in the order of `readers`' members, for the churn. */
  members: KubeClient[];
  /** The manager running now. */
  manager: () => ManagerProcess;
  namespace: string;
  /** K: FederatedDeployments rolled out. */
  objects: number;
  /** Length of each CPU window (idle, unmanaged churn, managed churn). */
  churnSeconds: number;
  /** The manager's `--status-collection-window`. */
  windowMs: number;
  sandboxDir: string;
  /** What each process of the sandbox burns at rest, CPU-s per second (phase 0). */
  idleCpuPerSecond: CpuByRole;
  /** Creates FederatedConfigMaps named `prefix-i` at the steady rate for `seconds`: their latencies. */
  configMapLatencies: (prefix: string, seconds: number) => Promise<number[]>;
  print: (line: string) => void;
}

export async function workloadStatusPhase(p: WorkloadPhase): Promise<Record<string, unknown>> {
  const figures: Record<string, unknown> = {
    workload_objects: p.objects,
    workload_replicas_per_cluster: REPLICAS,
    status_collection_window_s: p.windowMs / 1000,
  };
  p.print(
    `7. workload status: ${String(p.objects)} FederatedDeployments of ${String(REPLICAS)} replicas on ${String(p.members.length)} members`,
  );
  const [hostReader] = p.readers;
  if (hostReader === undefined) throw new Error('no host reader');
  const tracker = new WorkloadTracker({
    host: hostReader,
    members: p.readers.slice(1),
    namespace: p.namespace,
    replicasPerCluster: REPLICAS,
  });
  await tracker.start();
  try {
    // The host's garbage collector deletes the PropagatedVersions of the objects deleted before:
    // not writes of this phase.
    await waitUntil(
      "the deleted objects' PropagatedVersions to go",
      async () =>
        (await p.host.list(propagatedVersions, { namespace: p.namespace })).items.every(
          (pv) => !(pv.metadata?.name ?? '').startsWith('configmap-'),
        ),
      5 * 60_000,
    );
    Object.assign(figures, await rollout(p, tracker));
    Object.assign(figures, await statusWriteCost(p, tracker));
    Object.assign(figures, await churnWindows(p, tracker));
  } finally {
    await tracker.stop();
  }
  return figures;
}

// ---- rollout --------------------------------------------------------------------------------

async function rollout(
  p: WorkloadPhase,
  tracker: WorkloadTracker,
): Promise<Record<string, unknown>> {
  const M = p.members.length;
  const names = workloadNames(p.objects);
  const before = await reading(p);
  await pool(names, 16, async (name) => {
    tracker.expect(name);
    await p.host.create(federatedDeploymentsResource, fedDeployment(p, name), {
      namespace: p.namespace,
    });
  });
  await waitUntil(
    'every federated status to show its rollout ready',
    () => tracker.pending === 0,
    10 * 60_000,
  );
  // Whatever the members still change after the rollout falls in the count too.
  await sleep(2 * p.windowMs + 2000);
  const after = await reading(p);
  const counted = between(before, after);
  const rollouts = [...tracker.rollouts];
  const latencies = readyLatencies(rollouts, M);
  const latency = spread(latencies);
  const createdAt = Math.min(...rollouts.map(([, r]) => r.createdAt));
  const fedReadyAt = rollouts.map(([, r]) => r.fedReadyAt ?? NaN);
  const bound = statusWriteBound(
    rollouts.map(([, r]) => (r.fedReadyAt ?? NaN) - r.createdAt),
    p.windowMs,
  );
  const K = p.objects;
  const figures = {
    workload_rollout_s: round((Math.max(...fedReadyAt) - createdAt) / 1000, 1),
    workload_ready_p50_ms: latency.p50,
    workload_ready_p99_ms: latency.p99,
    workload_ready_max_ms: latency.max,
    workload_collection_mean_ms: counted.collectionMeanMs,
    workload_queue_mean_ms: meanMs(
      before,
      after,
      'workqueue_queue_duration_seconds',
      DEPLOYMENT_QUEUE,
    ),
    workload_pass_mean_ms: meanMs(
      before,
      after,
      'workqueue_work_duration_seconds',
      DEPLOYMENT_QUEUE,
    ),
    workload_status_writes_per_object: round(counted.statusWrites / K, 2),
    workload_status_write_bound_per_object: round(bound / K, 2),
    workload_status_puts_per_object: round(counted.statusPuts / K, 2),
    // The user's own creates are not the controller's.
    workload_host_writes_per_object: round((counted.hostWrites - K) / K, 2),
    workload_ready_latencies_ms: latencies.map((l) => Math.round(l)),
    workload_rollout_host_writes: counted.hostWritesByKey,
  };
  p.print(
    `   all ready ${String(figures.workload_rollout_s)} s after the first create; last member ready -> federated status: p50 ${String(latency.p50)} ms, p99 ${String(latency.p99)} ms, max ${String(latency.max)} ms`,
  );
  p.print(
    `   status writes per object ${String(figures.workload_status_writes_per_object)} (bound ${String(figures.workload_status_write_bound_per_object)}), host writes per object ${String(figures.workload_host_writes_per_object)}`,
  );
  return figures;
}

// ---- what a status write costs ---------------------------------------------------------------

/**
 * Status writes like the controller's, by a plain client: each federated object's status
 * (`Ready`'s lastUpdateTime moved) written STATUS_WRITE_ROUNDS times, the last one restoring it,
 * 8 objects at a time. The manager receives each as a watch event and leaves it (a status-only
 * change of a federated object needs no pass); the host's apiserver and etcd do the work of a
 * real status write.
 */
async function statusWriteCost(
  p: WorkloadPhase,
  tracker: WorkloadTracker,
): Promise<Record<string, unknown>> {
  const objects = tracker.federatedObjects();
  const writes = objects.length * STATUS_WRITE_ROUNDS;
  p.print(`   ${String(writes)} status writes by a plain client`);
  const before = await reading(p);
  await pool(objects, 8, async (original) => {
    let obj = original;
    for (let i = 1; i <= STATUS_WRITE_ROUNDS; i++) {
      const status = structuredClone(original['status']) as FederatedObjectStatus;
      const ready = status.conditions?.find((c) => c.type === 'Ready');
      if (ready === undefined) throw new Error(`${obj.metadata?.name ?? ''}: no Ready condition`);
      if (i < STATUS_WRITE_ROUNDS) ready.lastUpdateTime = kubeTime(Date.UTC(2000, 0, 1) + i * 1000);
      obj = await p.host.updateStatus(federatedDeploymentsResource, { ...obj, status });
    }
  });
  const after = await reading(p);
  const seconds = (after.at - before.at) / 1000;
  const delta = cpuDelta(before.roles, after.roles);
  const work = (role: string): number =>
    workCpu({ [role]: delta[role] ?? 0 }, p.idleCpuPerSecond, seconds);
  const figures = {
    status_write_host_cpu_ms: round(((work('host_apiserver') + work('etcd')) / writes) * 1000, 2),
    status_write_manager_cpu_ms: round((work('manager') / writes) * 1000, 2),
    status_write_cpu_s_by_process: delta,
  };
  p.print(
    `   CPU per status write: ${String(figures.status_write_host_cpu_ms)} ms for the host's apiserver and etcd, ${String(figures.status_write_manager_cpu_ms)} ms for the manager's watch`,
  );
  return figures;
}

// ---- churn ----------------------------------------------------------------------------------

/** One churn step: returns how many pods it made the members start. */
type ChurnStep = (cycle: number) => Promise<number>;

interface WindowFigures extends Counted {
  rssMb: number;
  /** Pods the churn started per second (0 for the idle window). */
  podStartsPerS: number;
  /** New FederatedConfigMaps after the window, the churn still running. */
  configMaps: Probe;
}

interface Probe extends Spread {
  /** The manager's means for the configmap sync controller: time in its queue, time per pass. */
  queueMs: number;
  workMs: number;
}

async function churnWindows(
  p: WorkloadPhase,
  tracker: WorkloadTracker,
): Promise<Record<string, unknown>> {
  const K = p.objects;
  const T = p.churnSeconds;
  const probeSeconds = Math.max(5, Math.round(T / 2));
  const period = String(CHURN_PERIOD_MS / 1000);
  for (const c of p.members) {
    await c.create(deploymentsResource, unmanagedDeployment(p), { namespace: p.namespace });
  }
  // The sync controller passes over each object again 10 s (its retry delay) after the member
  // events of its writes: the rollout's and each probe's passes end before the next window.
  const settle = (): Promise<void> => sleep(12_000);
  await settle();

  p.print(`   idle: ${String(T)} s, then new FederatedConfigMaps for ${String(probeSeconds)} s`);
  const idle = await churnWindow(p, 'idle', probeSeconds, undefined);
  await settle();

  p.print(
    `   unmanaged churn: a Deployment in each member scaled 0 <-> ${String(2 * CHURN_PODS)} every ${period} s; ${String(T)} s, then new FederatedConfigMaps for ${String(probeSeconds)} s`,
  );
  const scale = (replicas: number): Promise<unknown> =>
    Promise.all(
      p.members.map((c) =>
        c.patch(
          deploymentsResource,
          UNMANAGED,
          { spec: { replicas } },
          { type: 'merge', namespace: p.namespace },
        ),
      ),
    );
  const unmanaged = await churnWindow(p, 'unmanaged', probeSeconds, async (cycle) => {
    const replicas = cycle % 2 === 0 ? 2 * CHURN_PODS : 0;
    await scale(replicas);
    return replicas * p.members.length;
  });
  await scale(0);
  await settle();

  // One pod each of the next CHURN_PODS managed Deployments, in turn, in each member: their status
  // dips and comes back, which the controller follows at most once per window.
  p.print(
    `   managed churn: one pod each of ${String(CHURN_PODS)} FederatedDeployments, in turn, deleted in each member every ${period} s; ${String(T)} s, then new FederatedConfigMaps for ${String(probeSeconds)} s`,
  );
  const index = new Map(workloadNames(K).map((name, i) => [name, i]));
  const churned = (i: number, cycle: number): boolean =>
    (i - ((cycle * CHURN_PODS) % K) + K) % K < CHURN_PODS;
  const managed = await churnWindow(p, 'managed', probeSeconds, async (cycle) => {
    const deleted = await Promise.all(
      p.members.map(async (c) => {
        const pods = await c.list(podsResource, {
          namespace: p.namespace,
          labelSelector: `${WORKLOAD_LABEL}=managed`,
        });
        const victims = new Map<string, string>();
        for (const pod of pods.items) {
          const app = pod.metadata?.labels?.['app'] ?? '';
          const i = index.get(app);
          if (i === undefined || !churned(i, cycle) || victims.has(app)) continue;
          if (pod.metadata?.deletionTimestamp !== undefined) continue;
          victims.set(app, pod.metadata?.name ?? '');
        }
        let n = 0;
        await pool([...victims.values()], 8, async (name) => {
          try {
            await c.delete(podsResource, name, { namespace: p.namespace });
            n++;
          } catch (e) {
            if (!isNotFound(e)) throw e;
          }
        });
        return n;
      }),
    );
    return deleted.reduce((a, b) => a + b, 0);
  });
  await waitUntil('every federated status ready again', () => tracker.allReadyNow(), 5 * 60_000);

  const bound = statusWriteBound(
    Array.from({ length: K }, () => T * 1000),
    p.windowMs,
  );
  const figures = {
    churn_seconds: T,
    churn_unmanaged_pod_starts_per_s: unmanaged.podStartsPerS,
    churn_managed_pod_starts_per_s: managed.podStartsPerS,
    churn_idle_manager_cpu_pct: idle.cpuPct,
    churn_unmanaged_manager_cpu_pct: unmanaged.cpuPct,
    churn_managed_manager_cpu_pct: managed.cpuPct,
    churn_unmanaged_cpu_ratio: round(unmanaged.cpuPct / idle.cpuPct, 2),
    churn_managed_cpu_ratio: round(managed.cpuPct / idle.cpuPct, 2),
    churn_idle_rss_mb: idle.rssMb,
    churn_unmanaged_rss_mb: unmanaged.rssMb,
    churn_managed_rss_mb: managed.rssMb,
    churn_idle_status_writes: idle.statusWrites,
    churn_unmanaged_status_writes: unmanaged.statusWrites,
    churn_managed_status_writes_per_object: round(managed.statusWrites / K, 2),
    churn_managed_status_write_bound_per_object: round(bound / K, 2),
    churn_managed_status_passes: managed.collections,
    churn_managed_collection_mean_ms: managed.collectionMeanMs,
    ...probeFigures('idle', idle.configMaps),
    ...probeFigures('unmanaged_churn', unmanaged.configMaps),
    ...probeFigures('managed_churn', managed.configMaps),
    churn_idle_cpu_s_by_process: idle.cpuByProcess,
    churn_unmanaged_cpu_s_by_process: unmanaged.cpuByProcess,
    churn_managed_cpu_s_by_process: managed.cpuByProcess,
    churn_managed_host_writes: managed.hostWritesByKey,
  };
  p.print(
    `   manager CPU: idle ${String(idle.cpuPct)} %, unmanaged churn ${String(unmanaged.cpuPct)} %, managed churn ${String(managed.cpuPct)} % of a core; RSS ${String(idle.rssMb)} / ${String(unmanaged.rssMb)} / ${String(managed.rssMb)} MiB`,
  );
  p.print(
    `   status writes: idle ${String(idle.statusWrites)}, unmanaged churn ${String(unmanaged.statusWrites)}, managed churn ${String(figures.churn_managed_status_writes_per_object)} per object (bound ${String(figures.churn_managed_status_write_bound_per_object)}) from ${String(managed.collections)} passes collecting member status changes`,
  );
  for (const [window, probe] of [
    ['idle', idle.configMaps],
    ['unmanaged churn', unmanaged.configMaps],
    ['managed churn', managed.configMaps],
  ] as const) {
    p.print(
      `   new FederatedConfigMaps, ${window}: p50 ${String(probe.p50)} ms, p99 ${String(probe.p99)} ms; the manager's mean wait in the queue ${String(probe.queueMs)} ms, per pass ${String(probe.workMs)} ms`,
    );
  }
  return figures;
}

function probeFigures(window: string, probe: Probe): Record<string, number> {
  return {
    [`configmap_p50_ms_${window}`]: probe.p50,
    [`configmap_p99_ms_${window}`]: probe.p99,
    [`configmap_queue_ms_${window}`]: probe.queueMs,
    [`configmap_pass_ms_${window}`]: probe.workMs,
  };
}

/**
 * With `step` run every churn period (none: idle): what the manager and the host do over the
 * churn seconds, then the latency of new FederatedConfigMaps for `probeSeconds` more.
 */
async function churnWindow(
  p: WorkloadPhase,
  name: string,
  probeSeconds: number,
  step: ChurnStep | undefined,
): Promise<WindowFigures> {
  const stopping = new AbortController();
  let cycles = 0;
  let started = 0;
  const churning = (async () => {
    if (step === undefined) return;
    for (let cycle = 0; !stopping.signal.aborted; cycle++) {
      const next = performance.now() + CHURN_PERIOD_MS;
      started += await step(cycle);
      cycles++;
      await sleep(Math.max(0, next - performance.now()), undefined, {
        signal: stopping.signal,
      }).catch(() => undefined);
    }
  })();
  try {
    const before = await reading(p);
    await sleep(p.churnSeconds * 1000);
    const after = await reading(p);
    const counted = between(before, after);
    const rssMb = round(p.manager().memory().rssMb, 1);
    const latencies = await p.configMapLatencies(`cm-${name}`, probeSeconds);
    const probed = await reading(p);
    const configMaps = {
      ...spread(latencies),
      queueMs: meanMs(after, probed, 'workqueue_queue_duration_seconds', CONFIGMAP_QUEUE),
      workMs: meanMs(after, probed, 'workqueue_work_duration_seconds', CONFIGMAP_QUEUE),
    };
    return {
      ...counted,
      rssMb,
      configMaps,
      podStartsPerS: cycles === 0 ? 0 : round(started / cycles / (CHURN_PERIOD_MS / 1000), 1),
    };
  } finally {
    stopping.abort();
    await churning;
  }
}

// ---- measuring ------------------------------------------------------------------------------

interface Reading {
  at: number;
  managerCpu: number;
  metrics: string;
  writes: Map<string, WriteCounts>;
  roles: CpuByRole;
}

async function reading(p: WorkloadPhase): Promise<Reading> {
  const manager = p.manager();
  const [metrics, writes] = await Promise.all([manager.scrapeMetrics(), readAll(p.readers)]);
  const managerCpu = manager.cpuSeconds();
  return {
    at: performance.now(),
    managerCpu,
    metrics,
    writes,
    roles: cpuByRole(p.sandboxDir, { manager: managerCpu }),
  };
}

interface Counted {
  statusWrites: number;
  statusPuts: number;
  hostWrites: number;
  /** `verb resource: n` of the host's writes, events and leases included. */
  hostWritesByKey: Record<string, number>;
  /** Passes that collected member status changes, and the manager's own mean of their delay. */
  collections: number;
  collectionMeanMs: number;
  cpuPct: number;
  cpuByProcess: CpuByRole;
}

/** How much a metric of the manager's grew between two readings. */
function growth(a: Reading, b: Reading, name: string, labels: Record<string, string>): number {
  return sampleSum(b.metrics, name, labels) - sampleSum(a.metrics, name, labels);
}

/** The mean of a histogram (in seconds) of the manager's between two readings, in ms. */
function meanMs(a: Reading, b: Reading, histogram: string, labels: Record<string, string>): number {
  const count = growth(a, b, `${histogram}_count`, labels);
  if (count === 0) return NaN;
  return Math.round((growth(a, b, `${histogram}_sum`, labels) / count) * 1000);
}

function between(a: Reading, b: Reading): Counted {
  const writes = deltas(a.writes, b.writes);
  return {
    statusWrites: growth(a, b, 'federated_status_writes_total', DEPLOYMENT_CONTROLLER),
    statusPuts: writes.get('host')?.byKey['PUT federateddeployments/status'] ?? 0,
    hostWrites: sumCounted(writes, (c) => c === 'host'),
    hostWritesByKey: writes.get('host')?.byKey ?? {},
    collections: growth(a, b, 'status_collection_duration_seconds_count', DEPLOYMENT_CONTROLLER),
    collectionMeanMs: meanMs(a, b, 'status_collection_duration_seconds', DEPLOYMENT_CONTROLLER),
    cpuPct: round(((b.managerCpu - a.managerCpu) / ((b.at - a.at) / 1000)) * 100, 2),
    cpuByProcess: cpuDelta(a.roles, b.roles),
  };
}

// ---- objects --------------------------------------------------------------------------------

function workloadNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `wl-${String(i).padStart(4, '0')}`);
}

/** A pod template small enough for many per simulated node, deleted at once (no grace period). */
function podTemplate(app: string, workload: 'managed' | 'unmanaged'): KubeObject {
  return {
    metadata: { labels: { app, [WORKLOAD_LABEL]: workload } },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: 'pause',
          image: 'registry.k8s.io/pause:3.10',
          resources: { requests: { cpu: '10m', memory: '16Mi' } },
        },
      ],
    },
  };
}

function fedDeployment(p: WorkloadPhase, name: string): KubeObject {
  return {
    apiVersion: 'types.kubefed.io/v1beta1',
    kind: 'FederatedDeployment',
    metadata: { name, namespace: p.namespace },
    spec: {
      template: {
        spec: {
          replicas: REPLICAS,
          selector: { matchLabels: { app: name } },
          template: podTemplate(name, 'managed'),
        },
      },
      placement: { clusters: p.members.map((c) => ({ name: c.cluster })) },
    },
  };
}

/** Not federated, without the managed label: the manager's member informers never see it. */
function unmanagedDeployment(p: WorkloadPhase): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: UNMANAGED, namespace: p.namespace },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: UNMANAGED } },
      template: podTemplate(UNMANAGED, 'unmanaged'),
    },
  };
}
