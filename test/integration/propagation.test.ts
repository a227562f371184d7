// Propagation by the sync controllers on the sandbox (host + member1 + member2, all joined): the
// CRUD lifecycle of federated objects of the default types, per-cluster overrides, placement
// changes, drift repair, orphaning, recorded versions, status, zero writes on a no-op resync,
// and a stopped member that holds nobody back.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { objectHashes } from '../../src/federation/propagation/version.ts';
import {
  applyOnHost,
  clusterStatuses,
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
import {
  closeClients,
  metricsClients,
  readWrites,
  waitForQuiet,
  writesSince,
} from './apiserver-metrics.ts';
import type { KubeObject } from '../../src/json/object.ts';

const sandbox = testSandbox();
const common = ['--kubeconfig', sandbox.kubeconfig, '--host-cluster-context', 'host'];
const clusters = ['host', 'member1', 'member2'];
const ns = `prop-${Date.now().toString(36)}`;

const member = (context: string, resource: string, name: string): Promise<KubeObject | undefined> =>
  getJson(sandbox, context, ['-n', ns, resource, name]);

const federated = (kind: string, name: string): Promise<KubeObject | undefined> =>
  getJson(sandbox, 'host', ['-n', ns, kind, name]);

function propagation(fed: KubeObject | undefined): string | undefined {
  const status = fed?.['status'] as
    { conditions?: { type: string; status: string }[]; observedGeneration?: number } | undefined;
  if (status?.observedGeneration !== fed?.metadata?.generation) return undefined;
  return status?.conditions?.find((c) => c.type === 'Propagation')?.status;
}

function fedConfigMap(name: string, data: Record<string, string>, placed = clusters): KubeObject {
  return {
    apiVersion: 'types.kubefed.io/v1beta1',
    kind: 'FederatedConfigMap',
    metadata: { name, namespace: ns },
    spec: {
      template: { data },
      placement: { clusters: placed.map((c) => ({ name: c })) },
      overrides: [
        { clusterName: 'member1', clusterOverrides: [{ path: '/data/where', value: 'm1' }] },
      ],
    },
  };
}

describe('propagation by the sync controllers', { timeout: 15 * 60_000 }, () => {
  let manager: RunningManager;
  let configFile: string;
  const start = async (): Promise<void> => {
    manager = await startManager(sandbox, ['--kubefed-config', configFile, '--v', '2']);
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
      await deleteFederatedNamespace(sandbox, ns);
    } finally {
      await manager.stop();
      await unjoinClusters(sandbox, clusters);
    }
  });

  it('propagates a FederatedNamespace to every cluster, adopting the host namespace', async () => {
    for (const context of clusters) {
      const namespace = await eventually(async () => {
        const obj = await getJson(sandbox, context, ['namespace', ns]);
        return obj?.metadata?.labels?.['kubefed.io/managed'] === 'true' ? obj : undefined;
      });
      assert.equal(namespace.metadata?.name, ns);
    }
    const fed = await eventually(async () => {
      const obj = await federated('federatednamespace', ns);
      return propagation(obj) === 'True' ? obj : undefined;
    });
    assert.deepEqual(clusterStatuses(fed), { host: '', member1: '', member2: '' });
    assert.ok(fed.metadata?.finalizers?.includes('kubefed.io/sync-controller'));
  });

  it('propagates a FederatedConfigMap with a per-cluster override, records versions and status', async () => {
    await applyOnHost(sandbox, [fedConfigMap('cfg', { foo: 'bar' })]);
    for (const context of clusters) {
      const cm = await eventually(() => member(context, 'configmap', 'cfg'));
      assert.deepEqual(
        cm['data'],
        context === 'member1' ? { foo: 'bar', where: 'm1' } : { foo: 'bar' },
      );
      assert.equal(cm.metadata?.labels?.['kubefed.io/managed'], 'true');
    }
    const fed = await eventually(async () => {
      const obj = await federated('federatedconfigmap', 'cfg');
      return propagation(obj) === 'True' ? obj : undefined;
    });
    assert.deepEqual(clusterStatuses(fed), { host: '', member1: '', member2: '' });
    const pv = await eventually(() =>
      getJson(sandbox, 'host', ['-n', ns, 'propagatedversions', 'configmap-cfg']),
    );
    const hashes = objectHashes(fed);
    assert.ok(hashes.ok);
    const status = pv['status'] as {
      templateVersion: string;
      overridesVersion: string;
      clusterVersions: { clusterName: string; version: string }[];
    };
    assert.equal(status.templateVersion, hashes.hashes.templateVersion);
    assert.equal(status.overridesVersion, hashes.hashes.overridesVersion);
    assert.deepEqual(
      status.clusterVersions.map((v) => v.clusterName),
      clusters,
    );
    for (const { clusterName, version } of status.clusterVersions) {
      const cm = await member(clusterName, 'configmap', 'cfg');
      assert.equal(version, `rv:${cm?.metadata?.resourceVersion ?? ''}`);
    }
    assert.deepEqual(
      pv.metadata?.ownerReferences?.map((o) => [o.kind, o.name, o.uid]),
      [['FederatedConfigMap', 'cfg', fed.metadata?.uid]],
    );
    // One Event for the creations in all three clusters, written in the background.
    const created = await eventually(async () => {
      const list = await getJson(sandbox, 'host', [
        '-n',
        ns,
        'events',
        '--field-selector',
        `involvedObject.uid=${fed.metadata?.uid ?? ''},reason=CreateInCluster`,
      ]);
      const items = (list?.['items'] ?? []) as { message: string; source: { component: string } }[];
      return items.length > 0 ? items : undefined;
    });
    assert.deepEqual(
      created.map((e) => [e.message, e.source.component]),
      [
        [
          `Creating ConfigMap "${ns}/cfg" in clusters "host", "member1", "member2"`,
          'federatedconfigmap-controller',
        ],
      ],
    );
  });

  it('propagates Secret, ServiceAccount, Service and Deployment', async () => {
    const placement = { clusterSelector: {} };
    await applyOnHost(sandbox, [
      {
        apiVersion: 'types.kubefed.io/v1beta1',
        kind: 'FederatedSecret',
        metadata: { name: 'sec', namespace: ns },
        spec: {
          template: { type: 'Opaque', data: { k: Buffer.from('v').toString('base64') } },
          placement,
        },
      },
      {
        apiVersion: 'types.kubefed.io/v1beta1',
        kind: 'FederatedServiceAccount',
        metadata: { name: 'sa', namespace: ns },
        spec: { template: {}, placement },
      },
      {
        apiVersion: 'types.kubefed.io/v1beta1',
        kind: 'FederatedService',
        metadata: { name: 'svc', namespace: ns },
        spec: {
          template: {
            spec: {
              selector: { app: 'web' },
              ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
            },
          },
          placement,
        },
      },
      {
        apiVersion: 'types.kubefed.io/v1beta1',
        kind: 'FederatedDeployment',
        metadata: { name: 'web', namespace: ns },
        spec: {
          template: {
            spec: {
              replicas: 1,
              // Its pods never run (no nodes): no progress-deadline status write by the members'
              // deployment controller while the no-write resync check below measures.
              progressDeadlineSeconds: 3600,
              selector: { matchLabels: { app: 'web' } },
              template: {
                metadata: { labels: { app: 'web' } },
                spec: { containers: [{ name: 'web', image: 'nginx' }] },
              },
            },
          },
          placement,
          overrides: [
            { clusterName: 'member2', clusterOverrides: [{ path: '/spec/replicas', value: 3 }] },
          ],
        },
      },
    ]);
    for (const [kind, resource, name] of [
      ['federatedsecret', 'secret', 'sec'],
      ['federatedserviceaccount', 'serviceaccount', 'sa'],
      ['federatedservice', 'service', 'svc'],
      ['federateddeployment', 'deployment', 'web'],
    ] as const) {
      for (const context of clusters) await eventually(() => member(context, resource, name));
      await eventually(async () =>
        propagation(await federated(kind, name)) === 'True' ? true : undefined,
      );
    }
    const deployment = await member('member2', 'deployment', 'web');
    assert.equal((deployment?.['spec'] as { replicas: number }).replicas, 3);
    const secret = await member('member1', 'secret', 'sec');
    assert.deepEqual(secret?.['data'], { k: Buffer.from('v').toString('base64') });
  });

  it('updates member objects when the template changes', async () => {
    await applyOnHost(sandbox, [fedConfigMap('cfg', { foo: 'updated' })]);
    for (const context of clusters) {
      await eventually(async () =>
        ((await member(context, 'configmap', 'cfg'))?.['data'] as { foo?: string } | undefined)
          ?.foo === 'updated'
          ? true
          : undefined,
      );
    }
  });

  it('repairs a member object changed or deleted by hand', async () => {
    await kubectl(sandbox, [
      '--context',
      'member1',
      '-n',
      ns,
      'patch',
      'configmap',
      'cfg',
      '--type',
      'merge',
      '-p',
      '{"data":{"foo":"drifted"}}',
    ]);
    await kubectl(sandbox, ['--context', 'member2', '-n', ns, 'delete', 'configmap', 'cfg']);
    await eventually(async () =>
      ((await member('member1', 'configmap', 'cfg'))?.['data'] as { foo?: string } | undefined)
        ?.foo === 'updated'
        ? true
        : undefined,
    );
    await eventually(() => member('member2', 'configmap', 'cfg'));
  });

  it('removes the member object from a cluster taken out of the placement', async () => {
    await applyOnHost(sandbox, [fedConfigMap('cfg', { foo: 'updated' }, ['host', 'member1'])]);
    await eventually(async () =>
      (await member('member2', 'configmap', 'cfg')) === undefined ? true : undefined,
    );
    const fed = await eventually(async () => {
      const obj = await federated('federatedconfigmap', 'cfg');
      return propagation(obj) === 'True' && !('member2' in clusterStatuses(obj)) ? obj : undefined;
    });
    assert.deepEqual(clusterStatuses(fed), { host: '', member1: '' });
    assert.ok(await member('member1', 'configmap', 'cfg'));
  });

  it('makes no write to members, and only the types’ controller status on the host, when a restarted manager resyncs', async () => {
    // Counted by the apiservers themselves, every resource but leases and events, in every
    // cluster. Every test file removes what it created, and we wait for the sandbox to be quiet
    // for longer than the sync controllers' 10 s retry delay (member events of the tests above
    // come back after it), so any write in the window is the restarted manager's. The only ones
    // expected are the FederatedTypeConfigs' controller status: `NotRunning` when the manager
    // stops, `Running` again when the new one leads, one write each per running type.
    const metrics = metricsClients(sandbox, clusters);
    try {
      await waitForQuiet(metrics, { quietMs: 12_000 });
      const expected = await restartWrites(sandbox);
      const before = await readWrites(metrics);
      await manager.stop();
      await start();
      await manager.waitForLog('Member cluster available');
      await new Promise((resolve) => setTimeout(resolve, 15_000));
      assert.deepEqual(
        await writesSince(before, metrics),
        expected,
        'apiserver writes (cluster verb resource: count) while the restarted manager resynced',
      );
    } finally {
      await closeClients(metrics);
    }
  });

  it('keeps host and member1 propagated while member2 is stopped, and catches member2 up', async () => {
    const stopped = await runCli('kubefed-sandbox', ['stop', 'member2', '--dir', sandbox.dir]);
    assert.equal(stopped.code, 0, stopped.stderr);
    try {
      await applyOnHost(sandbox, [fedConfigMap('during-outage', { foo: 'bar' })]);
      const started = Date.now();
      for (const context of ['host', 'member1'])
        await eventually(() => member(context, 'configmap', 'during-outage'), 20_000);
      const elapsed = Date.now() - started;
      assert.ok(elapsed < 15_000, `host and member1 took ${String(elapsed)} ms`);
      const fed = await eventually(async () => {
        const obj = await federated('federatedconfigmap', 'during-outage');
        const statuses = clusterStatuses(obj);
        return statuses['host'] === '' && statuses['member1'] === '' && statuses['member2']
          ? obj
          : undefined;
      }, 30_000);
      assert.equal(propagation(fed), 'False');
    } finally {
      const started = await runCli('kubefed-sandbox', ['start', 'member2', '--dir', sandbox.dir]);
      assert.equal(started.code, 0, started.stderr);
    }
    await eventually(() => member('member2', 'configmap', 'during-outage'), 90_000);
    await eventually(
      async () =>
        propagation(await federated('federatedconfigmap', 'during-outage')) === 'True'
          ? true
          : undefined,
      90_000,
    );
  });

  it('orphaning deletion leaves member objects without the managed label', async () => {
    await applyOnHost(sandbox, [fedConfigMap('orphan', { foo: 'bar' })]);
    for (const context of clusters) await eventually(() => member(context, 'configmap', 'orphan'));
    await kubectl(sandbox, [
      '--context',
      'host',
      '-n',
      ns,
      'annotate',
      'federatedconfigmap',
      'orphan',
      'kubefed.io/orphan=true',
    ]);
    await kubectl(sandbox, [
      '--context',
      'host',
      '-n',
      ns,
      'delete',
      'federatedconfigmap',
      'orphan',
    ]);
    for (const context of clusters) {
      await eventually(async () => {
        const cm = await member(context, 'configmap', 'orphan');
        assert.ok(cm, `orphaned configmap kept in ${context}`);
        return cm.metadata?.labels?.['kubefed.io/managed'] === undefined ? true : undefined;
      });
    }
  });

  it('deleting a federated object removes its member objects everywhere', async () => {
    await kubectl(sandbox, [
      '--context',
      'host',
      '-n',
      ns,
      'delete',
      'federatedconfigmap',
      'cfg',
      'during-outage',
      '--timeout=60s',
    ]);
    for (const context of clusters) {
      await eventually(async () =>
        (await member(context, 'configmap', 'cfg')) === undefined ? true : undefined,
      );
      await eventually(async () =>
        (await member(context, 'configmap', 'during-outage')) === undefined ? true : undefined,
      );
    }
  });

  it('a member that does not serve the type reports it, the others propagate', async () => {
    const group = `widgets${Date.now().toString(36)}.example.com`;
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `widgets.${group}` },
      spec: {
        group,
        names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
        scope: 'Namespaced',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        ],
      },
    };
    // member2 does not get the CRD.
    for (const context of ['host', 'member1']) {
      await kubectl(sandbox, ['--context', context, 'apply', '-f', '-'], JSON.stringify(crd));
      await kubectl(sandbox, [
        '--context',
        context,
        'wait',
        '--for=condition=Established',
        `crd/widgets.${group}`,
      ]);
    }
    try {
      const enabled = await runCli('kubefedctl', ['enable', `widgets.${group}`, ...common]);
      assert.equal(enabled.code, 0, enabled.stderr);
      await applyOnHost(sandbox, [
        {
          apiVersion: 'types.kubefed.io/v1beta1',
          kind: 'FederatedWidget',
          metadata: { name: 'w', namespace: ns },
          spec: { template: { spec: { size: 3 } }, placement: { clusterSelector: {} } },
        },
        fedConfigMap('alongside', { foo: 'bar' }),
      ]);
      for (const context of ['host', 'member1'])
        await eventually(() => member(context, `widgets.${group}`, 'w'), 60_000);
      const fed = await eventually(async () => {
        const obj = await federated(`federatedwidgets.types.kubefed.io`, 'w');
        return clusterStatuses(obj)['member2'] ? obj : undefined;
      }, 30_000);
      assert.deepEqual(clusterStatuses(fed), {
        host: '',
        member1: '',
        member2: 'CachedRetrievalFailed',
      });
      // Other types are not held back.
      for (const context of clusters)
        await eventually(() => member(context, 'configmap', 'alongside'));
      // Deletion waits for the unready member (spec §7.11), so the widget is orphaned.
      await kubectl(sandbox, [
        '--context',
        'host',
        '-n',
        ns,
        'annotate',
        'federatedwidgets.types.kubefed.io',
        'w',
        'kubefed.io/orphan=true',
      ]);
      await kubectl(sandbox, [
        '--context',
        'host',
        '-n',
        ns,
        'delete',
        'federatedwidgets.types.kubefed.io',
        'w',
        '--timeout=60s',
      ]);
      await kubectl(sandbox, [
        '--context',
        'host',
        '-n',
        ns,
        'delete',
        'federatedconfigmap',
        'alongside',
        '--timeout=60s',
      ]);
    } finally {
      await runCli('kubefedctl', ['disable', `widgets.${group}`, ...common]);
      for (const context of ['host', 'member1'])
        await kubectl(sandbox, [
          '--context',
          context,
          'delete',
          'crd',
          `widgets.${group}`,
          '--ignore-not-found',
          '--wait=false',
        ]);
      await kubectl(sandbox, [
        '--context',
        'host',
        'delete',
        'crd',
        `federatedwidgets.types.kubefed.io`,
        '--ignore-not-found',
        '--wait=false',
      ]);
    }
  });

  it('propagates 100 ConfigMaps to 3 clusters', async (t) => {
    const names = Array.from({ length: 100 }, (_, i) => `bulk-${String(i)}`);
    const started = Date.now();
    await applyOnHost(
      sandbox,
      names.map((name) => ({
        ...fedConfigMap(name, { i: name }),
        spec: { template: { data: { i: name } }, placement: { clusterSelector: {} } },
      })),
    );
    for (const context of clusters) {
      await eventually(async () => {
        const out = await kubectl(sandbox, [
          '--context',
          context,
          '-n',
          ns,
          'get',
          'configmaps',
          '-l',
          'kubefed.io/managed=true',
          '-o',
          'name',
        ]);
        return out.split('\n').filter((l) => l.includes('bulk-')).length === 100 ? true : undefined;
      }, 120_000);
    }
    t.diagnostic(
      `100 FederatedConfigMaps present in 3 clusters after ${String(Date.now() - started)} ms`,
    );
    const deleting = Date.now();
    await kubectl(sandbox, [
      '--context',
      'host',
      '-n',
      ns,
      'delete',
      'federatedconfigmaps',
      ...names,
      '--wait=false',
    ]);
    await eventually(async () => {
      const out = await kubectl(sandbox, [
        '--context',
        'host',
        '-n',
        ns,
        'get',
        'federatedconfigmaps',
        '-o',
        'name',
      ]);
      return out.includes('bulk-') ? undefined : true;
    }, 120_000);
    t.diagnostic(
      `100 FederatedConfigMaps deleted (members first) in ${String(Date.now() - deleting)} ms`,
    );
  });
});
