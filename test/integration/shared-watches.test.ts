// The host's KubeFedClusters and FederatedNamespaces are watched once per controller manager,
// however many federated types it runs: every sync controller shares those two caches. Counted on
// the host apiserver, with the `apiserver_longrunning_requests{verb="WATCH"}` gauge (watches being
// served now, per resource), minus what was open before the manager started (the host's own
// kube-controller-manager watches every resource for garbage collection and quota).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from '../../src/kube/client.ts';
import { closeClients, metricsClients, openWatches } from './apiserver-metrics.ts';
import {
  eventually,
  joinClusters,
  kubectl,
  runCli,
  sizedCRD,
  testSandbox,
  unjoinClusters,
} from './fixture.ts';
import { fastKubeFedConfigFile, startManager, type RunningManager } from './manager.ts';

const sandbox = testSandbox();
const common = ['--kubeconfig', sandbox.kubeconfig, '--host-cluster-context', 'host'];
const clusters = ['host', 'member1', 'member2'];
const group = `nuts${Date.now().toString(36)}.example.com`;
const nutCRD = sizedCRD(group, 'Nut');
const kubefedGroup = 'core.kubefed.io';
const typesGroup = 'types.kubefed.io';

interface Counts {
  kubefedclusters: number;
  federatednamespaces: number;
}

/** The federated resources of every enabled type (`federatedconfigmaps`, ...). */
async function federatedResources(): Promise<string[]> {
  const out = await kubectl(sandbox, [
    '--context',
    'host',
    '-n',
    'kube-federation-system',
    'get',
    'federatedtypeconfigs',
    '-o',
    'jsonpath={range .items[*]}{.spec.federatedType.pluralName}{"\\n"}{end}',
  ]);
  return out.split('\n').filter((r) => r !== '');
}

/**
 * The two counts once they hold still for three readings a second apart: a watch that the
 * apiserver or a client ends (after its timeout) is reopened at once, and must not be caught
 * half-way.
 */
async function steadyCounts(host: KubeClient): Promise<Counts> {
  const read = async (): Promise<Counts> => ({
    kubefedclusters: await openWatches(host, kubefedGroup, 'kubefedclusters'),
    federatednamespaces: await openWatches(host, typesGroup, 'federatednamespaces'),
  });
  let readings = [await read()];
  return eventually(async () => {
    await sleep(1000);
    readings = [...readings.slice(-2), await read()];
    const [first] = readings;
    return readings.length === 3 &&
      readings.every((r) => JSON.stringify(r) === JSON.stringify(first))
      ? first
      : undefined;
  }, 30_000);
}

describe('watches a controller manager opens on the host', () => {
  let manager: RunningManager | undefined;
  let metrics: KubeClient[];

  before(async () => {
    const init = await runCli('kubefedctl', ['init', ...common]);
    assert.equal(init.code, 0, init.stderr);
    for (const context of clusters) {
      await kubectl(sandbox, ['--context', context, 'apply', '-f', '-'], JSON.stringify(nutCRD));
    }
    for (const context of clusters) {
      await kubectl(sandbox, [
        '--context',
        context,
        'wait',
        '--for=condition=Established',
        `crd/nuts.${group}`,
        '--timeout=30s',
      ]);
    }
    const enabled = await runCli('kubefedctl', ['enable', `nuts.${group}`, ...common]);
    assert.equal(enabled.code, 0, enabled.stderr);
    await joinClusters(sandbox, clusters);
    metrics = metricsClients(sandbox, ['host']);
  });

  after(async () => {
    try {
      // With the manager still running: disable waits for its sync controller to stop.
      await runCli('kubefedctl', ['disable', `nuts.${group}`, '--delete-crd', ...common]);
    } finally {
      await manager?.stop();
      await closeClients(metrics);
      await unjoinClusters(sandbox, clusters);
      for (const context of clusters)
        await kubectl(sandbox, [
          '--context',
          context,
          'delete',
          'crd',
          `nuts.${group}`,
          '--ignore-not-found',
          '--wait=false',
        ]);
    }
  });

  it('one KubeFedCluster watch and one FederatedNamespace watch for eleven enabled types', async (t) => {
    const [host] = metrics;
    assert.ok(host);
    const types = await federatedResources();
    assert.equal(types.length, 11, `ten default types and nuts.${group}: ${types.join(', ')}`);
    const baseline = await steadyCounts(host);
    const typeBaseline = new Map<string, number>();
    for (const resource of types)
      typeBaseline.set(resource, await openWatches(host, typesGroup, resource));

    manager = await startManager(sandbox, ['--kubefed-config', await fastKubeFedConfigFile()]);
    await manager.waitForLog('promoted as leader', 60_000);
    // Every sync controller is up once it watches its federated type: the gauge sees the
    // manager's watches (this is also what makes the counts below mean something).
    await eventually(async () => {
      for (const resource of types) {
        const open = await openWatches(host, typesGroup, resource);
        if (open <= (typeBaseline.get(resource) ?? 0)) return undefined;
      }
      return true;
    }, 60_000);
    const running = await steadyCounts(host);
    const byManager = {
      kubefedclusters: running.kubefedclusters - baseline.kubefedclusters,
      federatednamespaces: running.federatednamespaces - baseline.federatednamespaces,
    };
    t.diagnostic(
      `host WATCH requests before the manager: ${JSON.stringify(baseline)}; with it: ${JSON.stringify(running)}`,
    );
    assert.deepEqual(
      byManager,
      { kubefedclusters: 1, federatednamespaces: 1 },
      `WATCH requests the controller manager holds on the host with ${String(types.length)} types enabled (${JSON.stringify(running)} open, ${JSON.stringify(baseline)} before it started)`,
    );
  });
});
