// ReplicaSchedulingPreferences on the sandbox's real scheduling: replicas spread by weight over
// host, member1 and member2; a cluster too small for its share (pods really Pending) hands the
// rest to the others after the unschedulable threshold; a stopped member's replicas move to the
// others and come back when it returns, without the ready total dropping below what runs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import type { KubeObject } from '../../src/json/object.ts';
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
const clusters = ['host', 'member1', 'member2'];
const ns = `rsp-${Date.now().toString(36)}`;

async function apply(object: KubeObject): Promise<void> {
  await kubectl(sandbox, ['--context', 'host', 'apply', '-f', '-'], stringify(object));
}

/** `spec.replicas` and `status.readyReplicas` of the member Deployment, per cluster. */
async function memberReplicas(
  name: string,
  among = clusters,
): Promise<Record<string, { replicas: number; ready: number }>> {
  const result: Record<string, { replicas: number; ready: number }> = {};
  for (const context of among) {
    // A member that is stopped or starting does not answer: it runs nothing we can count.
    const out = await kubectl(sandbox, [
      '--context',
      context,
      '-n',
      ns,
      'get',
      'deployment',
      name,
      '--ignore-not-found',
      '-o',
      'jsonpath={.spec.replicas}/{.status.readyReplicas}',
      '--request-timeout=5s',
    ]).catch(() => '');
    if (out.trim() === '') continue;
    const [replicas, ready] = out.trim().split('/');
    result[context] = { replicas: Number(replicas), ready: Number(ready || 0) };
  }
  return result;
}

const spec = (replicas: Record<string, { replicas: number; ready: number }>) =>
  Object.fromEntries(Object.entries(replicas).map(([c, r]) => [c, r.replicas]));

const allReady = (replicas: Record<string, { replicas: number; ready: number }>) =>
  Object.values(replicas).every((r) => r.ready === r.replicas);

function fedDeployment(name: string, overrides: unknown[] = []): KubeObject {
  return {
    apiVersion: 'types.kubefed.io/v1beta1',
    kind: 'FederatedDeployment',
    metadata: { name, namespace: ns },
    spec: {
      template: {
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: {
              terminationGracePeriodSeconds: 0,
              containers: [
                {
                  name,
                  image: 'registry.k8s.io/pause:3.10',
                  resources: { requests: { cpu: '10m', memory: '16Mi' } },
                },
              ],
            },
          },
        },
      },
      placement: { clusters: clusters.map((c) => ({ name: c })) },
      overrides,
    },
  };
}

function preference(name: string, rspSpec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'scheduling.kubefed.io/v1alpha1',
    kind: 'ReplicaSchedulingPreference',
    metadata: { name, namespace: ns },
    spec: { targetKind: 'FederatedDeployment', ...rspSpec },
  };
}

