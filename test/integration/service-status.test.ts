// The legacy status controller (spec §8.1) in a running controller manager on the sandbox (host +
// member1 + member2, all joined): the `services` FTC with statusCollection and a statusType runs
// it, each FederatedService gets a FederatedServiceStatus with one entry per ready cluster, a
// member's status change reaches it, a restarted manager rewrites nothing, and turning
// statusCollection off stops it. Other types' statusCollection is said to do nothing, once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { stringify } from 'yaml';
import type {
  FederatedServiceClusterStatus,
  FederatedServiceStatus,
} from '../../src/apis/types.ts';
import { isJsonObject, type KubeObject } from '../../src/json/object.ts';
import { closeClients, metricsClients, readWrites, writesSince } from './apiserver-metrics.ts';
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
import { fastKubeFedConfigFile, startManager, type RunningManager } from './manager.ts';

const sandbox = testSandbox();
let manager: RunningManager;
const common = ['--kubeconfig', sandbox.kubeconfig, '--host-cluster-context', 'host'];
const clusters = ['host', 'member1', 'member2'];
const kfns = 'kube-federation-system';
const ns = `svcstatus-${Date.now().toString(36)}`;
const statusType = {
  group: 'core.kubefed.io',
  version: 'v1alpha1',
  kind: 'FederatedServiceStatus',
  pluralName: 'federatedservicestatuses',
  scope: 'Namespaced',
};

const serviceStatus = (name: string): Promise<FederatedServiceStatus | undefined> =>
  getJson(sandbox, 'host', ['-n', ns, 'federatedservicestatuses', name]);

interface FtcView {
  metadata: { generation: number };
  status?: { observedGeneration?: number; statusController?: string };
}

async function ftcStatusController(name: string): Promise<string | undefined> {
  const ftc = (await getJson(sandbox, 'host', ['-n', kfns, 'ftc', name])) as FtcView | undefined;
  return ftc?.status?.observedGeneration === ftc?.metadata.generation
    ? ftc?.status?.statusController
    : undefined;
}

async function patchFtc(name: string, type: 'merge' | 'json', patch: unknown): Promise<void> {
  await kubectl(sandbox, [
    '--context',
    'host',
    '-n',
    kfns,
    'patch',
    'ftc',
    name,
    `--type=${type}`,
    '-p',
    JSON.stringify(patch),
  ]);
}

