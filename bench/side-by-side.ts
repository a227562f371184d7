// `npm run bench -- --peer kubefed-go`: the propagation phases (cold propagation, steady latency,
// update, no-op resync, delete) for ours and for the Go KubeFed v0.10.0 controller-manager on the
// same sandbox in one run, alternating, each measured the same way (CPU and RSS from /proc, writes
// from the apiservers' counters), in two settings: both at their defaults, and both with equal
// worker counts and host client limits. Never both at once: they elect their leader on the same
// lock name, and a run must own the machine. Every run starts from the same state: no federated
// objects on the host, no managed objects in the members, no leader lock. See docs/performance.md.
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { DEFAULT_KUBEFED_NAMESPACE, LEADER_ELECTION_LOCK_NAME } from '../src/apis/constants.ts';
import { defaultKubeFedConfig } from '../src/apis/kubefedconfig.ts';
import type { KubeFedConfig } from '../src/apis/types.ts';
import type { KubeObject } from '../src/json/object.ts';
import { KubeClient } from '../src/kube/client.ts';
import { isNotFound } from '../src/kube/errors.ts';
import { Informer } from '../src/kube/informer.ts';
import { loadClusterConfig } from '../src/kube/kubeconfig.ts';
import { leasesResource } from '../src/manager/lease-store.ts';
import { goKubeFedDir, startGoKubeFed } from '../src/sandbox/kubefed-go.ts';
import { down, up } from '../src/sandbox/sandbox.ts';
import {
  benchObjects,
  federatedConfigMaps,
  createFederatedNamespace,
  federatedNamespaces,
  kubefedctl,
} from './federated-objects.ts';
import { processMemory, startManager } from './manager-process.ts';
import { processCpuSeconds } from './process-cpu.ts';
import { pool } from './pool.ts';
import {
  alternation,
  compare,
  hostWrites,
  memberWrites,
  renderTable,
  type Figures,
  type Implementation,
} from './side-by-side-table.ts';
import { round, spread } from './stats.ts';
import { configMapsResource, memberMismatches, MemberTracker } from './tracker.ts';
import { waitUntil } from './wait.ts';
import { deltas, readAll, type WriteDelta } from './writes.ts';

const KUBEFED_NS = DEFAULT_KUBEFED_NAMESPACE;
const LEADER_TIMEOUT_MS = 120_000;
const NS = 'bench';

export interface SideBySideOptions {
  objects: number;
  members: number;
  /** Creates per second in the steady phase, for `steadySeconds`. */
  rate: number;
  steadySeconds: number;
  noopSeconds: number;
  /** Each round runs both in both settings; rounds alternate who goes first (ABBA). */
  rounds: number;
  /** The "equal" setting's sync and status workers and host client QPS (burst twice that). */
  equalWorkers: number;
  equalHostQps: number;
  sandboxDir: string;
  resultsDir: string;
  print: (line: string) => void;
  /** Registers what stops the managers and the sandbox (on a signal or at the end). */
  onCleanup: (fn: () => Promise<void>) => void;
  /** Stops everything and exits: a phase cannot finish without its manager. */
  abort: (reason: string) => void;
}

interface Setting {
  name: string;
  configFile: string;
  managerArgs: string[];
}

/** What a run needs of either controller manager: both are measured alike, from /proc. */
interface RunningManager {
  /** performance.now() when it logged client-go's `promoted as leader` (both do). */
  leaderAt: number;
  /** user + system CPU seconds so far (/proc/<pid>/stat). */
  cpuSeconds(): number;
  /** VmHWM and VmRSS in MiB (/proc/<pid>/status). */
  memory(): { hwmMb: number; rssMb: number };
  /** It exited without being asked to (e.g. a lost lease on an overloaded machine). */
  exitedOnItsOwn(): boolean;
  /** Where its log is (ours: written once it exits). */
  log: string;
  stop(): Promise<void>;
}

