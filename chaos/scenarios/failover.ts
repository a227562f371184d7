// Leader failover: two controller managers; the leader is SIGKILLed and a FederatedConfigMap is
// created at once; timed from the kill until both members hold it, i.e. the new leader's first
// propagation. Repeated with a fresh standby each round.
import { setTimeout as sleep } from 'node:timers/promises';
import { FAILOVER_SLACK_S } from '../goals.ts';
import { fedConfigMap, federatedConfigMaps, type LeaderElection } from '../env.ts';
import type { Scenario } from '../scenario.ts';

const NS = 'chaos-failover';
/** Short, so the scenario is quick; the goal scales with it. */
const LEASE: LeaderElection = { leaseS: 5, renewS: 3, retryMs: 500 };
/** A fresh standby gets this long to start and sync its caches before the leader dies. */
const STANDBY_WARMUP_S = 8;

export const failover: Scenario = {
  name: 'failover',
  fault: 'SIGKILL of the leader of two controller managers',
  async run(env, { quick }) {
    const rounds = quick ? 1 : 3;
    const config = env.configFile({ lease: LEASE });
    let leader = await env.manager(config);
    await env.federatedNamespace(NS);
    const times: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const standby = await env.manager(config, { leading: false });
      await sleep(STANDBY_WARMUP_S * 1000);
      const name = `probe-${String(round)}`;
      const killedAt = performance.now();
      await env.kill(leader);
      await env.host.create(
        federatedConfigMaps,
        fedConfigMap(NS, name, env.members, { round: String(round) }),
        {
          namespace: NS,
        },
      );
      const { seconds } = await env.converge(
        NS,
        () =>
          new Map(
            Array.from({ length: round + 1 }, (_, i) => [
              `probe-${String(i)}`,
              { clusters: new Set(env.members), data: { round: String(i) } },
            ]),
          ),
        { timeoutS: 60, since: killedAt, pollMs: 100 },
      );
      times.push(seconds);
      env.print(`  round ${String(round + 1)}: ${seconds.toFixed(1)} s from the kill`);
      leader = standby;
    }
    const cleanup = await env.removeNamespace(NS);
    await env.stopManagers();
    const bound = LEASE.leaseS + FAILOVER_SLACK_S;
    const worst = Math.max(...times.map((t) => (Number.isNaN(t) ? Infinity : t)));
    return {
      pass: worst <= bound,
      figures: {
        rounds,
        lease_s: LEASE.leaseS,
        renew_deadline_s: LEASE.renewS,
        retry_ms: LEASE.retryMs,
        failover_s: times.map((t) => (Number.isNaN(t) ? 'never' : t.toFixed(1))).join(','),
        worst_s: Number.isFinite(worst) ? worst.toFixed(1) : 'never',
        cleanup,
      },
      goal: `first propagation by the new leader <= lease ${String(LEASE.leaseS)} s + ${String(FAILOVER_SLACK_S)} s`,
    };
  },
};