function federatedService(name: string, placed: string[]): KubeObject {
  return {
    apiVersion: 'types.kubefed.io/v1beta1',
    kind: 'FederatedService',
    metadata: { name, namespace: ns },
    spec: {
      template: { spec: { type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP' }] } },
      placement: { clusters: placed.map((c) => ({ name: c })) },
    },
  };
}

/** The member Services' statuses as the status object should hold them, in cluster order. */
async function memberStatuses(name: string): Promise<FederatedServiceClusterStatus[]> {
  const entries: FederatedServiceClusterStatus[] = [];
  for (const cluster of clusters) {
    const service = await getJson(sandbox, cluster, ['-n', ns, 'service', name]);
    const status = service?.['status'];
    entries.push({ clusterName: cluster, status: isJsonObject(status) ? status : {} });
  }
  return entries;
}

/** controller_runtime_reconcile_total of the status controller, by result. */
async function reconcileCounts(): Promise<Record<string, number>> {
  const text = await (await fetch(manager.metricsUrl)).text();
  const counts: Record<string, number> = {};
  for (const m of text.matchAll(
    /^controller_runtime_reconcile_total\{controller="federatedservicestatus",result="(\w+)"\} (\d+)$/gm,
  )) {
    counts[m[1] ?? ''] = Number(m[2]);
  }
  return counts;
}

describe('FederatedServiceStatus controller', { timeout: 10 * 60_000 }, () => {
  let configFile: string;
  const start = async (): Promise<void> => {
    manager = await startManager(sandbox, [
      '--kubefed-config',
      configFile,
      '--v',
      '2',
      '--logging-format=text',
    ]);
    await manager.waitForLog('promoted as leader', 60_000);
  };

  before(async () => {
    const init = await runCli('kubefedctl', ['init', ...common]);
    assert.equal(init.code, 0, init.stderr);
    await joinClusters(sandbox, clusters);
    configFile = await fastKubeFedConfigFile({ fastClusterDelays: true });
    await start();
    await createFederatedNamespace(sandbox, ns);
  });

  after(async () => {
    try {
      // Leave the services FTC as `kubefedctl init` made it, for the tests that follow.
      await patchFtc('services', 'merge', { spec: { statusCollection: null, statusType: null } });
      await deleteFederatedNamespace(sandbox, ns);
    } finally {
      await manager.stop();
      await unjoinClusters(sandbox, clusters);
    }
  });

  it('runs for the services FTC with statusCollection Enabled and a statusType', async () => {
    await patchFtc('services', 'merge', { spec: { statusCollection: 'Enabled', statusType } });
    await eventually(
      async () => ((await ftcStatusController('services')) === 'Running' ? true : undefined),
      30_000,
    );
    await manager.waitForLog('Starting status controller for "FederatedService"', 5_000);
  });

  it('writes one entry per ready cluster with the member Service status', async () => {
    await kubectl(
      sandbox,
      ['--context', 'host', 'apply', '-f', '-'],
      stringify(federatedService('web', clusters)),
    );
    for (const cluster of clusters) {
      await eventually(() => getJson(sandbox, cluster, ['-n', ns, 'service', 'web']));
    }
    const expected = await memberStatuses('web');
    assert.deepEqual(
      expected.map((e) => e.status),
      [{ loadBalancer: {} }, { loadBalancer: {} }, { loadBalancer: {} }],
      'ClusterIP Services report an empty load balancer',
    );
    // Written first when the member Services may not exist yet, then after the member events.
    const status = await eventually(async () => {
      const obj = await serviceStatus('web');
      return isDeepStrictEqual(obj?.clusterStatus, expected) ? obj : undefined;
    }, 30_000);
    const fed = await getJson(sandbox, 'host', ['-n', ns, 'federatedservice', 'web']);
    assert.deepEqual(status.metadata?.ownerReferences, [
      {
        apiVersion: 'types.kubefed.io/v1beta1',
        kind: 'FederatedService',
        name: 'web',
        uid: fed?.metadata?.uid,
      },
    ]);
  });

  it('gives clusters the Service is not placed on an empty status', async () => {
    await kubectl(
      sandbox,
      ['--context', 'host', 'apply', '-f', '-'],
      stringify(federatedService('partial', ['member1'])),
    );
    const status = await eventually(async () => {
      const obj = await serviceStatus('partial');
      const member1 = obj?.clusterStatus?.find((e) => e.clusterName === 'member1');
      return member1 !== undefined && Object.keys(member1.status).length > 0 ? obj : undefined;
    }, 30_000);
    assert.deepEqual(status.clusterStatus, [
      { clusterName: 'host', status: {} },
      { clusterName: 'member1', status: { loadBalancer: {} } },
      { clusterName: 'member2', status: {} },
    ]);
  });

  it("follows a member Service's status change", async () => {
    const condition = {
      type: 'example.com/Probed',
      status: 'True',
      reason: 'Test',
      message: 'set by the test',
      lastTransitionTime: '2026-01-01T00:00:00Z',
    };
    await kubectl(sandbox, [
      '--context',
      'member2',
      '-n',
      ns,
      'patch',
      'service',
      'web',
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: { conditions: [condition] } }),
    ]);
    // Member events are taken up after the retry delay (10 s).
    const status = await eventually(async () => {
      const obj = await serviceStatus('web');
      const member2 = obj?.clusterStatus?.find((e) => e.clusterName === 'member2');
      return member2?.status['conditions'] === undefined ? undefined : obj;
    }, 40_000);
    assert.deepEqual(status.clusterStatus, await memberStatuses('web'));
  });

  it('writes nothing when a restarted manager reconciles every FederatedService again', async () => {
    const before = {
      web: (await serviceStatus('web'))?.metadata?.resourceVersion,
      partial: (await serviceStatus('partial'))?.metadata?.resourceVersion,
    };
    const metrics = metricsClients(sandbox, ['host']);
    try {
      const writes = await readWrites(metrics);
      await manager.stop();
      await start();
      await manager.waitForLog('Starting status controller for "FederatedService"', 30_000);
      // Past the cluster-available delay and the member events' retry delay.
      await new Promise((resolve) => setTimeout(resolve, 15_000));
      const statusWrites = Object.entries(await writesSince(writes, metrics)).filter(([key]) =>
        key.includes('federatedservicestatuses'),
      );
      assert.deepEqual(statusWrites, [], 'writes to federatedservicestatuses');
      // ... though it did reconcile both, without a failure.
      const reconciles = await reconcileCounts();
      assert.ok((reconciles['success'] ?? 0) >= 2, JSON.stringify(reconciles));
      assert.equal(reconciles['needs_recheck'] ?? 0, 0);
      assert.equal(reconciles['error'] ?? 0, 0);
    } finally {
      await closeClients(metrics);
    }
    assert.deepEqual(
      {
        web: (await serviceStatus('web'))?.metadata?.resourceVersion,
        partial: (await serviceStatus('partial'))?.metadata?.resourceVersion,
      },
      before,
    );
  });

  it('says once per generation that statusCollection on another type has no effect, in the log and an Event', async () => {
    const message = 'statusCollection: Enabled on "configmaps" has no effect';
    await patchFtc('configmaps', 'merge', { spec: { statusCollection: 'Enabled' } });
    try {
      await manager.waitForLog(message, 15_000);
      const ftcUid = (await getJson(sandbox, 'host', ['-n', kfns, 'ftc', 'configmaps']))?.metadata
        ?.uid;
      const event = await eventually(async () => {
        const list = await getJson(sandbox, 'host', [
          '-n',
          kfns,
          'events',
          '--field-selector',
          `involvedObject.uid=${ftcUid ?? ''},reason=SettingHasNoEffect`,
        ]);
        return (list?.['items'] as { type: string; message: string }[] | undefined)?.[0];
      });
      assert.equal(event.type, 'Warning');
      assert.ok(event.message.startsWith(message), event.message);
      await eventually(async () =>
        (await ftcStatusController('configmaps')) === 'NotRunning' ? true : undefined,
      );
      // The FTC's own status write brings it back to the controller at least once more.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      assert.equal(manager.stderr().split(message).length - 1, 1);
    } finally {
      await patchFtc('configmaps', 'merge', { spec: { statusCollection: null } });
    }
  });

  it('stops when statusCollection is turned off', async () => {
    await patchFtc('services', 'merge', { spec: { statusCollection: 'Disabled' } });
    await eventually(
      async () => ((await ftcStatusController('services')) === 'NotRunning' ? true : undefined),
      30_000,
    );
    await manager.waitForLog('Stopping status controller', 5_000);
  });
});
