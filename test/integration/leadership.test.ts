// Leadership between controller managers, on the sandbox's real apiservers.
// 1. A controller manager that lost its lease writes nothing more. Manager A leads and propagates
//    a stream of FederatedConfigMaps to member1 and member2; we freeze it (SIGSTOP) past its
//    lease, manager B (cluster health only: it never writes to members) takes the lease, and we
//    create, update and delete federated objects so that A has watch events waiting. When A wakes
//    (SIGCONT) it must exit on its own, lease lost, without one write: counted on the apiservers
//    themselves (apiserver_request_total, leases and events aside), members and host.
// 2. A warm standby takes over fast. With a 4 s lease and a 2 s retry period, we kill the leader
//    (SIGKILL) and create a FederatedConfigMap right after: it must reach every member within the
//    lease duration + 2 s of the kill. Then a second standby replaces that leader after a SIGTERM
//    (the lease is released): it must lead within the retry period of the signal (at once, in
//    fact) and the next object must arrive within 2 s of that.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeClient } from '../../src/kube/client.ts';
import { isNotFound } from '../../src/kube/errors.ts';
import { loadClusterConfig } from '../../src/kube/kubeconfig.ts';
import type { ResourceRef } from '../../src/kube/resource.ts';
import type { KubeObject } from '../../src/json/object.ts';
import {
  closeClients,
  metricsClients,
  readWrites,
  waitForQuiet,
  writesSince,
} from './apiserver-metrics.ts';
import {
  createFederatedNamespace,
  deleteFederatedNamespace,
  eventually,
  joinClusters,
  kubectl,
  runCli,
  testSandbox,
  unjoinClusters,
} from './fixture.ts';
import { fastKubeFedConfigFile, startManager, type RunningManager } from './manager.ts';

const sandbox = testSandbox();
const common = ['--kubeconfig', sandbox.kubeconfig, '--host-cluster-context', 'host'];
const members = ['member1', 'member2'];
const ns = `lead-${Date.now().toString(36)}`;
const failoverNs = `failover-${Date.now().toString(36)}`;
const federatedConfigMaps: ResourceRef = {
  group: 'types.kubefed.io',
  version: 'v1beta1',
  resource: 'federatedconfigmaps',
  namespaced: true,
};

function fedConfigMap(name: string, value: string, namespace = ns): KubeObject {
  return {
    apiVersion: 'types.kubefed.io/v1beta1',
    kind: 'FederatedConfigMap',
    metadata: { name, namespace },
    spec: { template: { data: { value } }, placement: { clusterSelector: {} } },
  };
}

const memberConfigMap = async (context: string, name: string): Promise<string | undefined> => {
  const out = await kubectl(sandbox, [
    '--context',
    context,
    '-n',
    ns,
    'get',
    'configmap',
    name,
    '--ignore-not-found',
    '-o',
    'jsonpath={.data.value}',
  ]);
  return out === '' ? undefined : out;
};

async function leaseHolder(): Promise<string> {
  return kubectl(sandbox, [
    '--context',
    'host',
    '-n',
    'kube-federation-system',
    'get',
    'lease',
    'kubefed-controller-manager',
    '-o',
    'jsonpath={.spec.holderIdentity}',
  ]);
}

/** Creates `stream-0`, `stream-1`, ... one after the other until stopped. */
function startStream(host: KubeClient): { created: () => number; stop: () => Promise<void> } {
  let created = 0;
  const stopping = new AbortController();
  const done = (async () => {
    while (!stopping.signal.aborted) {
      await host.create(federatedConfigMaps, fedConfigMap(`stream-${String(created)}`, 'v1'), {
        namespace: ns,
      });
      created++;
      await sleep(100);
    }
  })();
  return {
    created: () => created,
    stop: async () => {
      stopping.abort();
      await done;
    },
  };
}

/**
 * Resolves once the manager's configmap sync controller has synced its cache of every member
 * (logged at --v=2): a standby that has been up for a while.
 */
