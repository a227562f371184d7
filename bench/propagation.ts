// The propagation benchmark (`npm run bench [-- --quick | --objects N --members M]`): on a fresh
// sandbox of its own (host + M members) with kubefed-controller-manager as a separate process,
// it measures in one run the raw write limit of the members, cold propagation, steady-state
// latency, updates, the no-op resync, deletion, the controller's cost, and the workload status of
// FederatedDeployments (bench/workload-status.ts). See docs/performance.md.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { defaultKubeFedConfig } from '../src/apis/kubefedconfig.ts';
import { KubeClient } from '../src/kube/client.ts';
import { isNotFound } from '../src/kube/errors.ts';
import { Informer } from '../src/kube/informer.ts';
import { loadClusterConfig } from '../src/kube/kubeconfig.ts';
import { namespacesResource } from '../src/kube/resource.ts';
import { down, up } from '../src/sandbox/sandbox.ts';
import { startManager, type ManagerProcess } from './manager-process.ts';
import { sideBySide } from './side-by-side.ts';
import {
  benchObjects,
  federatedConfigMaps,
  createFederatedNamespace,
  federatedNamespaces,
  kubefedctl,
} from './federated-objects.ts';
import { writeLikeTheController } from './host-writes.ts';
import { pool } from './pool.ts';
import { cpuByRole, cpuDelta, workCpu, type CpuByRole } from './process-cpu.ts';
import { round, spread } from './stats.ts';
import { configMapsResource, memberMismatches, MemberTracker } from './tracker.ts';
import { waitUntil } from './wait.ts';
import { workloadStatusPhase } from './workload-status.ts';
import { EXCLUDED_RESOURCES, deltas, readAll, sumCounted, type WriteDelta } from './writes.ts';
import type { KubeObject } from '../src/json/object.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const resultsDir = join(repoRoot, 'bench', 'results');
const sandboxDir = join(resultsDir, '.sandbox-bench');

// The member clients of the controller manager (src/multicluster/cluster-registry.ts):
// 100 QPS / 200 burst per cluster, no connection limit. Concurrency per cluster: at most one
// write per sync worker in flight, so the raw client uses as many.
const MEMBER_QPS = 100;
const MEMBER_BURST = 200;
const SYNC_WORKERS = 8;

