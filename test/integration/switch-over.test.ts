// Switching between the real Go KubeFed v0.10 and ours on the same host, both ways, without a
// rewrite; and the join objects of each kubefedctl working with the other's controller manager.
// member1 is joined by the Go kubefedctl, member2 by ours. The Go KubeFed propagates a namespace
// and 20 FederatedConfigMaps to both and settles; it stops, ours starts: once ours has reconciled
// every object, not one write was counted by the members' apiservers, none on the host's
// PropagatedVersions or federated objects (their resourceVersions are unchanged: our versions are
// the original's byte for byte), and every status still says Propagation True. (The host's own
// write counters are not asserted: the Go KubeFed renews its ConfigMap lock by PUT and writes the
// KubeFedClusters' status at every health probe; both are noise, not propagation.) A new object then
// reaches both members (ours with the Go join). Then the reverse: ours stops, the Go one starts;
// the same holds, and its new object reaches both members (the Go one with our join).
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LEADER_ELECTION_LOCK_NAME } from '../../src/apis/constants.ts';
import type { KubeObject } from '../../src/json/object.ts';
import {
  runGoKubefedctl,
  startGoKubeFed,
  type GoKubeFedManager,
} from '../../src/sandbox/kubefed-go.ts';
import {
  closeClients,
  metricsClients,
  readWrites,
  waitForQuiet,
  writesSince,
} from './apiserver-metrics.ts';
import {
  applyOnHost,
  createFederatedNamespace,
  deleteFederatedNamespace,
  eventually,
  getJson,
  joinClusters,
  kubectl,
  runCli,
  testSandbox,
  unjoinClusters,
  waitForNamespaceUsable,
} from './fixture.ts';
import { fastKubeFedConfigFile, startManager, type RunningManager } from './manager.ts';

const sandbox = testSandbox();
const kfns = 'kube-federation-system';
const common = ['--kubeconfig', sandbox.kubeconfig, '--host-cluster-context', 'host'];
const members = ['member1', 'member2'];
const ns = `switch-${Date.now().toString(36)}`;
const COUNT = 20;

function fedConfigMap(name: string): KubeObject {
  return {
    apiVersion: 'types.kubefed.io/v1beta1',
    kind: 'FederatedConfigMap',
    metadata: { name, namespace: ns },
    spec: {
      template: { data: { name } },
      placement: { clusterSelector: {} },
      overrides: [
        { clusterName: 'member1', clusterOverrides: [{ path: '/data/where', value: 'm1' }] },
      ],
    },
  };
}

interface FederatedState {
  /** kind/name → resourceVersion of the federated object. */
  federated: Record<string, string>;
  /** name → the PropagatedVersion's resourceVersion and status. */
  versions: Record<string, { resourceVersion: string; status: unknown }>;
}

/** The federated objects of `ns` (and its FederatedNamespace) and their PropagatedVersions. */
async function federatedState(): Promise<FederatedState> {
  const list = async (resource: string): Promise<KubeObject[]> =>
    ((await getJson(sandbox, 'host', ['-n', ns, resource]))?.['items'] as
      KubeObject[] | undefined) ?? [];
  const federated: Record<string, string> = {};
  for (const resource of ['federatedconfigmaps', 'federatednamespaces']) {
    for (const o of await list(resource))
      federated[`${resource}/${o.metadata?.name ?? ''}`] = o.metadata?.resourceVersion ?? '';
  }
  const versions: FederatedState['versions'] = {};
  for (const pv of await list('propagatedversions.core.kubefed.io'))
    versions[pv.metadata?.name ?? ''] = {
      resourceVersion: pv.metadata?.resourceVersion ?? '',
      status: pv['status'],
    };
  return { federated, versions };
}

/** Names of federated objects in `ns` whose Propagation is not True for their generation. */
async function notPropagated(): Promise<string[]> {
  const bad: string[] = [];
  for (const resource of ['federatedconfigmaps', 'federatednamespaces']) {
    const items =
      ((await getJson(sandbox, 'host', ['-n', ns, resource]))?.['items'] as
        KubeObject[] | undefined) ?? [];
    for (const o of items) {
      const status = o['status'] as
        | {
            observedGeneration?: number;
            conditions?: { type: string; status: string }[];
            clusters?: unknown[];
          }
        | undefined;
      const ok =
        status?.observedGeneration === o.metadata?.generation &&
        status?.conditions?.find((c) => c.type === 'Propagation')?.status === 'True' &&
        status.clusters?.length === members.length;
      if (!ok) bad.push(`${resource}/${o.metadata?.name ?? ''}`);
    }
  }
  return bad;
}

/** Every federated object propagated (Propagation True, both members listed). */
async function waitUntilPropagated(expected: number): Promise<void> {
  await eventually(async () => {
    const state = await federatedState();
    if (Object.keys(state.federated).length !== expected) return undefined;
    if (Object.keys(state.versions).length !== expected) return undefined;
    return (await notPropagated()).length === 0 ? true : undefined;
  }, 120_000);
}

