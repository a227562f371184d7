// Leader election side by side with the real Go KubeFed v0.10 (built from the Go module proxy):
// its replicas elect on the ConfigMap lock its KubeFedConfig names, ours on that ConfigMap and
// the Lease together. Replicas of both run against the sandbox's host through kills (SIGKILL: the
// lock runs out) and stops (SIGTERM: ours releases both locks, the Go one releases nothing);
// every 200 ms we sample who says it leads (its log: `promoted as leader`, and not yet ended)
// and who holds the ConfigMap record and the Lease. Never two leaders; the next one takes over.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LEADER_ELECTION_LOCK_NAME } from '../../src/apis/constants.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { isNotFound } from '../../src/kube/errors.ts';
import { loadClusterConfig } from '../../src/kube/kubeconfig.ts';
import type { ResourceRef } from '../../src/kube/resource.ts';
import { parseAnnotationRecord, LEADER_ANNOTATION } from '../../src/runtime/lock-record.ts';
import { startGoKubeFed, type GoKubeFedManager } from '../../src/sandbox/kubefed-go.ts';
import { eventually, runCli, testSandbox } from './fixture.ts';
import { fastKubeFedConfigFile, startManager, type RunningManager } from './manager.ts';

const sandbox = testSandbox();
const kfns = 'kube-federation-system';
const configMaps: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'configmaps',
  namespaced: true,
};
const leases: ResourceRef = {
  group: 'coordination.k8s.io',
  version: 'v1',
  resource: 'leases',
  namespaced: true,
};
/** Lease 3 s, renew deadline 2 s, retry 500 ms (fastKubeFedConfigFile). */
const LEASE_MS = 3_000;

