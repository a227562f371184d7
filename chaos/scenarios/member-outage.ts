// Member outage: a batch of FederatedConfigMaps on both members propagates with both up (the
// baseline); a second batch propagates while member2's apiserver is stopped a third of the way
// in, and member1 must converge about as fast as in the baseline. With member2 still down, some
// objects are updated and some deleted; once member2 is back everything converges, with nothing
// lost, orphaned, stale or duplicated.
import { startCluster, stopCluster } from '../../src/sandbox/sandbox.ts';
import { pool } from '../../bench/pool.ts';
import {
  HEALTHY_SLACK_S,
  HEALTHY_SLOWDOWN_FACTOR,
  MAX_BAD_OBJECTS,
  RECOVERY_BOUND_S,
  CONVERGENCE_TIMEOUT_S,
} from '../goals.ts';
import { UidTracker, fedConfigMap, federatedConfigMaps } from '../env.ts';
import type { Scenario } from '../scenario.ts';
import { duplicates, firstOf, type Desired } from '../verdict.ts';

const NS = 'chaos-outage';
const DOWN = 'member2';

export const memberOutage: Scenario = {
  name: 'member-outage',
  fault: `${DOWN}'s apiserver stopped mid-propagation, updates and deletes while it is down, then started`,
  async run(env, { quick }) {
    const n = quick ? 60 : 200;
    await env.manager(env.configFile());
    await env.federatedNamespace(NS);
    const tracker = new UidTracker(env.memberClients, NS);
    await tracker.start();
    const desired = new Map<string, Desired>();
    const arrivals = new Map<string, number>();
    const both = new Set(env.members);
    const create = async (names: string[], afterEach?: (i: number) => void): Promise<void> => {
      let i = 0;
      await pool(names, 8, async (name) => {
        desired.set(name, { clusters: both, data: { v: '1' } });
        for (const c of both) arrivals.set(`${c}/${name}`, 1);
        await env.host.create(federatedConfigMaps, fedConfigMap(NS, name, both, { v: '1' }), {
          namespace: NS,
        });
        afterEach?.(++i);
      });
    };
    const onMember1 = (): Map<string, Desired> =>
      new Map(
        [...desired].map(([name, d]) => [
          name,
          { ...d, clusters: new Set([...d.clusters].filter((c) => c === 'member1')) },
        ]),
      );
    const batch = (prefix: string): string[] =>
      Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);

    // Baseline: both members up.
    let t0 = performance.now();
    await create(batch('base'));
    const baseline = await env.converge(NS, onMember1, {
      timeoutS: CONVERGENCE_TIMEOUT_S,
      since: t0,
      clusters: ['member1'],
    });
    await env.converge(NS, () => desired, { timeoutS: CONVERGENCE_TIMEOUT_S });

    // The outage, a third of the way into the second batch.
    let stopping: Promise<void> | undefined;
    t0 = performance.now();
    await create(batch('outage'), (i) => {
      if (i === Math.floor(n / 3))
        stopping = stopCluster({ dir: env.dir, cluster: DOWN, print: () => undefined });
    });
    const healthy = await env.converge(NS, onMember1, {
      timeoutS: CONVERGENCE_TIMEOUT_S,
      since: t0,
      clusters: ['member1'],
    });
    await stopping;

    // While it is down: a quarter of the baseline updated, another quarter deleted.
    const base = batch('base');
    await pool(base.slice(0, n / 4), 8, async (name) => {
      desired.set(name, { clusters: both, data: { v: '2' } });
      await env.host.patch(
        federatedConfigMaps,
        name,
        { spec: { template: { data: { v: '2' } } } },
        { type: 'merge', namespace: NS },
      );
    });
    await pool(base.slice(n / 4, n / 2), 8, async (name) => {
      desired.delete(name);
      await env.host.delete(federatedConfigMaps, name, { namespace: NS });
    });

    await startCluster({ dir: env.dir, cluster: DOWN, print: () => undefined });
    const recovery = await env.converge(NS, () => desired, { timeoutS: RECOVERY_BOUND_S });
    await tracker.stop();
    const duplicated = duplicates(tracker.created(), arrivals);
    const v = recovery.verdict;
    const bad = v.lost.length + v.orphaned.length + v.stale.length + duplicated.length;
    const bound = baseline.seconds * HEALTHY_SLOWDOWN_FACTOR + HEALTHY_SLACK_S;
    const cleanup = await env.removeNamespace(NS);
    await env.stopManagers();
    const fmt = (s: number): string => (Number.isNaN(s) ? 'never' : s.toFixed(1));
    return {
      pass: healthy.seconds <= bound && !Number.isNaN(recovery.seconds) && bad <= MAX_BAD_OBJECTS,
      figures: {
        objects: 2 * n,
        baseline_s: fmt(baseline.seconds),
        healthy_during_outage_s: fmt(healthy.seconds),
        healthy_bound_s: fmt(bound),
        recovered_s: fmt(recovery.seconds),
        lost: v.lost.length,
        orphaned: v.orphaned.length,
        stale: v.stale.length,
        duplicate: duplicated.length,
        cleanup,
      },
      goal: `healthy member <= ${String(HEALTHY_SLOWDOWN_FACTOR)} x baseline + ${String(HEALTHY_SLACK_S)} s; all converged <= ${String(RECOVERY_BOUND_S)} s after restart; 0 lost/orphaned/stale/duplicate`,
      examples: firstOf({
        lost: v.lost,
        orphaned: v.orphaned,
        stale: v.stale,
        duplicate: duplicated,
      }),
    };
  },
};