describe('replica scheduling preferences', { timeout: 12 * 60_000 }, () => {
  let manager: RunningManager;

  before(async () => {
    const init = await runCli('kubefedctl', ['init', ...common]);
    assert.equal(init.code, 0, init.stderr);
    await joinClusters(sandbox, clusters);
    const configFile = await fastKubeFedConfigFile({ fastClusterDelays: true });
    manager = await startManager(sandbox, [
      '--kubefed-config',
      configFile,
      '--pod-unschedulable-threshold',
      '5s',
      '--status-collection-window',
      '200ms',
    ]);
    await manager.waitForLog('promoted as leader', 60_000);
    await createFederatedNamespace(sandbox, ns);
  });

  after(async () => {
    try {
      await runCli('kubefed-sandbox', ['start', 'member2', '--dir', sandbox.dir]);
      await deleteFederatedNamespace(sandbox, ns);
    } finally {
      await manager.stop();
      await unjoinClusters(sandbox, clusters);
    }
  });

  it('spreads 9 replicas by weight, and re-plans when the weights change', async () => {
    // The controller is built after the FTC informer synced: its replayed events must not fail.
    assert.doesNotMatch(manager.stderr(), /Handling informer event failed/);
    await apply(fedDeployment('web'));
    await apply(preference('web', { totalReplicas: 9 }));
    await eventually(async () => {
      const now = await memberReplicas('web');
      return JSON.stringify(spec(now)) === JSON.stringify({ host: 3, member1: 3, member2: 3 }) &&
        allReady(now)
        ? true
        : undefined;
    });
    await apply(
      preference('web', {
        totalReplicas: 9,
        rebalance: true,
        clusters: { member1: { weight: 1 }, member2: { weight: 2 } },
      }),
    );
    await eventually(async () => {
      const now = await memberReplicas('web');
      return JSON.stringify(spec(now)) === JSON.stringify({ host: 0, member1: 3, member2: 6 }) &&
        allReady(now)
        ? true
        : undefined;
    });
    const events = await kubectl(sandbox, [
      '--context',
      'host',
      '-n',
      ns,
      'get',
      'events',
      '--field-selector=involvedObject.kind=ReplicaSchedulingPreference,reason=Rescheduled',
      '-o',
      'jsonpath={range .items[*]}{.message}{"\\n"}{end}',
    ]);
    // host keeps its ready replicas until member2's new ones are ready, then lets them go.
    assert.match(
      events,
      /Replicas per cluster: host 3→3 \(keeps ready replicas until the others are ready, planned 0\), member1 3→3, member2 3→6/,
    );
    assert.match(events, /Replicas per cluster: host [1-3]→0, member1 3→3, member2 6→6/);
  });

  it('moves the replicas a too-small cluster cannot run once its pods stay Pending', async () => {
    // member2's two nodes have 4 CPUs each: two pods of 3 CPUs fit there, the third stays Pending.
    await apply(
      fedDeployment('big', [
        {
          clusterName: 'member2',
          clusterOverrides: [
            { path: '/spec/template/spec/containers/0/resources/requests/cpu', value: '3' },
          ],
        },
      ]),
    );
    await apply(preference('big', { totalReplicas: 9, rebalance: true }));
    const settled = await eventually(async () => {
      const now = await memberReplicas('big');
      const ready = Object.values(now).reduce((sum, r) => sum + r.ready, 0);
      return (now['member2']?.ready ?? 0) === 2 && ready >= 9 ? now : undefined;
    }, 90_000);
    // member2 keeps its Pending replica (it may run once capacity frees), the others took it on.
    assert.equal(settled['member2']?.replicas, 3);
    assert.equal((settled['host']?.replicas ?? 0) + (settled['member1']?.replicas ?? 0), 7);
  });

  it("moves a stopped member's replicas to the others, and back without losing ready ones", async (t) => {
    await apply(preference('web', { totalReplicas: 9, rebalance: true }));
    await eventually(async () => {
      const now = await memberReplicas('web');
      return JSON.stringify(spec(now)) === JSON.stringify({ host: 3, member1: 3, member2: 3 }) &&
        allReady(now)
        ? true
        : undefined;
    });
    // Timed from the stop command: the apiserver goes down while it runs.
    const stoppedAt = Date.now();
    const stopped = await runCli('kubefed-sandbox', ['stop', 'member2', '--dir', sandbox.dir]);
    assert.equal(stopped.code, 0, stopped.stderr);
    const others = ['host', 'member1'];
    await eventually(async () => {
      const now = await memberReplicas('web', others);
      const ready = Object.values(now).reduce((sum, r) => sum + r.ready, 0);
      return ready === 9 ? true : undefined;
    }, 90_000);
    const failoverMs = Date.now() - stoppedAt;

    const started = await runCli('kubefed-sandbox', ['start', 'member2', '--dir', sandbox.dir]);
    assert.equal(started.code, 0, started.stderr);
    // Until member2's replicas are back, the others keep theirs: the ready total stays at 9.
    let lowest = Infinity;
    await eventually(async () => {
      const now = await memberReplicas('web');
      const ready = Object.values(now).reduce((sum, r) => sum + r.ready, 0);
      lowest = Math.min(lowest, ready);
      return JSON.stringify(spec(now)) === JSON.stringify({ host: 3, member1: 3, member2: 3 }) &&
        allReady(now)
        ? true
        : undefined;
    }, 120_000);
    t.diagnostic(
      `9 replicas ready on host and member1 ${String(failoverMs)} ms after member2 was told to stop`,
    );
    assert.ok(lowest >= 9, `the ready total fell to ${String(lowest)} while member2 came back`);
    assert.ok(failoverMs < 60_000, `failover took ${String(failoverMs)} ms`);
  });

  it('without rebalance leaves running replicas where they are, and spreads only new ones', async () => {
    await apply(
      preference('web', {
        totalReplicas: 12,
        rebalance: false,
        clusters: { member1: { weight: 2 }, '*': { weight: 1 } },
      }),
    );
    // 3 + 3 + 3 keep running; the 3 new ones go to member1, the heaviest.
    await eventually(async () => {
      const now = await memberReplicas('web');
      return JSON.stringify(spec(now)) === JSON.stringify({ host: 3, member1: 6, member2: 3 }) &&
        allReady(now)
        ? true
        : undefined;
    });
  });

  it('leaves the last distribution in place when the RSP is deleted, as KubeFed', async () => {
    const before = await memberReplicas('web');
    await kubectl(sandbox, [
      '--context',
      'host',
      '-n',
      ns,
      'delete',
      'replicaschedulingpreference',
      'web',
    ]);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.deepEqual(spec(await memberReplicas('web')), spec(before));
  });
});