async function startOurs(
  kubeconfig: string,
  setting: Setting,
  log: string,
): Promise<RunningManager> {
  const m = await startManager({
    kubeconfig,
    configFile: setting.configFile,
    managerArgs: setting.managerArgs,
  });
  let unasked = false;
  m.onExit((asked) => {
    writeFileSync(log, m.stderr());
    unasked = !asked;
  });
  try {
    const leaderAt = await m.waitForLog('promoted as leader', LEADER_TIMEOUT_MS);
    return { ...m, leaderAt, log, exitedOnItsOwn: () => unasked };
  } catch (e) {
    await m.stop();
    throw e;
  }
}

async function startOriginal(
  kubeconfig: string,
  setting: Setting,
  dir: string,
  name: string,
): Promise<RunningManager> {
  const m = await startGoKubeFed({
    kubeconfig,
    context: 'host',
    namespace: KUBEFED_NS,
    dir,
    name,
    kubefedConfigFile: setting.configFile,
    verbosity: 0, // klog's default, as ours runs at its default --v=0
    extraArgs: setting.managerArgs,
  });
  try {
    // Its launcher polls the log file every 100 ms: the moment is up to that late.
    await m.waitUntilLeading(LEADER_TIMEOUT_MS);
  } catch (e) {
    await m.stop();
    throw e;
  }
  const leaderAt = performance.now();
  let cpu = 0;
  let mem = { hwmMb: 0, rssMb: 0 };
  let stopping = false;
  return {
    leaderAt,
    log: m.log,
    cpuSeconds: () => (cpu = processCpuSeconds(m.pid) ?? cpu),
    memory: () => (mem = processMemory(m.pid) ?? mem),
    exitedOnItsOwn: () => !stopping && !m.isAlive(),
    stop: () => {
      stopping = true;
      return m.stop(15_000);
    },
  };
}

