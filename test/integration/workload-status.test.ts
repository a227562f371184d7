// Workload status on the sandbox's real pods: a FederatedDeployment's aggregated status and Ready
// condition follow its members' Deployments (rolled out, scaled, Pending for lack of capacity),
// raw status collection copies each member's `.status` as KubeFed does, a type without a status
// (ConfigMap) still reaches Propagation True with collection on, and a settled object costs no
// write on a resync.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import type { FederatedObjectStatus } from '../../src/apis/types.ts';
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
  getJson,
  joinClusters,
  kubectl,
  runCli,
  testSandbox,
  unjoinClusters,
} from './fixture.ts';
import {
  fastKubeFedConfigFile,
  restartWrites,
  startManager,
  type RunningManager,
} from './manager.ts';

const sandbox = testSandbox();
const common = ['--kubeconfig', sandbox.kubeconfig, '--host-cluster-context', 'host'];
const members = ['member1', 'member2'];
const ns = `wls-${Date.now().toString(36)}`;
const KFNS = 'kube-federation-system';
/** "Within seconds": the pods' own start-up (scheduling, kwok's Ready) included. */
const SECONDS = 20_000;

const fedStatus = async (resource: string, name: string): Promise<FederatedObjectStatus> =>
  ((await getJson(sandbox, 'host', ['-n', ns, resource, name]))?.['status'] ??
    {}) as FederatedObjectStatus;

const condition = (status: FederatedObjectStatus, type: string) =>
  status.conditions?.find((c) => c.type === type);

async function apply(object: KubeObject): Promise<void> {
  await kubectl(sandbox, ['--context', 'host', 'apply', '-f', '-'], stringify(object));
}