const { values: flags } = parseArgs({
  options: {
    objects: { type: 'string' },
    members: { type: 'string' },
    quick: { type: 'boolean', default: false },
    rate: { type: 'string', default: '20' },
    'steady-seconds': { type: 'string' },
    'noop-seconds': { type: 'string' },
    unmanaged: { type: 'string', default: '10000' },
    workloads: { type: 'string' },
    'churn-seconds': { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    // Diagnostic: the manager's host client QPS (--rest-config-qps; burst twice that). Unset:
    // the manager's default (1000 QPS / 2000 burst), which is what the published figures use.
    'host-qps': { type: 'string' },
    // Diagnostic: the manager's log verbosity (--v). Each manager's log (its last MiB) is kept in
    // bench/results/manager-<i>.log.
    'manager-v': { type: 'string', default: '0' },
    // Diagnostic: Node options for the manager, space-separated (e.g. --manager-node-args='--no-optimize-for-size
    // --max-semi-space-size=16' to compare with its default memory flags).
    'manager-node-args': { type: 'string', default: '' },
    // Side by side with the Go KubeFed (bench/side-by-side.ts): `--peer kubefed-go`, its phases
    // repeated `--rounds` times.
    peer: { type: 'string' },
    rounds: { type: 'string', default: '1' },
  },
});
if (flags.peer !== undefined && flags.peer !== 'kubefed-go') {
  throw new Error(`--peer ${flags.peer}: the only peer is kubefed-go (the Go KubeFed v0.10.0)`);
}
const quick = flags.quick;
const N = Number(flags.objects ?? (quick ? 300 : 1000));
const M = Number(flags.members ?? 3);
const RATE = Number(flags.rate);
const STEADY_S = Number(flags['steady-seconds'] ?? (quick ? 10 : 30));
const NOOP_S = Number(flags['noop-seconds'] ?? (quick ? 20 : 60));
const UNMANAGED = Number(flags.unmanaged);
const WORKLOADS = Number(flags.workloads ?? (quick ? 20 : 50));
const CHURN_S = Number(flags['churn-seconds'] ?? (quick ? 20 : 60));
// The manager's --status-collection-window, its default, passed explicitly: the bound on status
// writes the workload phase reports is computed from it.
const STATUS_WINDOW_MS = 1000;
for (const [name, v] of Object.entries({
  N,
  M,
  RATE,
  STEADY_S,
  NOOP_S,
  UNMANAGED,
  WORKLOADS,
  CHURN_S,
})) {
  if (!Number.isFinite(v) || v <= 0) throw new Error(`invalid ${name}: ${String(v)}`);
}

const print = (line: string): void => {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};
const members = Array.from({ length: M }, (_, i) => `member${String(i + 1)}`);
const NS = 'bench';
const RAW_NS = 'bench-raw';

const { templateData, expectedData, fedConfigMap, propagated } = benchObjects(members, NS);

/** Jiffies the whole machine spent busy and in all, from /proc/stat. */
function machineCpu(): { busy: number; total: number } {
  const fields = (/^cpu\s+(.*)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1] ?? '')
    .split(/\s+/)
    .map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

/** Share of the machine's CPU time that was busy since `since`. */
function busySince(since: { busy: number; total: number }): number {
  const now = machineCpu();
  return round((now.busy - since.busy) / Math.max(1, now.total - since.total), 2);
}

function describeWrites(d: Map<string, WriteDelta>): Record<string, Record<string, number>> {
  return Object.fromEntries([...d].map(([c, w]) => [c, w.byKey]));
}

function describeReads(d: Map<string, WriteDelta>): Record<string, Record<string, number>> {
  return Object.fromEntries([...d].map(([c, w]) => [c, w.reads]));
}

let cleanup: (() => Promise<void>) | undefined;
let cleaning: Promise<void> | undefined;
/** Stops the manager and the sandbox, once, whichever path asks first. */
const cleanUp = (): Promise<void> => (cleaning ??= cleanup?.() ?? Promise.resolve());
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    print(`${signal}: stopping the controller manager and the sandbox`);
    void cleanUp().finally(() => process.exit(130));
  });
}