async function waitUntilWarm(manager: RunningManager): Promise<void> {
  await eventually(() => {
    const available = new Set<string>();
    for (const line of manager.stderr().split('\n')) {
      if (!line.includes('Member cluster available')) continue;
      const entry = JSON.parse(line) as { controller?: string; cluster?: string };
      if (entry.controller === 'federatedconfigmap' && entry.cluster) available.add(entry.cluster);
    }
    return Promise.resolve(members.every((m) => available.has(m)) ? true : undefined);
  }, 60_000);
}

/** Milliseconds from `since` until the ConfigMap `name` of `namespace` exists in every member. */
async function msUntilInAllMembers(
  clients: readonly KubeClient[],
  namespace: string,
  name: string,
  since: number,
  timeoutMs = 60_000,
): Promise<number> {
  const configMaps: ResourceRef = {
    group: '',
    version: 'v1',
    resource: 'configmaps',
    namespaced: true,
  };
  const pending = new Set(clients);
  while (pending.size > 0) {
    if (Date.now() - since > timeoutMs)
      throw new Error(`${name} not in every member after ${String(timeoutMs)} ms`);
    for (const client of [...pending]) {
      try {
        await client.get(configMaps, name, { namespace });
        pending.delete(client);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    if (pending.size > 0) await sleep(25);
  }
  return Date.now() - since;
}

describe('leadership', () => {
  let config: string;
  let host: KubeClient;
  let a: RunningManager | undefined;
  let b: RunningManager | undefined;
  /** The failover test's managers. */
  const failover: RunningManager[] = [];

  before(async () => {
    const init = await runCli('kubefedctl', ['init', ...common]);
    assert.equal(init.code, 0, init.stderr);
    await joinClusters(sandbox, members);
    config = await fastKubeFedConfigFile();
    host = new KubeClient(loadClusterConfig({ path: sandbox.kubeconfig, context: 'host' }), {
      cluster: 'host',
    });
  });

  after(async () => {
    try {
      if (a) {
        // Thawed, if the test stopped half-way, so that it can die.
        if (a.process.pid !== undefined) {
          try {
            process.kill(a.process.pid, 'SIGCONT');
          } catch {
            // already gone
          }
        }
        await a.stop('SIGKILL');
      }
      await b?.stop();
      for (const manager of failover) await manager.stop('SIGKILL');
      // Our objects carry A's finalizers: a manager of our own removes them and the member objects.
      const cleaner = await startManager(sandbox, ['--kubefed-config', config]);
      try {
        await cleaner.waitForLog('promoted as leader', 60_000);
        await deleteFederatedNamespace(sandbox, ns);
        await deleteFederatedNamespace(sandbox, failoverNs);
      } finally {
        await cleaner.stop();
      }
    } finally {
      await host.close();
      await unjoinClusters(sandbox, members);
    }
  });

  it('makes no write once another manager leads, and exits on its own', async (t) => {
    a = await startManager(sandbox, ['--kubefed-config', config]);
    await a.waitForLog('promoted as leader', 60_000);
    const aIdentity = await leaseHolder();
    await createFederatedNamespace(sandbox, ns);
    await host.create(federatedConfigMaps, fedConfigMap('proof', 'v1'), { namespace: ns });
    for (const context of members) await eventually(() => memberConfigMap(context, 'proof'));

    // A is busy propagating a stream of new objects when it freezes.
    const stream = startStream(host);
    const metrics = metricsClients(sandbox, ['host', ...members]);
    try {
      await eventually(() => memberConfigMap('member1', 'stream-5'));
      assert.ok(a.process.pid !== undefined);
      process.kill(a.process.pid, 'SIGSTOP');
      const createdBeforeFreeze = stream.created();

      b = await startManager(sandbox, ['--kubefed-config', config, '--controllers=kubefedcluster']);
      await b.waitForLog('promoted as leader', 30_000);
      const bIdentity = await leaseHolder();
      assert.notEqual(bIdentity, aIdentity);

      // Work for A when it wakes: more new objects (the stream goes on), changed and deleted ones.
      await sleep(1000);
      await stream.stop();
      for (const name of ['proof', 'stream-1', 'stream-2', 'stream-3']) {
        await host.patch(
          federatedConfigMaps,
          name,
          { spec: { template: { data: { value: 'v2' } } } },
          { type: 'merge', namespace: ns },
        );
      }
      await host.delete(federatedConfigMaps, 'stream-0', { namespace: ns });
      t.diagnostic(
        `FederatedConfigMaps: ${String(createdBeforeFreeze)} created before A froze, ${String(stream.created() - createdBeforeFreeze)} while frozen; 4 updated and 1 deleted while frozen`,
      );

      // Frozen A, B (cluster health, whose status does not change) and the clusters' own
      // controllers have nothing left to write: from here on, any write is A's.
      await waitForQuiet(metrics, { quietMs: 3000, timeoutMs: 30_000 });
      const before = await readWrites(metrics);
      const thawedAt = Date.now();
      process.kill(a.process.pid, 'SIGCONT');
      const exit = await Promise.race([a.exited, sleep(10_000).then(() => 'running' as const)]);
      const exitedAfterMs = Date.now() - thawedAt;
      await sleep(Math.max(0, thawedAt + 10_000 - Date.now()));
      const writes = await writesSince(before, metrics);
      const holder = await leaseHolder();
      t.diagnostic(
        `A after SIGCONT: ${exit === 'running' ? 'still running after 10 s' : `exited ${String(exit)} after ${String(exitedAfterMs)} ms`}; writes in the 10 s after SIGCONT: ${JSON.stringify(writes)}`,
      );

      const log = a.stderr();
      assert.deepEqual(
        {
          memberWrites: Object.fromEntries(
            Object.entries(writes).filter(([key]) => !key.startsWith('host ')),
          ),
          hostWrites: Object.fromEntries(
            Object.entries(writes).filter(([key]) => key.startsWith('host ')),
          ),
          exitedNonZeroWithin5s: exit !== 'running' && exit !== 0 && exitedAfterMs <= 5000,
          loggedLeaderElectionLost: log.includes('leader election lost'),
          loggedLostLease: log.includes('lost lease'),
          leaseHeldByB: holder === bIdentity,
        },
        {
          memberWrites: {},
          hostWrites: {},
          exitedNonZeroWithin5s: true,
          loggedLeaderElectionLost: true,
          loggedLostLease: true,
          leaseHeldByB: true,
        },
        `after SIGCONT, A (${exit === 'running' ? 'still running' : `exit ${String(exit)} after ${String(exitedAfterMs)} ms`}) wrote (cluster verb resource: count) and the lease is held by ${holder}`,
      );
    } finally {
      await stream.stop();
      await closeClients(metrics);
    }
  });

  it('a warm standby takes over within the lease duration + 2 s of a kill, and at once after SIGTERM', async (t) => {
    // The first test's manager B may still lead: this one needs the lease to itself.
    await b?.stop();
    b = undefined;
    const leaseMs = 4000;
    const retryPeriodMs = 2000;
    // A retry period of 2 s: a standby that only looked every retry period, or started cold,
    // would miss the bound.
    const timings = { leaseDuration: '4s', renewDeadline: '3s', retryPeriod: '2s' };
    const failoverConfig = await fastKubeFedConfigFile({ leaderElect: timings });
    const start = async (): Promise<RunningManager> => {
      const manager = await startManager(sandbox, ['--kubefed-config', failoverConfig, '--v=2']);
      failover.push(manager);
      return manager;
    };
    const memberClients = members.map(
      (context) =>
        new KubeClient(loadClusterConfig({ path: sandbox.kubeconfig, context }), {
          cluster: context,
        }),
    );
    try {
      const leader = await start();
      await leader.waitForLog('promoted as leader', 60_000);
      await createFederatedNamespace(sandbox, failoverNs);
      await host.create(federatedConfigMaps, fedConfigMap('before', 'v1', failoverNs), {
        namespace: failoverNs,
      });
      await msUntilInAllMembers(memberClients, failoverNs, 'before', Date.now());
      const standby = await start();
      await waitUntilWarm(standby);

      // Kill -9: the lease is not released, the standby must wait it out and not a moment more.
      const standbyLog = standby.stderr();
      assert.ok(leader.process.pid !== undefined);
      process.kill(leader.process.pid, 'SIGKILL');
      const killedAt = Date.now();
      const promoted = standby.waitForLog('promoted as leader', 30_000).then(() => Date.now());
      await host.create(federatedConfigMaps, fedConfigMap('after-kill', 'v1', failoverNs), {
        namespace: failoverNs,
      });
      const lastRenewal = await host.get(
        { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true },
        'kubefed-controller-manager',
        { namespace: 'kube-federation-system' },
      );
      const renewTime = Date.parse(
        String((lastRenewal['spec'] as { renewTime?: string }).renewTime),
      );
      const afterKillMs = await msUntilInAllMembers(
        memberClients,
        failoverNs,
        'after-kill',
        killedAt,
      );
      const promotedAfterMs = (await promoted) - killedAt;
      t.diagnostic(
        `SIGKILL of the leader (last renewal ${String(killedAt - renewTime)} ms before): standby promoted after ${String(promotedAfterMs)} ms, new object in every member after ${String(afterKillMs)} ms (lease ${String(leaseMs)} ms, bound ${String(leaseMs + 2000)} ms)`,
      );

      // SIGTERM releases the lease: a second warm standby takes over at once.
      const second = await start();
      await waitUntilWarm(second);
      const secondLog = second.stderr();
      assert.ok(standby.process.pid !== undefined);
      process.kill(standby.process.pid, 'SIGTERM');
      const terminatedAt = Date.now();
      const secondPromoted = second.waitForLog('promoted as leader', 30_000).then(() => Date.now());
      await host.create(federatedConfigMaps, fedConfigMap('after-term', 'v1', failoverNs), {
        namespace: failoverNs,
      });
      const afterTermMs = await msUntilInAllMembers(
        memberClients,
        failoverNs,
        'after-term',
        terminatedAt,
      );
      const secondPromotedAfterMs = (await secondPromoted) - terminatedAt;
      const standbyExit = await standby.exited;
      t.diagnostic(
        `SIGTERM of the leader (exit ${String(standbyExit)}): standby promoted after ${String(secondPromotedAfterMs)} ms, new object in every member after ${String(afterTermMs)} ms`,
      );

      assert.deepEqual(
        {
          killWithinLeasePlus2s: afterKillMs <= leaseMs + 2000,
          // The released lease is taken at once, not after a retry period or the lease duration,
          // and the warm standby propagates within 2 s of taking over.
          termPromotedWithinRetryPeriod: secondPromotedAfterMs < retryPeriodMs,
          termWithin2sOfPromotion: afterTermMs <= secondPromotedAfterMs + 2000,
          terminatedLeaderExit: standbyExit,
          // A standby sends no write: none was even attempted (the write fence would say so).
          standbyWritesFenced: [standbyLog, secondLog].filter((log) =>
            log.includes('not sent: this process'),
          ).length,
        },
        {
          killWithinLeasePlus2s: true,
          termPromotedWithinRetryPeriod: true,
          termWithin2sOfPromotion: true,
          terminatedLeaderExit: 0,
          standbyWritesFenced: 0,
        },
        `after SIGKILL: ${String(afterKillMs)} ms; after SIGTERM: ${String(afterTermMs)} ms`,
      );
    } finally {
      await Promise.all(memberClients.map((c) => c.close()));
    }
  });
});