/** Small requests, and no grace period so that scaling down and cleaning up are quick. */
function fedDeployment(name: string, replicas: number, overrides: unknown[] = []): KubeObject {
  return {
    apiVersion: 'types.kubefed.io/v1beta1',
    kind: 'FederatedDeployment',
    metadata: { name, namespace: ns },
    spec: {
      template: {
        spec: {
          replicas,
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
      placement: { clusters: members.map((name) => ({ name })) },
      overrides,
    },
  };
}

async function setStatusCollection(ftc: string, value: 'Enabled' | 'Disabled'): Promise<void> {
  await kubectl(sandbox, [
    '--context',
    'host',
    '-n',
    KFNS,
    'patch',
    'federatedtypeconfig',
    ftc,
    '--type=merge',
    '-p',
    JSON.stringify({ spec: { statusCollection: value } }),
  ]);
}

describe('workload status', { timeout: 10 * 60_000 }, () => {
  let manager: RunningManager;
  let managerArgs: string[];

  before(async () => {
    const init = await runCli('kubefedctl', ['init', ...common]);
    assert.equal(init.code, 0, init.stderr);
    await joinClusters(sandbox, members);
    // KubeFed's e2e setup: the gate on, and collection on for deployments.apps.
    const configFile = await fastKubeFedConfigFile({
      enableGates: ['RawResourceStatusCollection'],
    });
    await setStatusCollection('deployments.apps', 'Enabled');
    await setStatusCollection('configmaps', 'Enabled');
    managerArgs = [
      '--kubefed-config',
      configFile,
      '--status-collection-window',
      '200ms',
      '--v',
      '2',
    ];
    manager = await startManager(sandbox, managerArgs);
    await manager.waitForLog('promoted as leader', 60_000);
    await createFederatedNamespace(sandbox, ns);
  });

  after(async () => {
    try {
      await deleteFederatedNamespace(sandbox, ns);
    } finally {
      await manager.stop();
      await setStatusCollection('deployments.apps', 'Disabled');
      await setStatusCollection('configmaps', 'Disabled');
      for (const type of ['statefulsets.apps', 'daemonsets.apps']) {
        await runCli('kubefedctl', ['disable', type, '--delete-crd', ...common]);
      }
      await unjoinClusters(sandbox, members);
    }
  });

  it('shows a rolled-out FederatedDeployment ready in every cluster', async () => {
    await apply(fedDeployment('web', 2));
    const status = await eventually(async () => {
      const s = await fedStatus('federateddeployment', 'web');
      return condition(s, 'Ready')?.status === 'True' ? s : undefined;
    });
    assert.equal(condition(status, 'Propagation')?.status, 'True');
    assert.equal(condition(status, 'Ready')?.reason, 'WorkloadReady');
    const { clusters, ...totals } = status.workload ?? { clusters: [] };
    assert.deepEqual(totals, {
      ready: '4/4',
      readyClusters: '2/2',
      replicas: 4,
      updatedReplicas: 4,
      readyReplicas: 4,
      availableReplicas: 4,
    });
    assert.deepEqual(
      clusters.map((c) => `${c.name}:${String(c.ready)}:${String(c.readyReplicas)}`),
      ['member1:true:2', 'member2:true:2'],
    );
    const table = await kubectl(sandbox, [
      '--context',
      'host',
      '-n',
      ns,
      'get',
      'federateddeployments',
    ]);
    assert.match(table, /^NAME\s+READY\s+CLUSTERS\s+PROPAGATION\s+AGE\nweb\s+4\/4\s+2\/2\s+True\s/);
  });

  it('copies every member Deployment status into remoteStatus, as KubeFed does', async () => {
    await eventually(async () => {
      const status = await fedStatus('federateddeployment', 'web');
      for (const context of members) {
        const live = await getJson(sandbox, context, ['-n', ns, 'deployment', 'web']);
        const entry = status.clusters?.find((c) => c.name === context);
        if (JSON.stringify(entry?.remoteStatus) !== JSON.stringify(live?.['status']))
          return undefined;
      }
      return true;
    });
  });

  it('follows a scale-up within seconds', async () => {
    await apply(fedDeployment('web', 3));
    const status = await eventually(async () => {
      const s = await fedStatus('federateddeployment', 'web');
      return s.workload?.ready === '6/6' && condition(s, 'Ready')?.status === 'True'
        ? s
        : undefined;
    }, SECONDS);
    assert.equal(status.workload?.readyClusters, '2/2');
  });

  it('says which cluster is too small when its pods stay Pending', async () => {
    // member2's two nodes have 4 CPUs each: two pods of 3 CPUs fit, the third stays Pending.
    await apply(
      fedDeployment('big', 3, [
        {
          clusterName: 'member2',
          clusterOverrides: [
            { path: '/spec/template/spec/containers/0/resources/requests/cpu', value: '3' },
          ],
        },
      ]),
    );
    const status = await eventually(async () => {
      const s = await fedStatus('federateddeployment', 'big');
      return s.workload?.ready === '5/6' && s.workload.readyClusters === '1/2' ? s : undefined;
    }, SECONDS);
    const pending = await kubectl(sandbox, [
      '--context',
      'member2',
      '-n',
      ns,
      'get',
      'pods',
      '-l',
      'app=big',
      '--field-selector=status.phase=Pending',
      '-o',
      'name',
    ]);
    assert.equal(pending.trim().split('\n').length, 1, `one Pending pod in member2: ${pending}`);
    assert.deepEqual(condition(status, 'Ready'), {
      ...condition(status, 'Ready'),
      status: 'False',
      reason: 'ClustersNotReady',
      message: 'Not ready in 1 of 2 clusters: member2 (2/3 ready)',
    });
    assert.equal(condition(status, 'Propagation')?.status, 'True');
  });

  it('brings a type without a status (ConfigMap) to Propagation True with collection on', async () => {
    await apply({
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: 'FederatedConfigMap',
      metadata: { name: 'cfg', namespace: ns },
      spec: {
        template: { data: { a: 'b' } },
        placement: { clusters: members.map((name) => ({ name })) },
      },
    });
    const status = await eventually(async () => {
      const s = await fedStatus('federatedconfigmap', 'cfg');
      return condition(s, 'Propagation')?.status === 'True' ? s : undefined;
    });
    assert.deepEqual(status.clusters, [{ name: 'member1' }, { name: 'member2' }]);
    assert.equal(status.workload, undefined);
  });

  it('writes nothing once settled, and only the types’ controller status when a restarted manager resyncs', async () => {
    await apply(fedDeployment('web', 2));
    await eventually(async () => {
      const s = await fedStatus('federateddeployment', 'web');
      return s.workload?.ready === '4/4' && condition(s, 'Ready')?.status === 'True'
        ? true
        : undefined;
    });
    // Quiet for longer than the 10 s delay of member events that are not status changes.
    const metrics = metricsClients(sandbox, ['host', ...members]);
    try {
      await waitForQuiet(metrics, { quietMs: 12_000 });
      const expected = await restartWrites(sandbox);
      const before = await readWrites(metrics);
      await manager.stop();
      manager = await startManager(sandbox, managerArgs);
      await manager.waitForLog('Member cluster available', 60_000);
      await new Promise((resolve) => setTimeout(resolve, 12_000));
      assert.deepEqual(
        await writesSince(before, metrics),
        expected,
        'apiserver writes (cluster verb resource: count) while the restarted manager resynced',
      );
    } finally {
      await closeClients(metrics);
    }
  });

  // Last: the PropagatedVersions of the objects it deletes are garbage collected a while later,
  // which the write count of a resync above would see.
  it('reports StatefulSets, DaemonSets and Jobs ready (complete) in every cluster', async () => {
    for (const type of ['statefulsets.apps', 'daemonsets.apps']) {
      const enabled = await runCli('kubefedctl', ['enable', type, ...common]);
      assert.equal(enabled.code, 0, enabled.stderr);
    }
    const podTemplate = (app: string, extra: Record<string, unknown> = {}) => ({
      metadata: { labels: { app } },
      spec: {
        terminationGracePeriodSeconds: 0,
        containers: [{ name: app, image: 'registry.k8s.io/pause:3.10' }],
        ...extra,
      },
    });
    const federatedOf = (kind: string, name: string, spec: Record<string, unknown>) => ({
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: `Federated${kind}`,
      metadata: { name, namespace: ns },
      spec: { template: { spec }, placement: { clusters: members.map((c) => ({ name: c })) } },
    });
    await eventually(async () => {
      // The new types' sync controllers start once their FTCs are seen: retry until accepted.
      try {
        await apply(
          federatedOf('StatefulSet', 'db', {
            replicas: 2,
            serviceName: 'db',
            selector: { matchLabels: { app: 'db' } },
            template: podTemplate('db'),
          }),
        );
        await apply(
          federatedOf('DaemonSet', 'agent', {
            selector: { matchLabels: { app: 'agent' } },
            template: podTemplate('agent'),
          }),
        );
        return true;
      } catch {
        return undefined;
      }
    });
    await apply(
      federatedOf('Job', 'once', {
        completions: 2,
        template: podTemplate('once', { restartPolicy: 'Never' }),
      }),
    );
    const expected: [string, string, string][] = [
      ['federatedstatefulset', 'db', '4/4'],
      // One pod per node: each member has two.
      ['federateddaemonset', 'agent', '4/4'],
      ['federatedjob', 'once', '4/4'],
    ];
    for (const [resource, name, ready] of expected) {
      const status = await eventually(async () => {
        const s = await fedStatus(resource, name);
        return condition(s, 'Ready')?.status === 'True' ? s : undefined;
      });
      assert.deepEqual(
        [status.workload?.ready, status.workload?.readyClusters],
        [ready, '2/2'],
        resource,
      );
    }
    const job = await fedStatus('federatedjob', 'once');
    assert.deepEqual(
      [job.workload?.completions, job.workload?.succeeded, job.workload?.failed],
      [4, 4, 0],
    );
    for (const resource of ['federatedstatefulset/db', 'federateddaemonset/agent']) {
      await kubectl(sandbox, ['--context', 'host', '-n', ns, 'delete', resource, '--timeout=90s']);
    }
  });
});