async function main(): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  let manager: ManagerProcess | undefined;
  let tracker: MemberTracker | undefined;
  let hostFeds: Informer | undefined;
  const clients: KubeClient[] = [];
  let peakRssMb = 0;
  const sampleMemory = (): void => {
    if (manager) peakRssMb = Math.max(peakRssMb, manager.memory().hwmMb);
  };
  const sampler = setInterval(sampleMemory, 500);
  cleanup = async () => {
    clearInterval(sampler);
    await manager?.stop().catch(() => undefined);
    await tracker?.stop().catch(() => undefined);
    await hostFeds?.stop().catch(() => undefined);
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await down({ dir: sandboxDir, print });
  };

  try {
    mkdirSync(resultsDir, { recursive: true });
    // A fresh sandbox: remove whatever an interrupted run left.
    await down({ dir: sandboxDir, print });
    print(`Starting a sandbox with ${String(M)} members in ${sandboxDir}`);
    const sandbox = await up({ dir: sandboxDir, members: M, print });
    const kubeconfig = sandbox.kubeconfig;
    const client = (context: string, limited: boolean): KubeClient => {
      const c = new KubeClient(loadClusterConfig({ path: kubeconfig, context }), {
        cluster: context,
        ...(limited ? { qps: MEMBER_QPS, burst: MEMBER_BURST } : {}),
      });
      clients.push(c);
      return c;
    };
    // The user's own writes (creating, patching, deleting federated objects) are not throttled,
    // so that the update and delete phases time the controller, not the benchmark's client.
    const host = client('host', false);
    const memberClients = members.map((m) => client(m, true));
    // Metrics readers: unthrottled, so that reading never waits behind the benchmark's writes.
    const readers = [client('host', false), ...members.map((m) => client(m, false))];

    print('kubefedctl init and join');
    const common = ['--kubeconfig', kubeconfig, '--host-cluster-context', 'host'];
    await kubefedctl(['init', ...common]);
    for (const m of members) await kubefedctl(['join', m, '--cluster-context', m, ...common]);

    const config = defaultKubeFedConfig('kube-federation-system', 'Cluster');
    config.spec.clusterHealthCheck = {
      period: '1s',
      failureThreshold: 2,
      successThreshold: 1,
      timeout: '1s',
    };
    config.spec.leaderElect = {
      leaseDuration: '3s',
      renewDeadline: '2s',
      retryPeriod: '500ms',
      resourceLock: 'configmaps',
    };
    config.spec.syncController = {
      ...config.spec.syncController,
      maxConcurrentReconciles: SYNC_WORKERS,
    };
    const configFile = join(resultsDir, 'kubefedconfig.yaml');
    writeFileSync(configFile, stringify(config));
    const nodeArgs = [
      ...(flags['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${resultsDir}`] : []),
      ...flags['manager-node-args'].split(/\s+/).filter((a) => a !== ''),
    ];
    const hostQps = flags['host-qps'];
    const managerArgs: string[] =
      hostQps === undefined
        ? []
        : [`--rest-config-qps=${hostQps}`, `--rest-config-burst=${String(2 * Number(hostQps))}`];
    managerArgs.push(
      `--v=${flags['manager-v']}`,
      `--status-collection-window=${String(STATUS_WINDOW_MS)}ms`,
    );
    let managers = 0;
    const start = async (): Promise<number> => {
      const started = await startManager({ kubeconfig, configFile, nodeArgs, managerArgs });
      manager = started;
      const log = join(resultsDir, `manager-${String(++managers)}.log`);
      started.onExit((asked) => {
        writeFileSync(log, started.stderr());
        if (asked || interrupted) return;
        // E.g. a lost lease (renew deadline 2 s) on an overloaded machine: stop at once rather
        // than wait for a phase's timeout.
        const tail = started.stderr().trim().split('\n').slice(-3).join('\n');
        print(`The controller manager exited on its own (log: ${log}):\n${tail}`);
        void cleanUp().finally(() => process.exit(1));
      });
      return started.waitForLog('promoted as leader', 90_000);
    };

    // ---- 0. At rest ----------------------------------------------------------------------
    // What the sandbox burns doing nothing, per second and process, so that a longer phase is
    // not charged with more of it.
    const IDLE_S = 5;
    const idleAt = cpuByRole(sandboxDir);
    await sleep(IDLE_S * 1000);
    const idlePerSecond = Object.fromEntries(
      Object.entries(cpuDelta(idleAt, cpuByRole(sandboxDir))).map(([k, v]) => [k, v / IDLE_S]),
    );
    extra['idle_cpu_per_s'] = round(
      Object.values(idlePerSecond).reduce((a, b) => a + b, 0),
      3,
    );

    // ---- 1. Raw limit -------------------------------------------------------------------
    print(
      `1. raw: ${String(N * M)} ConfigMaps straight to the members (${String(SYNC_WORKERS)} in flight, ${String(MEMBER_QPS)} QPS / ${String(MEMBER_BURST)} burst per cluster)`,
    );
    for (const c of memberClients)
      await c.create(namespacesResource, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: RAW_NS },
      });
    const names = Array.from({ length: N }, (_, i) => `cm-${String(i).padStart(5, '0')}`);
    let before = await readAll(readers);
    let cpuAt = machineCpu();
    let rolesAt = cpuByRole(sandboxDir);
    let t0 = performance.now();
    await Promise.all(
      memberClients.map((c) =>
        pool(names, SYNC_WORKERS, async (name) => {
          await c.create(
            configMapsResource,
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name, namespace: RAW_NS },
              data: templateData(name, 1),
            },
            { namespace: RAW_NS },
          );
        }),
      ),
    );
    const rawSeconds = (performance.now() - t0) / 1000;
    extra['raw_machine_busy'] = busySince(cpuAt);
    extra['raw_cpu_s_by_process'] = cpuDelta(rolesAt, cpuByRole(sandboxDir));
    print(`   CPU-s: ${JSON.stringify(extra['raw_cpu_s_by_process'])}`);
    const rawWrites = deltas(before, await readAll(readers));
    results['raw_rate'] = round((N * M) / rawSeconds, 1);
    extra['raw_member_writes'] = sumCounted(rawWrites, (c) => c !== 'host');
    print(
      `   ${String(N * M)} objects in ${rawSeconds.toFixed(1)} s: ${String(results['raw_rate'])}/s`,
    );

    // ---- 1b. Raw host writes -------------------------------------------------------------
    // The same objects federated: what the host must take per object however good the
    // controller, made by a plain client (bench/host-writes.ts), not timed against anything but
    // the members' raw writes above.
    print(
      `1b. raw host writes: the controller's 4 writes and 1 Event for each of ${String(N)} FederatedConfigMaps`,
    );
    await host.create(namespacesResource, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: RAW_NS },
    });
    const rawFeds: KubeObject[] = [];
    await pool(names, 16, async (name) => {
      rawFeds.push(
        await host.create(
          federatedConfigMaps,
          { ...fedConfigMap(name, 1), metadata: { name, namespace: RAW_NS } },
          { namespace: RAW_NS },
        ),
      );
    });
    before = await readAll(readers);
    rolesAt = cpuByRole(sandboxDir);
    t0 = performance.now();
    await writeLikeTheController(host, federatedConfigMaps, rawFeds, members, SYNC_WORKERS);
    const hostRawSeconds = (performance.now() - t0) / 1000;
    extra['host_raw_cpu_s_by_process'] = cpuDelta(rolesAt, cpuByRole(sandboxDir));
    const hostRawWrites = deltas(before, await readAll(readers));
    extra['host_raw_rate'] = round(N / hostRawSeconds, 1);
    extra['host_raw_writes_per_object'] = round(sumCounted(hostRawWrites, () => true) / N, 2);
    const rawCpu = workCpu(extra['raw_cpu_s_by_process'] as CpuByRole, idlePerSecond, rawSeconds);
    const hostRawCpu = workCpu(
      extra['host_raw_cpu_s_by_process'] as CpuByRole,
      idlePerSecond,
      hostRawSeconds,
    );
    extra['raw_work_cpu_s'] = round(rawCpu, 2);
    extra['host_raw_work_cpu_s'] = round(hostRawCpu, 2);
    extra['member_write_cpu_ms'] = round((rawCpu / (N * M)) * 1000, 2);
    extra['host_writes_cpu_ms_per_object'] = round((hostRawCpu / N) * 1000, 2);
    extra['ceiling_by_cost'] = round(rawCpu / (rawCpu + hostRawCpu), 3);
    print(
      `   ${String(N)} objects in ${hostRawSeconds.toFixed(1)} s; CPU per object: ${String(extra['host_writes_cpu_ms_per_object'])} ms on the host's side against ${String(round((rawCpu / N) * 1000, 2))} ms for its ${String(M)} member writes`,
    );
    print(`   CPU-s: ${JSON.stringify(extra['host_raw_cpu_s_by_process'])}`);

    for (const c of [host, ...memberClients]) await c.delete(namespacesResource, RAW_NS);
    await waitUntil(
      `namespace ${RAW_NS} to go`,
      async () => {
        for (const c of [host, ...memberClients]) {
          try {
            await c.get(namespacesResource, RAW_NS);
            return false;
          } catch (e) {
            if (!isNotFound(e)) throw e;
          }
        }
        return true;
      },
      300_000,
    );

    // ---- 2. Cold propagation -----------------------------------------------------------
    print('2. cold: federated namespace first (controller running), then the controller stopped');
    await createFederatedNamespace(host, NS, members);
    await start();
    await waitUntil(
      'the federated namespace',
      async () => {
        try {
          return propagated(await host.get(federatedNamespaces, NS, { namespace: NS }));
        } catch (e) {
          if (isNotFound(e)) return false;
          throw e;
        }
      },
      120_000,
    );
    await sleep(2000);
    await manager?.stop();
    sampleMemory();

    // Cold propagation ends when every object's status reports it propagated to all M members:
    // the controller writes that status only after its member writes have returned, so this is
    // never earlier than the moment the last member object was in place. Their content is then
    // checked with one list per member. Watching the members during this phase would load
    // their apiservers with a second watcher the raw phase did not have (and the benchmark
    // with decoding every member object); the member tracker starts after it.
    const coldPending = new Set<string>();
    let coldDoneAt: number | undefined;
    const onHostFed = (obj: KubeObject): void => {
      if (coldPending.size === 0 || !propagated(obj)) return;
      coldPending.delete(obj.metadata?.name ?? '');
      if (coldPending.size === 0) coldDoneAt = performance.now();
    };
    hostFeds = new Informer({
      client: readers[0] as KubeClient,
      resource: federatedConfigMaps,
      namespace: NS,
      onAdd: onHostFed,
      onUpdate: (_old, obj) => onHostFed(obj),
    });
    hostFeds.start();
    await hostFeds.waitForSync({ timeoutMs: 60_000 });
    const allPropagated = (): boolean =>
      hostFeds !== undefined && hostFeds.list().every(propagated);

    print(`   creating ${String(N)} FederatedConfigMaps with the controller stopped`);
    await pool(names, 16, async (name) => {
      await host.create(federatedConfigMaps, fedConfigMap(name, 1), { namespace: NS });
    });
    await waitUntil('the host cache', () => hostFeds?.size === N, 60_000);
    for (const name of names) coldPending.add(name);

    before = await readAll(readers);
    const spawnAt = performance.now();
    const leaderAt = await start();
    const cpu0 = manager?.cpuSeconds() ?? 0;
    const managerCpu = (): Record<string, number> => ({ manager: manager?.cpuSeconds() ?? 0 });
    cpuAt = machineCpu();
    rolesAt = cpuByRole(sandboxDir, managerCpu());
    // The moment comes from the status event itself; the wait only polls for it.
    await waitUntil('every status propagated', () => coldDoneAt !== undefined, 30 * 60_000);
    const coldDone = coldDoneAt ?? NaN;
    const coldSeconds = (coldDone - leaderAt) / 1000;
    extra['cold_machine_busy'] = busySince(cpuAt);
    const coldByProcess = cpuDelta(rolesAt, cpuByRole(sandboxDir, managerCpu()));
    extra['cold_cpu_s_by_process'] = coldByProcess;
    extra['cold_work_cpu_s'] = round(workCpu(coldByProcess, idlePerSecond, coldSeconds), 2);
    print(`   CPU-s until complete: ${JSON.stringify(coldByProcess)}`);
    print(`   every status propagated ${coldSeconds.toFixed(1)} s after leader election`);
    const wrong = await memberMismatches(
      memberClients,
      NS,
      new Map(names.map((name) => [name, expectedData(name, 1)])),
    );
    if (wrong.length > 0) {
      throw new Error(
        `${String(wrong.length)} member objects wrong after cold propagation: ${wrong.slice(0, 5).join('; ')}`,
      );
    }
    print(`   all ${String(N * M)} member objects present and correct`);
    await sleep(3000);
    const coldWrites = deltas(before, await readAll(readers));
    const coldCpu = (manager?.cpuSeconds() ?? 0) - cpu0;
    sampleMemory();
    results['fed_rate'] = round((N * M) / coldSeconds, 1);
    results['ratio'] = round((results['fed_rate'] as number) / (results['raw_rate'] as number), 3);
    const hostWrites = sumCounted(coldWrites, (c) => c === 'host');
    const memberWrites = sumCounted(coldWrites, (c) => c !== 'host');
    const hwpo = hostWrites / N;
    results['host_writes_per_object'] = round(hwpo, 2);
    results['ceiling'] = round(M / (M + hwpo), 3);
    // What the machine's CPU allowed: the raw writes' work against the cold phase's.
    extra['ratio_by_cost'] = round(rawCpu / (extra['cold_work_cpu_s'] as number), 3);
    extra['ratio_of_ceiling_by_cost'] = round(
      (results['ratio'] as number) / (extra['ceiling_by_cost'] as number),
      3,
    );
    // Events are excluded from the counts (they are best effort), but they load the host too.
    const hostEvents = Object.entries(coldWrites.get('host')?.byKey ?? {})
      .filter(([k]) => k.split(' ')[1] === 'events')
      .reduce((n, [, v]) => n + v, 0);
    extra['host_events_per_object'] = round(hostEvents / N, 2);
    extra['ceiling_with_events'] = round(M / (M + hwpo + hostEvents / N), 3);
    extra['cold_s'] = round(coldSeconds, 2);
    extra['cold_from_spawn_s'] = round((coldDone - spawnAt) / 1000, 2);
    extra['cold_member_writes_per_object'] = round(memberWrites / (N * M), 3);
    extra['cpu_s_per_1000_writes'] = round((coldCpu / (memberWrites + hostWrites)) * 1000, 3);
    extra['cpu_s_per_1000_member_writes'] = round((coldCpu / memberWrites) * 1000, 3);
    extra['cold_cpu_s'] = round(coldCpu, 2);
    extra['cold_writes'] = describeWrites(coldWrites);
    extra['cold_reads'] = describeReads(coldWrites);
    print(
      `   fed_rate ${String(results['fed_rate'])}/s, ratio ${String(results['ratio'])}, host writes/object ${hwpo.toFixed(2)}`,
    );

    tracker = new MemberTracker(memberClients, NS);
    await tracker.start();

    // ---- 3. Steady latency -------------------------------------------------------------
    // Objects created at a fixed rate; per object, from sending the create to the moment the last
    // member held the correct content. The workload phase uses it too.
    const memberTracker = tracker;
    const propagationLatencies = async (
      prefix: string,
      seconds: number,
    ): Promise<Map<string, number>> => {
      const count = Math.round(RATE * seconds);
      const batch = Array.from(
        { length: count },
        (_, i) => `${prefix}-${String(i).padStart(5, '0')}`,
      );
      const sentAt = new Map<string, number>();
      const start = performance.now() + 100;
      const creates: Promise<unknown>[] = [];
      for (const [i, name] of batch.entries()) {
        const wait = start + (i * 1000) / RATE - performance.now();
        if (wait > 0) await sleep(wait);
        memberTracker.expect(name, expectedData(name, 1));
        sentAt.set(name, performance.now());
        creates.push(host.create(federatedConfigMaps, fedConfigMap(name, 1), { namespace: NS }));
      }
      await Promise.all(creates);
      extra[`${prefix.replaceAll('-', '_')}_achieved_rate`] = round(
        count / ((performance.now() - start) / 1000),
        1,
      );
      await memberTracker.waitAllDone(5 * 60_000);
      return new Map(
        batch.map((n) => [n, (memberTracker.doneAt(n) ?? NaN) - (sentAt.get(n) ?? NaN)]),
      );
    };
    print(`3. steady: ${String(Math.round(RATE * STEADY_S))} objects at ${String(RATE)}/s`);
    const steadyLatencies = await propagationLatencies('steady', STEADY_S);
    const steadyNames = [...steadyLatencies.keys()];
    const steady = spread([...steadyLatencies.values()]);
    results['p50_ms'] = steady.p50;
    results['p99_ms'] = steady.p99;
    extra['max_ms'] = steady.max;
    print(
      `   p50 ${String(results['p50_ms'])} ms, p99 ${String(results['p99_ms'])} ms, max ${String(extra['max_ms'])} ms`,
    );
    await waitUntil('propagation status of every object', allPropagated, 5 * 60_000);

    // ---- 4. Update ---------------------------------------------------------------------
    const everything = [...names, ...steadyNames];
    print(`4. update: ${String(everything.length)} templates`);
    await sleep(2000);
    before = await readAll(readers);
    const cpu1 = manager?.cpuSeconds() ?? 0;
    t0 = performance.now();
    for (const name of everything) tracker.expect(name, expectedData(name, 2));
    await pool(everything, 16, async (name) => {
      await host.patch(
        federatedConfigMaps,
        name,
        { spec: { template: { data: templateData(name, 2) } } },
        { type: 'merge', namespace: NS },
      );
    });
    const patchedAt = performance.now();
    const updateDone = await tracker.waitAllDone(30 * 60_000);
    await waitUntil('propagation status of every object', allPropagated, 10 * 60_000);
    await sleep(3000);
    const updateWrites = deltas(before, await readAll(readers));
    extra['update_s'] = round((updateDone - t0) / 1000, 2);
    extra['update_patch_s'] = round((patchedAt - t0) / 1000, 2);
    extra['update_rate'] = round((everything.length * M) / ((updateDone - t0) / 1000), 1);
    extra['update_host_writes_per_object'] = round(
      (sumCounted(updateWrites, (c) => c === 'host') - everything.length) / everything.length,
      2,
    );
    extra['update_member_writes_per_object'] = round(
      sumCounted(updateWrites, (c) => c !== 'host') / (everything.length * M),
      3,
    );
    extra['update_cpu_s'] = round((manager?.cpuSeconds() ?? 0) - cpu1, 2);
    extra['update_writes'] = describeWrites(updateWrites);
    sampleMemory();
    print(`   update_s ${String(extra['update_s'])}`);

    // ---- 5. No-op resync ---------------------------------------------------------------
    print(`5. no-op resync: restart the controller, count writes for ${String(NOOP_S)} s`);
    await sleep(5000);
    before = await readAll(readers);
    await manager?.stop();
    await start();
    await sleep(NOOP_S * 1000);
    const noopWrites = deltas(before, await readAll(readers));
    results['noop_member_writes'] = sumCounted(noopWrites, (c) => c !== 'host');
    results['noop_host_writes'] = sumCounted(noopWrites, (c) => c === 'host');
    extra['noop_window_s'] = NOOP_S;
    extra['noop_writes'] = describeWrites(noopWrites);
    const mem = manager?.memory() ?? { hwmMb: 0, rssMb: 0 };
    extra['rest_rss_mb'] = round(mem.rssMb, 1);
    extra['restart_hwm_mb'] = round(mem.hwmMb, 1);
    sampleMemory();
    print(
      `   member writes ${String(results['noop_member_writes'])}, host writes ${String(results['noop_host_writes'])}, RSS at rest ${mem.rssMb.toFixed(0)} MiB`,
    );

    // ---- 5b. Unmanaged objects ----------------------------------------------------------
    // Objects without the managed label must cost the manager nothing: its member informers
    // select on the label, so it never receives them. They go into the federated namespace
    // itself, next to the managed ones, through an unthrottled client (they are not timed).
    print(`5b. unmanaged: ${String(UNMANAGED)} unlabelled ConfigMaps in member1`);
    const rssBefore = manager?.memory().rssMb ?? 0;
    const unmanagedNames = Array.from(
      { length: UNMANAGED },
      (_, i) => `unmanaged-${String(i).padStart(5, '0')}`,
    );
    await pool(unmanagedNames, 16, async (name) => {
      await (readers[1] as KubeClient).create(
        configMapsResource,
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name, namespace: NS },
          data: templateData(name, 1),
        },
        { namespace: NS },
      );
    });
    await sleep(10_000);
    const rssAfter = manager?.memory().rssMb ?? 0;
    extra['unmanaged_objects'] = UNMANAGED;
    extra['unmanaged_rss_before_mb'] = round(rssBefore, 1);
    extra['unmanaged_rss_after_mb'] = round(rssAfter, 1);
    extra['unmanaged_rss_delta_mb'] = round(rssAfter - rssBefore, 1);
    sampleMemory();
    print(
      `   RSS ${rssBefore.toFixed(0)} MiB before, ${rssAfter.toFixed(0)} MiB 10 s after the last one`,
    );

    // ---- 6. Delete ---------------------------------------------------------------------
    print(`6. delete: ${String(everything.length)} federated objects`);
    before = await readAll(readers);
    t0 = performance.now();
    await pool(everything, 16, async (name) => {
      await host.delete(federatedConfigMaps, name, { namespace: NS });
    });
    const membersClean = await tracker.waitAllGone(30 * 60_000);
    await waitUntil('the federated objects to go', () => hostFeds?.size === 0, 10 * 60_000);
    const hostClean = performance.now();
    await sleep(2000);
    const deleteWrites = deltas(before, await readAll(readers));
    extra['delete_s'] = round((membersClean - t0) / 1000, 2);
    extra['delete_host_clean_s'] = round((hostClean - t0) / 1000, 2);
    extra['delete_writes'] = describeWrites(deleteWrites);
    sampleMemory();
    print(`   delete_s ${String(extra['delete_s'])}`);
    // The propagation phases' peak, before the workload phase adds its own objects.
    results['peak_rss_mb'] = round(peakRssMb, 1);

    // ---- 7. Workload status --------------------------------------------------------------
    Object.assign(
      extra,
      await workloadStatusPhase({
        host,
        readers,
        members: memberClients,
        manager: () => {
          if (manager === undefined) throw new Error('no controller manager running');
          return manager;
        },
        namespace: NS,
        objects: WORKLOADS,
        churnSeconds: CHURN_S,
        windowMs: STATUS_WINDOW_MS,
        sandboxDir,
        idleCpuPerSecond: idlePerSecond,
        configMapLatencies: async (prefix, seconds) => [
          ...(await propagationLatencies(prefix, seconds)).values(),
        ],
        print,
      }),
    );
    return {
      ...results,
      ...extra,
      N,
      M,
      quick,
      steady_rate: RATE,
      steady_seconds: STEADY_S,
      max_concurrent_reconciles: SYNC_WORKERS,
      manager_host_client:
        flags['host-qps'] === undefined
          ? 'default (1000 QPS / 2000 burst)'
          : `${flags['host-qps']} QPS`,
      cpu_profile: flags['cpu-prof'],
      manager_node_args: flags['manager-node-args'],
      member_client: `${String(MEMBER_QPS)} QPS / ${String(MEMBER_BURST)} burst`,
      excluded_resources: [...EXCLUDED_RESOURCES],
      machine: `${String(cpus().length)} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}`,
      date: new Date().toISOString(),
    };
  } finally {
    await cleanUp();
  }
}

