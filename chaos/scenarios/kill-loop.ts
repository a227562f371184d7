// kill -9 loop with churn: creates, updates, placement changes, placement shrinks followed at once
// by deletes, and deletes of FederatedConfigMaps, while the controller manager is SIGKILLed and
// started again; then everything must converge with nothing lost, orphaned, stale or duplicated.
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../../src/kube/errors.ts';
import { CONVERGENCE_TIMEOUT_S, MAX_BAD_OBJECTS } from '../goals.ts';
import { ChaosEnv, UidTracker, fedConfigMap, federatedConfigMaps } from '../env.ts';
import { waitUntil } from '../../bench/wait.ts';
import { random } from '../fuzz.ts';
import type { Scenario } from '../scenario.ts';
import { duplicates, firstOf, type Desired } from '../verdict.ts';

const NS = 'chaos-churn';
/** Operations in flight at once (several users). */
const CONCURRENCY = 4;
const KILL_INTERVAL_S = 9;

export const killLoop: Scenario = {
  name: 'kill-loop',
  fault: 'kill -9 of the controller manager during create/update/placement/delete churn',
  async run(env, { quick, seed }) {
    const ops = quick ? 300 : 1500;
    const kills = quick ? 3 : 10;
    const rng = random(seed);
    const config = env.configFile();
    let manager = await env.manager(config);
    await env.federatedNamespace(NS);
    const tracker = new UidTracker(env.memberClients, NS);
    await tracker.start();

    const desired = new Map<string, Desired>();
    const arrivals = new Map<string, number>();
    const arrive = (name: string, clusters: Iterable<string>): void => {
      for (const c of clusters)
        arrivals.set(`${c}/${name}`, (arrivals.get(`${c}/${name}`) ?? 0) + 1);
    };
    const placement = (): Set<string> => {
      const chosen = env.members.filter(() => rng() < 0.6);
      return new Set(chosen.length > 0 ? chosen : [env.members[0]]);
    };
    // Host writes sent, by kind, counted when sent: a placement shrink followed by a delete is
    // two.
    const sent = { create: 0, update: 0, place: 0, shrinkThenDelete: 0, delete: 0 };
    const started = (): number =>
      sent.create + sent.update + sent.place + 2 * sent.shrinkThenDelete + sent.delete;
    let hostErrors = 0;
    const errors: string[] = [];

    // Objects an operation in flight works on: another one picks something else, as users
    // working on separate objects would.
    const busy = new Set<string>();
    const operate = async (): Promise<void> => {
      const live = [...desired.keys()].filter((n) => !busy.has(n));
      const roll = rng();
      if (live.length < 20 || roll < 0.3) {
        const name = `obj-${String(sent.create++).padStart(5, '0')}`;
        const want: Desired = { clusters: placement(), data: { v: '0' } };
        desired.set(name, want);
        arrive(name, want.clusters);
        busy.add(name);
        try {
          await env.host.create(
            federatedConfigMaps,
            fedConfigMap(NS, name, want.clusters, want.data),
            {
              namespace: NS,
            },
          );
        } finally {
          busy.delete(name);
        }
        return;
      }
      const name = live[Math.floor(rng() * live.length)] as string;
      busy.add(name);
      try {
        await change(name, roll);
      } finally {
        busy.delete(name);
      }
    };
    /** Updates, re-places or deletes `name`. */
    const change = async (name: string, roll: number): Promise<void> => {
      const was = desired.get(name) as Desired;
      if (roll < 0.6) {
        const data = { v: String(Number(was.data['v']) + 1) };
        desired.set(name, { ...was, data });
        sent.update++;
        await env.host.patch(
          federatedConfigMaps,
          name,
          { spec: { template: { data } } },
          { type: 'merge', namespace: NS },
        );
        return;
      }
      if (roll < 0.75) {
        const clusters = placement();
        arrive(
          name,
          [...clusters].filter((c) => !was.clusters.has(c)),
        );
        desired.set(name, { ...was, clusters });
        sent.place++;
        await patchPlacement(env, name, clusters);
        return;
      }
      desired.delete(name);
      if (roll < 0.9 && was.clusters.size > 1) {
        // The placement shrinks and the object goes before a pass may have seen the shrink.
        sent.shrinkThenDelete++;
        await patchPlacement(env, name, [...was.clusters].slice(0, 1));
        await env.host.delete(federatedConfigMaps, name, { namespace: NS });
        return;
      }
      sent.delete++;
      await env.host.delete(federatedConfigMaps, name, { namespace: NS });
    };

    // Paced so that the churn spans every kill.
    const perSecond = ops / (kills * KILL_INTERVAL_S + 2);
    const t0 = performance.now();
    const churn = Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (;;) {
          const due = t0 + (started() / perSecond) * 1000 - performance.now();
          if (due > 0) await sleep(due);
          if (started() >= ops) return;
          try {
            await operate();
          } catch (error) {
            hostErrors++;
            if (errors.length < 3) errors.push(errorMessage(error));
          }
        }
      }),
    );
    let killed = 0;
    for (; killed < kills; killed++) {
      // 4-11 s apart: the last kill lands while the churn still runs.
      await sleep(KILL_INTERVAL_S * (0.4 + 0.8 * rng()) * 1000);
      await env.kill(manager);
      manager = await env.manager(config, { leading: false });
    }
    await churn;
    await manager.waitForLog('promoted as leader', 90_000);
    env.print(`  ${String(started())} operations, ${String(killed)} kills; converging`);

    const { seconds, verdict } = await env.converge(NS, () => desired, {
      timeoutS: CONVERGENCE_TIMEOUT_S,
    });
    // Deleted federated objects must be gone from the host too (their finalizer removed).
    let terminating: string[] = [];
    await waitUntil(
      'deleted federated objects to go',
      async () => {
        const list = await env.host.list(federatedConfigMaps, { namespace: NS });
        terminating = list.items
          .filter((o) => !desired.has(o.metadata?.name ?? ''))
          .map((o) => `host/${o.metadata?.name ?? ''}`);
        return terminating.length === 0;
      },
      30_000,
    ).catch(() => undefined);
    await tracker.stop();
    const duplicated = duplicates(tracker.created(), arrivals);
    const bad =
      verdict.lost.length +
      verdict.orphaned.length +
      verdict.stale.length +
      duplicated.length +
      terminating.length;
    const cleanup = await env.removeNamespace(NS);
    await env.stopManagers();
    return {
      pass: bad <= MAX_BAD_OBJECTS && hostErrors === 0,
      figures: {
        ops: started(),
        kills: killed,
        creates: sent.create,
        updates: sent.update,
        placement_changes: sent.place,
        shrink_then_deletes: sent.shrinkThenDelete,
        deletes: sent.delete,
        lost: verdict.lost.length,
        orphaned: verdict.orphaned.length,
        stale: verdict.stale.length,
        duplicate: duplicated.length,
        stuck_deleting: terminating.length,
        host_errors: hostErrors,
        converged_s: Number.isNaN(seconds) ? 'never' : seconds.toFixed(1),
        cleanup,
      },
      goal: `0 lost, orphaned, stale, duplicate, stuck within ${String(CONVERGENCE_TIMEOUT_S)} s after the churn`,
      examples: [
        ...firstOf({
          lost: verdict.lost,
          orphaned: verdict.orphaned,
          stale: verdict.stale,
          duplicate: duplicated,
          stuck: terminating,
        }),
        ...errors,
      ],
    };
  },
};

async function patchPlacement(
  env: ChaosEnv,
  name: string,
  clusters: Iterable<string>,
): Promise<void> {
  await env.host.patch(
    federatedConfigMaps,
    name,
    { spec: { placement: { clusters: [...clusters].map((c) => ({ name: c })) } } },
    { type: 'merge', namespace: NS },
  );
}