export async function sideBySide(o: SideBySideOptions): Promise<Record<string, unknown>> {
  const { print } = o;
  for (const [flag, v] of Object.entries({
    '--objects': o.objects,
    '--members': o.members,
    '--rate': o.rate,
    '--steady-seconds': o.steadySeconds,
    '--noop-seconds': o.noopSeconds,
  })) {
    if (!Number.isFinite(v) || v <= 0) throw new Error(`${flag} must be above 0, not ${String(v)}`);
  }
  const order = alternation(o.rounds); // checks --rounds before anything starts
  const M = o.members;
  const members = Array.from({ length: M }, (_, i) => `member${String(i + 1)}`);
  const { templateData, expectedData, fedConfigMap, propagated } = benchObjects(members, NS);

  let manager: RunningManager | undefined;
  /** Informers to stop at the end. */
  const informers: Informer[] = [];
  let tracker: MemberTracker | undefined;
  const clients: KubeClient[] = [];
  // A manager that exits on its own leaves its phase waiting for nothing: stop at once rather
  // than at the phase's timeout.
  const watchdog = setInterval(() => {
    if (manager?.exitedOnItsOwn() === true) {
      clearInterval(watchdog);
      o.abort(`a controller manager exited on its own (log: ${manager.log})`);
    }
  }, 500);
  o.onCleanup(async () => {
    clearInterval(watchdog);
    await manager?.stop().catch(() => undefined);
    await tracker?.stop().catch(() => undefined);
    await Promise.all(informers.map((i) => i.stop().catch(() => undefined)));
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await down({ dir: o.sandboxDir, print });
  });

  // Built (or found in the cache) before anything starts: a failed build fails the run at once.
  print(`The Go KubeFed: ${await goKubeFedDir()}`);
  await down({ dir: o.sandboxDir, print });
  print(`Starting a sandbox with ${String(M)} members in ${o.sandboxDir}`);
  const sandbox = await up({ dir: o.sandboxDir, members: M, print });
  const kubeconfig = sandbox.kubeconfig;
  const client = (context: string): KubeClient => {
    const c = new KubeClient(loadClusterConfig({ path: kubeconfig, context }), {
      cluster: context,
    });
    clients.push(c);
    return c;
  };
  const host = client('host');
  const memberClients = members.map(client);
  const readers = [client('host'), ...members.map(client)];

  print('kubefedctl init and join (ours: the Go KubeFed runs on the same objects)');
  const common = ['--kubeconfig', kubeconfig, '--host-cluster-context', 'host'];
  await kubefedctl(['init', ...common]);
  for (const m of members) await kubefedctl(['join', m, '--cluster-context', m, ...common]);

  // Both read the same fully defaulted KubeFedConfig file (`--kubefed-config`): the Go
  // controller-manager validates it and has no webhook to default it.
  const settingFile = (name: string, config: KubeFedConfig): string => {
    const file = join(o.resultsDir, `kubefedconfig-${name}.yaml`);
    writeFileSync(file, stringify(config));
    return file;
  };
  const equal = defaultKubeFedConfig(KUBEFED_NS, 'Cluster');
  equal.spec.syncController = {
    ...equal.spec.syncController,
    maxConcurrentReconciles: o.equalWorkers,
  };
  equal.spec.statusController = { maxConcurrentReconciles: o.equalWorkers };
  const settings: Setting[] = [
    {
      name: 'defaults',
      configFile: settingFile('defaults', defaultKubeFedConfig(KUBEFED_NS, 'Cluster')),
      managerArgs: [],
    },
    {
      name: 'equal',
      configFile: settingFile('equal', equal),
      managerArgs: [
        `--rest-config-qps=${String(o.equalHostQps)}`,
        `--rest-config-burst=${String(2 * o.equalHostQps)}`,
      ],
    },
  ];

  let started = 0;
  const start = async (implementation: Implementation, setting: Setting): Promise<number> => {
    if (manager !== undefined) throw new Error('a controller manager is still running');
    const name = `peer-${String(++started)}-${implementation}`;
    manager =
      implementation === 'ours'
        ? await startOurs(kubeconfig, setting, join(o.resultsDir, `${name}.log`))
        : await startOriginal(kubeconfig, setting, o.resultsDir, name);
    return manager.leaderAt;
  };
  /** Stops the running manager and removes its leader lock, so the next one starts at once. */
  const stop = async (): Promise<void> => {
    await manager?.stop();
    manager = undefined;
    for (const resource of [configMapsResource, leasesResource]) {
      try {
        await host.delete(resource, LEADER_ELECTION_LOCK_NAME, { namespace: KUBEFED_NS });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  };
  const managerCpu = (): number => manager?.cpuSeconds() ?? NaN;

  // The federated namespace, once for all runs (its member namespaces stay).
  await createFederatedNamespace(host, NS, members);
  await start('ours', settings[0] as Setting);
  await waitUntil(
    'the federated namespace',
    async () => propagated(await host.get(federatedNamespaces, NS, { namespace: NS })),
    120_000,
  );
  await stop();

  // The cold phase: the objects whose status is not yet propagated, and when the last one was.
  const cold: { pending: Set<string>; doneAt: number | undefined } = {
    pending: new Set(),
    doneAt: undefined,
  };
  const expectCold = (names: string[]): void => {
    cold.doneAt = undefined;
    cold.pending = new Set(names);
  };
  const onHostFed = (obj: KubeObject): void => {
    if (cold.pending.size === 0 || !propagated(obj)) return;
    cold.pending.delete(obj.metadata?.name ?? '');
    if (cold.pending.size === 0) cold.doneAt = performance.now();
  };
  const hostFeds = new Informer({
    client: readers[0] as KubeClient,
    resource: federatedConfigMaps,
    namespace: NS,
    onAdd: onHostFed,
    onUpdate: (_old, obj) => onHostFed(obj),
  });
  hostFeds.start();
  await hostFeds.waitForSync({ timeoutMs: 60_000 });
  informers.push(hostFeds);
  const allPropagated = (): boolean => hostFeds.list().every(propagated);

  /** One run of every phase; the manager is stopped and the state clean before and after. */
  const run = async (
    implementation: Implementation,
    setting: Setting,
    id: string,
  ): Promise<{ figures: Figures; writes: Record<string, unknown> }> => {
    const f: Record<string, number> = {};
    // Each phase's writes by cluster and `verb resource`, for the JSON: what a figure is made of.
    const writes: Record<string, unknown> = {};
    const keep = (phase: string, d: Map<string, WriteDelta>): void => {
      writes[phase] = Object.fromEntries([...d].map(([c, w]) => [c, w.byKey]));
    };
    let peakMb = 0;
    const sampler = setInterval(() => {
      if (manager) peakMb = Math.max(peakMb, manager.memory().hwmMb);
    }, 500);
    try {
      const N = o.objects;
      const coldNames = Array.from({ length: N }, (_, i) => `${id}-${String(i).padStart(5, '0')}`);

      print(`   cold: ${String(N)} objects created with the manager stopped`);
      await pool(coldNames, 16, async (name) => {
        await host.create(federatedConfigMaps, fedConfigMap(name, 1), { namespace: NS });
      });
      await waitUntil('the host cache', () => hostFeds.size === N, 60_000);
      expectCold(coldNames);
      let before = await readAll(readers);
      const leaderAt = await start(implementation, setting);
      const cpu0 = managerCpu();
      await waitUntil('every status propagated', () => cold.doneAt !== undefined, 30 * 60_000);
      f['cold_cpu_s'] = managerCpu() - cpu0;
      f['cold_s'] = ((cold.doneAt ?? NaN) - leaderAt) / 1000;
      f['cold_rate'] = (N * M) / f['cold_s'];
      const wrong = await memberMismatches(
        memberClients,
        NS,
        new Map(coldNames.map((name) => [name, expectedData(name, 1)])),
      );
      if (wrong.length > 0) {
        throw new Error(
          `${implementation}: ${String(wrong.length)} member objects wrong after cold propagation: ${wrong.slice(0, 5).join('; ')}`,
        );
      }
      await sleep(3000);
      let d = deltas(before, await readAll(readers));
      keep('cold', d);
      f['cold_host_writes_per_object'] = hostWrites(d) / N;
      f['cold_member_writes_per_object'] = memberWrites(d) / (N * M);
      print(`   cold ${f['cold_s'].toFixed(1)} s after leader election`);

      tracker = new MemberTracker(memberClients, NS);
      await tracker.start();
      const t = tracker;
      const count = Math.round(o.rate * o.steadySeconds);
      print(`   steady: ${String(count)} objects at ${String(o.rate)}/s`);
      const steadyNames = Array.from(
        { length: count },
        (_, i) => `${id}-steady-${String(i).padStart(5, '0')}`,
      );
      const sentAt = new Map<string, number>();
      const steadyStart = performance.now() + 100;
      const creates: Promise<unknown>[] = [];
      for (const [i, name] of steadyNames.entries()) {
        const wait = steadyStart + (i * 1000) / o.rate - performance.now();
        if (wait > 0) await sleep(wait);
        t.expect(name, expectedData(name, 1));
        sentAt.set(name, performance.now());
        creates.push(host.create(federatedConfigMaps, fedConfigMap(name, 1), { namespace: NS }));
      }
      await Promise.all(creates);
      await t.waitAllDone(5 * 60_000);
      const steady = spread(steadyNames.map((n) => (t.doneAt(n) ?? NaN) - (sentAt.get(n) ?? NaN)));
      f['steady_p50_ms'] = steady.p50;
      f['steady_p99_ms'] = steady.p99;
      await waitUntil('propagation status of every object', allPropagated, 5 * 60_000);

      const everything = [...coldNames, ...steadyNames];
      print(`   update: ${String(everything.length)} templates`);
      await sleep(2000);
      before = await readAll(readers);
      const cpu1 = managerCpu();
      let t0 = performance.now();
      for (const name of everything) t.expect(name, expectedData(name, 2));
      await pool(everything, 16, async (name) => {
        await host.patch(
          federatedConfigMaps,
          name,
          { spec: { template: { data: templateData(name, 2) } } },
          { type: 'merge', namespace: NS },
        );
      });
      f['update_s'] = ((await t.waitAllDone(30 * 60_000)) - t0) / 1000;
      await waitUntil('propagation status of every object', allPropagated, 10 * 60_000);
      f['update_cpu_s'] = managerCpu() - cpu1;
      await sleep(3000);
      d = deltas(before, await readAll(readers));
      keep('update', d);
      // Less the benchmark's own patches.
      f['update_host_writes_per_object'] = (hostWrites(d) - everything.length) / everything.length;

      print(`   no-op resync: restart, count writes for ${String(o.noopSeconds)} s`);
      await sleep(3000);
      before = await readAll(readers);
      await stop();
      await start(implementation, setting);
      await sleep(o.noopSeconds * 1000);
      d = deltas(before, await readAll(readers));
      keep('noop', d);
      f['noop_member_writes'] = memberWrites(d);
      f['noop_host_writes'] = hostWrites(d);
      // From the new process's start: its initial lists and the window.
      f['noop_cpu_s'] = managerCpu();
      f['rest_rss_mb'] = manager?.memory().rssMb ?? NaN;

      print(`   delete: ${String(everything.length)} federated objects`);
      before = await readAll(readers);
      const cpu2 = managerCpu();
      t0 = performance.now();
      await pool(everything, 16, async (name) => {
        await host.delete(federatedConfigMaps, name, { namespace: NS });
      });
      f['delete_s'] = ((await t.waitAllGone(30 * 60_000)) - t0) / 1000;
      await waitUntil('the federated objects to go', () => hostFeds.size === 0, 10 * 60_000);
      f['delete_cpu_s'] = managerCpu() - cpu2;
      keep('delete', deltas(before, await readAll(readers)));
      f['peak_rss_mb'] = Math.max(peakMb, manager?.memory().hwmMb ?? 0);
      return {
        figures: Object.fromEntries(Object.entries(f).map(([k, v]) => [k, round(v, 3)])),
        writes,
      };
    } finally {
      clearInterval(sampler);
      await stop();
      await tracker?.stop();
      tracker = undefined;
    }
  };

  const runs: {
    setting: string;
    implementation: Implementation;
    figures: Figures;
    writes: Record<string, unknown>;
  }[] = [];
  const total = o.rounds * settings.length * 2;
  for (const pair of order) {
    for (const setting of settings) {
      for (const implementation of pair) {
        const id = `r${String(runs.length + 1)}`;
        print(
          `run ${String(runs.length + 1)} of ${String(total)}: ${implementation}, ${setting.name}`,
        );
        const { figures, writes } = await run(implementation, setting, id);
        print(`   ${JSON.stringify(figures)}`);
        runs.push({ setting: setting.name, implementation, figures, writes });
      }
    }
  }

  const table = renderTable(
    settings.map((s) => ({
      name: s.name,
      rows: compare(runs.filter((r) => r.setting === s.name)),
    })),
  );
  return {
    table,
    runs,
    objects: o.objects,
    members: M,
    rounds: o.rounds,
    steady: `${String(o.rate)}/s for ${String(o.steadySeconds)} s`,
    noop_window_s: o.noopSeconds,
    equal_setting: {
      'syncController.maxConcurrentReconciles': o.equalWorkers,
      'statusController.maxConcurrentReconciles': o.equalWorkers,
      '--rest-config-qps / --rest-config-burst': `${String(o.equalHostQps)} / ${String(2 * o.equalHostQps)}`,
    },
    machine: `${String(cpus().length)} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}`,
    date: new Date().toISOString(),
  };
}
