// What a warm standby costs at rest, beside its leader: N FederatedConfigMaps (1 KiB each) placed
// on member1 and member2, a leader that propagated them and a standby that has been up for 30 s;
// prints both processes' VmRSS (three samples, 5 s apart) and CPU seconds over 30 s.
// Runs against a running sandbox, like the integration tests:
//   KUBEFED_TEST_SANDBOX_DIR=.sandbox KUBEFED_TEST_KUBECONFIG=.sandbox/kubeconfig \
//     node bench/standby-memory.ts [N=500]
// It joins the members, and deletes its namespace and unjoins them at the end.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeClient } from '../src/kube/client.ts';
import { isAlreadyExists } from '../src/kube/errors.ts';
import { loadClusterConfig } from '../src/kube/kubeconfig.ts';
import type { ResourceRef } from '../src/kube/resource.ts';
import {
  createFederatedNamespace,
  deleteFederatedNamespace,
  joinClusters,
  runCli,
  testSandbox,
  unjoinClusters,
} from '../test/integration/fixture.ts';
import {
  fastKubeFedConfigFile,
  startManager,
  type RunningManager,
} from '../test/integration/manager.ts';
import { processCpuSeconds } from './process-cpu.ts';
import { configMapsResource } from './tracker.ts';

const objects = Number(process.argv[2] ?? 500);
const sandbox = testSandbox();
const members = ['member1', 'member2'];
const ns = `standby-${Date.now().toString(36)}`;
const federatedConfigMaps: ResourceRef = {
  group: 'types.kubefed.io',
  version: 'v1beta1',
  resource: 'federatedconfigmaps',
  namespaced: true,
};

function pidOf(manager: RunningManager): number {
  if (manager.process.pid === undefined) throw new Error('the controller manager did not start');
  return manager.process.pid;
}

function rssMb(manager: RunningManager): number {
  const status = readFileSync(`/proc/${String(pidOf(manager))}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

const client = (context: string): KubeClient =>
  new KubeClient(loadClusterConfig({ path: sandbox.kubeconfig, context }), { cluster: context });

const init = await runCli('kubefedctl', [
  'init',
  '--kubeconfig',
  sandbox.kubeconfig,
  '--host-cluster-context',
  'host',
]);
if (init.code !== 0) throw new Error(init.stderr);
await joinClusters(sandbox, members);
const config = await fastKubeFedConfigFile({
  // A lease that the leader's start-up burst on a busy machine cannot cost.
  leaderElect: { leaseDuration: '15s', renewDeadline: '10s', retryPeriod: '2s' },
});
const host = client('host');
const member1 = client('member1');
const leader = await startManager(sandbox, ['--kubefed-config', config]);
let standby: RunningManager | undefined;
try {
  await leader.waitForLog('promoted as leader', 60_000);
  await createFederatedNamespace(sandbox, ns);
  const payload = 'x'.repeat(1024);
  for (let i = 0; i < objects; i++) {
    const name = `o-${String(i)}`;
    const template = { data: { payload, i: String(i) } };
    await host
      .create(
        federatedConfigMaps,
        {
          apiVersion: 'types.kubefed.io/v1beta1',
          kind: 'FederatedConfigMap',
          metadata: { name, namespace: ns },
          spec: { template, placement: { clusterSelector: {} } },
        },
        { namespace: ns },
      )
      .catch((error: unknown) => {
        if (!isAlreadyExists(error)) throw error;
      });
  }
  for (;;) {
    const list = await member1.list(configMapsResource, {
      namespace: ns,
      labelSelector: 'kubefed.io/managed=true',
    });
    if (list.items.length >= objects) break;
    if (leader.process.exitCode !== null) throw new Error(`the leader exited:\n${leader.stderr()}`);
    await sleep(1000);
  }
  standby = await startManager(sandbox, ['--kubefed-config', config]);
  await sleep(30_000);
  const samples: string[] = [];
  for (let i = 0; i < 3; i++) {
    samples.push(`${rssMb(leader).toFixed(0)}/${rssMb(standby).toFixed(0)}`);
    await sleep(5000);
  }
  const cpuOf = (m: RunningManager): number => processCpuSeconds(pidOf(m)) ?? Number.NaN;
  const cpuBefore = [cpuOf(leader), cpuOf(standby)];
  await sleep(30_000);
  const cpu = [cpuOf(leader), cpuOf(standby)].map((seconds, i) =>
    (seconds - (cpuBefore[i] ?? 0)).toFixed(2),
  );
  console.log(
    `${String(objects)} objects on ${String(members.length)} members, at rest: VmRSS leader/standby ${samples.join(', ')} MiB; CPU over 30 s leader ${cpu[0] ?? ''} s, standby ${cpu[1] ?? ''} s`,
  );
} finally {
  await standby?.stop();
  await deleteFederatedNamespace(sandbox, ns).catch((error: unknown) => {
    console.error(`Deleting namespace ${ns} failed: ${String(error)}`);
  });
  await leader.stop();
  await Promise.all([host.close(), member1.close()]);
  await unjoinClusters(sandbox, members);
}