if (flags.peer !== undefined) {
  mkdirSync(resultsDir, { recursive: true });
  try {
    const summary = await sideBySide({
      objects: Number(flags.objects ?? (quick ? 100 : 300)),
      members: Number(flags.members ?? 2),
      rate: RATE,
      steadySeconds: Number(flags['steady-seconds'] ?? (quick ? 10 : 20)),
      noopSeconds: Number(flags['noop-seconds'] ?? (quick ? 20 : 30)),
      rounds: Number(flags.rounds),
      equalWorkers: SYNC_WORKERS,
      equalHostQps: 1000,
      sandboxDir,
      resultsDir,
      print,
      onCleanup: (fn) => (cleanup = fn),
      abort: (reason) => {
        print(reason);
        void cleanUp().finally(() => process.exit(1));
      },
    });
    const file = join(resultsDir, 'peer-latest.json');
    writeFileSync(file, JSON.stringify(summary, null, 2) + '\n');
    process.stdout.write(`${String(summary['table'])}\n\nwrote ${file}\n`);
  } finally {
    await cleanUp();
  }
  process.exit(0);
}

const summary = await main();
const file = join(resultsDir, 'latest.json');
writeFileSync(file, JSON.stringify(summary, null, 2) + '\n');
const rows: [string, unknown][] = Object.entries(summary).filter(([, v]) => typeof v !== 'object');
const width = Math.max(...rows.map(([k]) => k.length));
process.stdout.write(
  rows.map(([k, v]) => `${k.padEnd(width)}  ${String(v)}`).join('\n') + `\n\nwrote ${file}\n`,
);