/** The sum of a counter or histogram `_count` over its labels, from a /metrics URL. */
async function metricSum(url: string, name: string): Promise<number> {
  const text = await (await fetch(url)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** Both members hold configmap `name` of `ns`. */
async function inBothMembers(name: string): Promise<void> {
  await eventually(async () => {
    for (const member of members)
      if ((await getJson(sandbox, member, ['-n', ns, 'configmap', name])) === undefined)
        return undefined;
    return true;
  }, 60_000);
}

describe('switch-over between the Go KubeFed and ours', { timeout: 10 * 60_000 }, () => {
  const metrics = metricsClients(sandbox, members);
  let configFile: string;
  let dir: string;
  let go: GoKubeFedManager | undefined;
  let ours: RunningManager | undefined;
  let expected = 0;

  const startGo = async (): Promise<GoKubeFedManager> => {
    const started = await startGoKubeFed({
      kubeconfig: sandbox.kubeconfig,
      context: 'host',
      namespace: kfns,
      dir,
      kubefedConfigFile: configFile,
    });
    await started.waitUntilLeading();
    return started;
  };
  const startOurs = async (): Promise<RunningManager> => {
    const started = await startManager(sandbox, ['--kubefed-config', configFile, '--v', '2']);
    await started.waitForLog('promoted as leader', 60_000);
    return started;
  };
  /** Waits until a manager has passed over every federated object once. */
  const reconciledAll = async (metricsUrl: string): Promise<void> => {
    await eventually(async () => {
      const n = await metricSum(metricsUrl, 'reconcile_federated_resources_duration_seconds_count');
      return n >= expected ? true : undefined;
    }, 90_000);
  };

  /**
   * Once the sandbox is quiet, stops the leading manager and starts the other: the newcomer
   * passes over every object and writes nothing to the members, rewrites no PropagatedVersion or
   * federated object, and every status stays `Propagation: True`.
   */
  const takesOverWithoutWrites = async (
    stopLeader: () => Promise<void>,
    startNext: () => Promise<{ metricsUrl: string }>,
  ): Promise<void> => {
    await waitForQuiet(metrics, { quietMs: 3_000, timeoutMs: 30_000 });
    const before = await federatedState();
    const writesBefore = await readWrites(metrics);
    await stopLeader();
    const next = await startNext();
    await reconciledAll(next.metricsUrl);
    await waitForQuiet(metrics, { quietMs: 3_000, timeoutMs: 30_000 });
    assert.deepEqual(
      await writesSince(writesBefore, metrics),
      {},
      'writes (cluster verb resource: count)',
    );
    assert.deepEqual(await federatedState(), before);
    assert.deepEqual(await notPropagated(), []);
  };

  before(
    async () => {
      const init = await runCli('kubefedctl', ['init', ...common]);
      assert.equal(init.code, 0, init.stderr);
      // Unlike ours, the Go kubefedctl fails while the member's KubeFed namespace is terminating.
      await waitForNamespaceUsable(sandbox, 'member1', kfns);
      const goJoin = await runGoKubefedctl([
        'join',
        'member1',
        '--cluster-context',
        'member1',
        '--kubefed-namespace',
        kfns,
        '--error-on-existing=false',
        ...common,
      ]);
      assert.equal(goJoin.code, 0, `the Go kubefedctl join failed:\n${goJoin.stderr}`);
      await joinClusters(sandbox, ['member2']);
      configFile = await fastKubeFedConfigFile({ fastClusterDelays: true });
      dir = await mkdtemp(join(tmpdir(), 'switch-over-'));
    },
    { timeout: 300_000 },
  );

  after(async () => {
    try {
      // The sync controllers' finalizers need a manager: ours cleans up.
      await go?.stop();
      ours ??= await startOurs();
      await deleteFederatedNamespace(sandbox, ns);
    } finally {
      await ours?.stop();
      await runGoKubefedctl([
        'unjoin',
        'member1',
        '--cluster-context',
        'member1',
        '--kubefed-namespace',
        kfns,
        ...common,
      ]);
      await unjoinClusters(sandbox, ['member2']);
      // The Go KubeFed does not release its ConfigMap record: free the lock for the next test.
      await kubectl(sandbox, [
        '--context',
        'host',
        '-n',
        kfns,
        'delete',
        'configmap',
        LEADER_ELECTION_LOCK_NAME,
        '--ignore-not-found',
      ]);
      await closeClients(metrics);
    }
  });

  it('the Go KubeFed propagates to members joined by either kubefedctl', async () => {
    go = await startGo();
    await createFederatedNamespace(sandbox, ns);
    await applyOnHost(
      sandbox,
      Array.from({ length: COUNT }, (_, i) => fedConfigMap(`cm-${String(i)}`)),
    );
    expected = COUNT + 1;
    await waitUntilPropagated(expected);
    await inBothMembers(`cm-${String(COUNT - 1)}`);
  });

  it('ours takes over from the Go KubeFed without a write', () =>
    takesOverWithoutWrites(
      async () => {
        await go?.stop();
        go = undefined;
      },
      async () => (ours = await startOurs()),
    ));

  it('ours propagates to the member the Go kubefedctl joined', async () => {
    await applyOnHost(sandbox, [fedConfigMap('by-ours')]);
    expected += 1;
    await inBothMembers('by-ours');
    await waitUntilPropagated(expected);
  });

  it('the Go KubeFed takes over from ours without a write', () =>
    takesOverWithoutWrites(
      async () => {
        await ours?.stop();
        ours = undefined;
      },
      async () => (go = await startGo()),
    ));

  it('the Go KubeFed propagates to the member our kubefedctl joined', async () => {
    await applyOnHost(sandbox, [fedConfigMap('by-go')]);
    expected += 1;
    await inBothMembers('by-go');
    await waitUntilPropagated(expected);
  });
});
