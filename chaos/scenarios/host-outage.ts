// Host outage: FederatedConfigMaps are created and the host apiserver is stopped while they
// propagate, then started again. The controller manager runs under a supervisor that starts it
// again whenever it exits (as a Deployment would): it may exit once (a lost lease), but not loop;
// after the host is back everything converges, and the members see no storm of repeated writes.
import { setTimeout as sleep } from 'node:timers/promises';
import { startCluster, stopCluster } from '../../src/sandbox/sandbox.ts';
import { pool } from '../../bench/pool.ts';
import { deltas, readAll, sumCounted } from '../../bench/writes.ts';
import type { ManagerProcess } from '../../bench/manager-process.ts';
import {
  HOST_RECOVERY_BOUND_S,
  MAX_BAD_OBJECTS,
  MAX_MEMBER_WRITES_PER_MEMBER_OBJECT,
  MAX_RESTARTS_AFTER_HOST_BACK,
} from '../goals.ts';
import { ChaosEnv, UidTracker, fedConfigMap, federatedConfigMaps } from '../env.ts';
import type { Scenario } from '../scenario.ts';
import { duplicates, firstOf, type Desired } from '../verdict.ts';

const NS = 'chaos-host-outage';
/** Longer than the lease (3 s), so the leader's term ends while the host is away. */
const HOST_DOWN_S = 15;
/** After convergence, restarts and writes are still counted this long. */
const QUIET_S = 10;
/** Between a manager's exit and its restart, as a kubelet's first back-off would. */
const RESTART_DELAY_MS = 1000;

export const hostOutage: Scenario = {
  name: 'host-outage',
  fault: 'host apiserver stopped mid-propagation, started again',
  async run(env, { quick }) {
    const n = quick ? 60 : 200;
    const config = env.configFile();
    const supervisor = await supervise(env, config);
    await env.federatedNamespace(NS);
    const tracker = new UidTracker(env.memberClients, NS);
    await tracker.start();

    const both = new Set(env.members);
    const desired = new Map<string, Desired>();
    const arrivals = new Map<string, number>();
    const names = Array.from({ length: n }, (_, i) => `obj-${String(i).padStart(4, '0')}`);
    await pool(names, 16, async (name) => {
      desired.set(name, { clusters: both, data: { v: '1' } });
      for (const c of both) arrivals.set(`${c}/${name}`, 1);
      await env.host.create(federatedConfigMaps, fedConfigMap(NS, name, both, { v: '1' }), {
        namespace: NS,
      });
    });
    await stopCluster({ dir: env.dir, cluster: 'host', print: () => undefined });
    const heldAtStop = (await env.held(NS)).length;
    await sleep(HOST_DOWN_S * 1000);
    const before = await readAll(env.memberClients);
    await startCluster({ dir: env.dir, cluster: 'host', print: () => undefined });
    const backAt = performance.now();
    const restartsBefore = supervisor.restarts();

    const { seconds, verdict } = await env.converge(NS, () => desired, {
      timeoutS: HOST_RECOVERY_BOUND_S,
      since: backAt,
    });
    await sleep(QUIET_S * 1000);
    const memberWrites = sumCounted(deltas(before, await readAll(env.memberClients)), () => true);
    const restartsAfter = supervisor.restarts() - restartsBefore;
    await supervisor.stop();
    await tracker.stop();
    const duplicated = duplicates(tracker.created(), arrivals);
    // A member object missing when the host went away needs a create, one whose version could
    // not be recorded may be written once more; a storm repeats them.
    const writeBound = n * env.members.length * MAX_MEMBER_WRITES_PER_MEMBER_OBJECT;
    const bad =
      verdict.lost.length + verdict.orphaned.length + verdict.stale.length + duplicated.length;
    await env.manager(config);
    const cleanup = await env.removeNamespace(NS);
    await env.stopManagers();
    return {
      pass:
        !Number.isNaN(seconds) &&
        bad <= MAX_BAD_OBJECTS &&
        restartsAfter <= MAX_RESTARTS_AFTER_HOST_BACK &&
        memberWrites <= writeBound,
      figures: {
        objects: n,
        member_objects_at_stop: heldAtStop,
        host_down_s: HOST_DOWN_S,
        restarts_during: restartsBefore,
        restarts_after: restartsAfter,
        recovered_s: Number.isNaN(seconds) ? 'never' : seconds.toFixed(1),
        member_writes_after: memberWrites,
        member_write_bound: writeBound,
        lost: verdict.lost.length,
        orphaned: verdict.orphaned.length,
        stale: verdict.stale.length,
        duplicate: duplicated.length,
        cleanup,
      },
      goal: `converged <= ${String(HOST_RECOVERY_BOUND_S)} s after the host is back; <= ${String(MAX_RESTARTS_AFTER_HOST_BACK)} restart after; member writes after <= ${String(MAX_MEMBER_WRITES_PER_MEMBER_OBJECT)} per member object; 0 lost/orphaned/stale/duplicate`,
      examples: firstOf({
        lost: verdict.lost,
        orphaned: verdict.orphaned,
        stale: verdict.stale,
        duplicate: duplicated,
      }),
    };
  },
};

/**
 * Keeps one controller manager running: started again `RESTART_DELAY_MS` after each exit it did
 * not ask for. The one running now is the env's, so `env.stopManagers()` stops it too.
 */
async function supervise(
  env: ChaosEnv,
  config: string,
): Promise<{ restarts: () => number; stop: () => Promise<void> }> {
  let restarts = 0;
  let stopped = false;
  let current: Promise<ManagerProcess | undefined> = env.manager(config);
  await current;
  const watch = (m: ManagerProcess): void =>
    m.onExit((asked) => {
      if (asked || stopped) return;
      restarts++;
      current = sleep(RESTART_DELAY_MS).then(async () => {
        if (stopped) return undefined;
        const next = await env.manager(config, { leading: false });
        watch(next);
        return next;
      });
    });
  void current.then((m) => m && watch(m));
  return {
    restarts: () => restarts,
    async stop() {
      stopped = true;
      await current;
      await env.stopManagers();
    },
  };
}
