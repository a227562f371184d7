// A controller manager that lost its lease writes nothing more. Manager A leads and propagates a
// stream of FederatedConfigMaps to member1 and member2; we freeze it (SIGSTOP) past its lease,
// manager B (cluster health only: it never writes to members) takes the lease, and we create,
// update and delete federated objects so that A has watch events waiting. When A wakes (SIGCONT)
// it must exit on its own, lease lost, without one write: counted on the apiservers themselves
// (apiserver_request_total, leases and events aside), members and host.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeClient } from '../../src/kube/client.ts';
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
const federatedConfigMaps: ResourceRef = {
  group: 'types.kubefed.io',
  version: 'v1beta1',
  resource: 'federatedconfigmaps',
  namespaced: true,
};

function fedConfigMap(name: string, value: string): KubeObject {
  return {
    apiVersion: 'types.kubefed.io/v1beta1',
    kind: 'FederatedConfigMap',
    metadata: { name, namespace: ns },
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

describe('a controller manager that lost its lease', () => {
  let config: string;
  let host: KubeClient;
  let a: RunningManager | undefined;
  let b: RunningManager | undefined;

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
      // Our objects carry A's finalizers: a manager of our own removes them and the member objects.
      const cleaner = await startManager(sandbox, ['--kubefed-config', config]);
      try {
        await cleaner.waitForLog('promoted as leader', 60_000);
        await deleteFederatedNamespace(sandbox, ns);
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
});