interface Replica {
  name: string;
  kind: 'go' | 'ours';
  /** Says it leads: promoted, and its term not ended, and still running. */
  leads(): boolean;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

function goReplica(name: string, go: GoKubeFedManager): Replica {
  return {
    name,
    kind: 'go',
    leads() {
      const log = go.logText();
      return (
        go.isAlive() && log.includes('promoted as leader') && !log.includes('leader election lost')
      );
    },
    stop: () => go.stop(),
    kill: () => go.kill(),
  };
}

function ourReplica(name: string, manager: RunningManager): Replica {
  let exited = false;
  void manager.exited.then(() => (exited = true));
  return {
    name,
    kind: 'ours',
    leads() {
      const log = manager.stderr();
      return (
        !exited &&
        log.includes('promoted as leader') &&
        !log.includes('shutting down') &&
        !log.includes('leader election lost')
      );
    },
    stop: async () => {
      await manager.stop('SIGTERM');
    },
    kill: async () => {
      await manager.stop('SIGKILL');
    },
  };
}

interface Sample {
  atMs: number;
  leaders: string[];
  configMapHolder: string | undefined;
  leaseHolder: string | undefined;
}

describe('leader election beside the Go KubeFed', { timeout: 5 * 60_000 }, () => {
  const host = new KubeClient(loadClusterConfig({ path: sandbox.kubeconfig, context: 'host' }), {
    cluster: 'host',
    timeoutMs: 5_000,
  });
  const replicas: Replica[] = [];
  const samples: Sample[] = [];
  let sampling = true;
  let sampler: Promise<void> | undefined;
  let configFile: string;
  let dir: string;

  const holderOf = async (resource: ResourceRef): Promise<string | undefined> => {
    try {
      const object = await host.get(resource, LEADER_ELECTION_LOCK_NAME, { namespace: kfns });
      if (resource === leases)
        return (object['spec'] as { holderIdentity?: string }).holderIdentity ?? '';
      return (
        parseAnnotationRecord(object.metadata?.annotations?.[LEADER_ANNOTATION], 'lock')
          .holderIdentity ?? ''
      );
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
  const leaders = (): string[] => replicas.filter((r) => r.leads()).map((r) => r.name);

  async function sampleForever(): Promise<void> {
    const start = Date.now();
    while (sampling) {
      const before = leaders();
      const [configMapHolder, leaseHolder] = await Promise.all([
        holderOf(configMaps),
        holderOf(leases),
      ]);
      const now = leaders();
      samples.push({ atMs: Date.now() - start, leaders: now, configMapHolder, leaseHolder });
      assert.ok(
        before.length <= 1 && now.length <= 1,
        `two leaders: ${before.join()} / ${now.join()}`,
      );
      // With one leader throughout the sample, the locks say who: ours holds both, a Go replica
      // only the ConfigMap.
      const only = now.length === 1 && before.join() === now.join() ? now[0] : undefined;
      const leader = replicas.find((r) => r.name === only);
      if (leader?.kind === 'ours')
        assert.equal(configMapHolder, leaseHolder, `${leader.name} leads without both locks`);
      if (leader?.kind === 'go')
        assert.notEqual(configMapHolder, leaseHolder, `the Lease names Go's ${leader.name}`);
      await sleep(200);
    }
  }

  const startGo = async (name: string): Promise<Replica> => {
    const go = await startGoKubeFed({
      kubeconfig: sandbox.kubeconfig,
      context: 'host',
      namespace: kfns,
      dir,
      name,
      kubefedConfigFile: configFile,
      verbosity: 1,
    });
    await go.waitForHealthz();
    const replica = goReplica(name, go);
    replicas.push(replica);
    return replica;
  };
  const startOurs = async (name: string): Promise<Replica> => {
    const manager = await startManager(sandbox, ['--kubefed-config', configFile]);
    await manager.waitForLog('Attempting to acquire the leader lease');
    const replica = ourReplica(name, manager);
    replicas.push(replica);
    return replica;
  };
  /** Waits until `replica` leads (a lease duration and a margin); resolves with how long it took. */
  const leadsSoon = async (replica: Replica, what: string): Promise<number> => {
    const since = Date.now();
    await eventually(
      () => Promise.resolve(replica.leads() ? true : undefined),
      LEASE_MS + 15_000,
    ).catch((error: unknown) => {
      throw new Error(`${what}: ${replica.name} does not lead`, { cause: error });
    });
    return Date.now() - since;
  };
  /** Two lease durations with `standby` running and not leading (sampled meanwhile). */
  const staysStandby = async (standby: Replica): Promise<void> => {
    const until = Date.now() + 2 * LEASE_MS;
    while (Date.now() < until) {
      assert.equal(standby.leads(), false, `${standby.name} leads beside the leader`);
      await sleep(200);
    }
  };

  before(async () => {
    const init = await runCli('kubefedctl', [
      'init',
      '--kubeconfig',
      sandbox.kubeconfig,
      '--host-cluster-context',
      'host',
    ]);
    assert.equal(init.code, 0, init.stderr);
    configFile = await fastKubeFedConfigFile();
    dir = await mkdtemp(join(tmpdir(), 'peer-leadership-'));
    sampler = sampleForever();
    // A violation is reported when the test awaits the sampler; until then it is handled here.
    sampler.catch(() => undefined);
  });

  after(async () => {
    sampling = false;
    await sampler?.catch(() => undefined);
    for (const replica of replicas) await replica.kill();
    // The Go replica does not release its ConfigMap record: free the lock for the next test.
    await host
      .delete(configMaps, LEADER_ELECTION_LOCK_NAME, { namespace: kfns })
      .catch(() => undefined);
    await host.close();
  });

  it('hands leadership back and forth through kills and stops, never two leaders', async () => {
    const go1 = await startGo('go-1');
    await leadsSoon(go1, 'first Go replica');
    const ours1 = await startOurs('ours-1');
    await staysStandby(ours1);

    await go1.kill();
    await leadsSoon(ours1, 'ours after the Go leader was killed');
    const go2 = await startGo('go-2');
    await staysStandby(go2);

    await ours1.kill();
    await leadsSoon(go2, 'Go after our leader was killed');
    const ours2 = await startOurs('ours-2');
    await staysStandby(ours2);

    await go2.stop();
    await leadsSoon(ours2, 'ours after the Go leader stopped');
    const go3 = await startGo('go-3');
    await staysStandby(go3);

    // Ours releases both locks on SIGTERM: the Go standby takes over without waiting them out.
    await ours2.stop();
    const releasedAfterMs = await leadsSoon(go3, 'Go after our leader stopped');
    // Unreleased, it would wait out the lease: at least 2.5 s after our last renewal.
    assert.ok(releasedAfterMs < 2_000, `Go took ${releasedAfterMs} ms after our release`);
    await go3.stop();

    sampling = false;
    await sampler;
    const led = new Set(samples.flatMap((s) => s.leaders));
    assert.deepEqual([...led].sort(), ['go-1', 'go-2', 'go-3', 'ours-1', 'ours-2']);
    assert.ok(samples.length > 50, `only ${samples.length} samples`);
  });
});
