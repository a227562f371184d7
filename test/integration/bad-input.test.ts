// Bad input on the sandbox: malformed FederatedConfigMaps the apiserver admits are reported on the
// object (a per-cluster code, the Propagation condition's message, an Event), never applied in
// silence; KubeFed's own sample FederatedDeployment (an override of /metadata/annotations) does
// not fight the member's deployment controller; an override that does fight it is stopped after
// --max-member-rewrites rewrites and says why, until the federated object changes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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
import { fastKubeFedConfigFile, startManager, type RunningManager } from './manager.ts';
import type { KubeObject } from '../../src/json/object.ts';

const sandbox = testSandbox();
const common = ['--kubeconfig', sandbox.kubeconfig, '--host-cluster-context', 'host'];
const clusters = ['member1', 'member2'];
const ns = `bad-input-${Date.now().toString(36)}`;
const maxRewrites = 2;

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}
interface EventItem {
  reason: string;
  message: string;
  count?: number;
  type: string;
}

const federated = (kind: string, name: string): Promise<KubeObject | undefined> =>
  getJson(sandbox, 'host', ['-n', ns, kind, name]);

/** The Propagation condition once the status is about the current generation. */
function propagation(fed: KubeObject | undefined): Condition | undefined {
  const status = fed?.['status'] as
    { conditions?: Condition[]; observedGeneration?: number } | undefined;
  if (status?.observedGeneration !== fed?.metadata?.generation) return undefined;
  return status?.conditions?.find((c) => c.type === 'Propagation');
}

async function eventsOf(fed: KubeObject, reason: string): Promise<EventItem[]> {
  const list = await getJson(sandbox, 'host', [
    '-n',
    ns,
    'events',
    '--field-selector',
    `involvedObject.uid=${fed.metadata?.uid ?? ''},reason=${reason}`,
  ]);
  return (list?.['items'] ?? []) as EventItem[];
}

/** Events are written in the background: the first one with `reason`. */
const eventOf = (fed: KubeObject, reason: string): Promise<EventItem> =>
  eventually(async () => (await eventsOf(fed, reason))[0]);

const occurrences = (events: readonly EventItem[]): number =>
  events.reduce((sum, e) => sum + (e.count ?? 1), 0);

function fedConfigMap(name: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'types.kubefed.io/v1beta1',
    kind: 'FederatedConfigMap',
    metadata: { name, namespace: ns },
    spec: {
      template: { metadata: { labels: { app: name } }, data: { foo: 'bar' } },
      placement: { clusters: clusters.map((c) => ({ name: c })) },
      ...spec,
    },
  };
}

const member1Override = (override: Record<string, unknown>): Record<string, unknown> => ({
  overrides: [{ clusterName: 'member1', clusterOverrides: [override] }],
});

/** KubeFed's example/sample1/federateddeployment.yaml, placed on our members. */
function fedDeployment(name: string, overrides: Record<string, unknown>[]): KubeObject {
  return {
    apiVersion: 'types.kubefed.io/v1beta1',
    kind: 'FederatedDeployment',
    metadata: { name, namespace: ns },
    spec: {
      template: {
        metadata: { labels: { app: 'nginx' } },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'nginx' } },
          template: {
            metadata: { labels: { app: 'nginx' } },
            spec: { containers: [{ image: 'nginx', name: 'nginx' }] },
          },
        },
      },
      placement: { clusters: clusters.map((c) => ({ name: c })) },
      overrides: [{ clusterName: 'member2', clusterOverrides: overrides }],
    },
  };
}

const sampleOverrides = [
  { path: '/spec/replicas', value: 5 },
  { path: '/spec/template/spec/containers/0/image', value: 'nginx:1.17.0-alpine' },
  { path: '/metadata/annotations', op: 'add', value: { foo: 'bar' } },
  { path: '/metadata/annotations/foo', op: 'remove' },
];

describe('bad input and update loops', { timeout: 5 * 60_000 }, () => {
  let manager: RunningManager;

  before(async () => {
    const init = await runCli('kubefedctl', ['init', ...common]);
    assert.equal(init.code, 0, init.stderr);
    await joinClusters(sandbox, clusters);
    const configFile = await fastKubeFedConfigFile({ fastClusterDelays: true });
    manager = await startManager(sandbox, [
      '--kubefed-config',
      configFile,
      '--max-member-rewrites',
      String(maxRewrites),
    ]);
    await manager.waitForLog('promoted as leader', 60_000);
    await createFederatedNamespace(sandbox, ns);
    // Everything at once: the deployments' controller rounds run while the config maps are checked.
    await applyOnHost(sandbox, [
      fedDeployment('sample', sampleOverrides),
      // The member's deployment controller sets the revision annotation back to its own value.
      fedDeployment('fight', [
        {
          path: '/metadata/annotations',
          op: 'add',
          value: { 'deployment.kubernetes.io/revision': '7' },
        },
      ]),
      fedConfigMap('labels-not-a-map', member1Override({ path: '/metadata/labels', value: true })),
      fedConfigMap('path-without-slash', member1Override({ path: 'data/foo', value: 'baz' })),
      fedConfigMap('label-not-a-string', {
        template: { metadata: { labels: { replicas: 3 } }, data: { foo: 'bar' } },
      }),
      fedConfigMap('unknown-clusters', {
        placement: { clusters: [{ name: 'member1' }, { name: 'no-such-cluster' }] },
        overrides: [{ clusterName: 'typo', clusterOverrides: [{ path: '/data/foo', value: 'x' }] }],
      }),
    ]);
  });

  after(async () => {
    try {
      await deleteFederatedNamespace(sandbox, ns);
    } finally {
      await manager.stop();
      await unjoinClusters(sandbox, clusters);
    }
  });

  const failingCases: [string, Record<string, string>, RegExp][] = [
    [
      'labels-not-a-map',
      { member1: 'ApplyOverridesFailed', member2: '' },
      /^cluster "member1": ApplyOverridesFailed: the overrides for cluster "member1" make metadata\.labels a boolean: it must be a map of strings to strings$/,
    ],
    [
      'path-without-slash',
      { member1: 'ApplyOverridesFailed', member2: '' },
      /^cluster "member1": ApplyOverridesFailed: spec\.overrides\[0\]\.clusterOverrides\[0\] \(path "data\/foo"\): the path must be a JSON pointer starting with "\/", e\.g\. "\/data\/foo"$/,
    ],
    [
      'label-not-a-string',
      { member1: 'ComputeResourceFailed', member2: 'ComputeResourceFailed' },
      /^cluster "member1": ComputeResourceFailed: spec\.template\.metadata\.labels\["replicas"\] is a number: labels values must be strings \(quote it in YAML\); cluster "member2": /,
    ],
  ];
  for (const [name, statuses, message] of failingCases) {
    it(`${name}: reported on the object and in an Event, the other cluster still served`, async () => {
      // The first pass may beat the namespace to member2 (a CreationFailed, retried).
      const fed = await eventually(async () => {
        const obj = await federated('federatedconfigmap', name);
        return propagation(obj) !== undefined &&
          JSON.stringify(clusterStatuses(obj)) === JSON.stringify(statuses)
          ? obj
          : undefined;
      });
      const condition = propagation(fed);
      assert.deepEqual([condition?.status, condition?.reason], ['False', 'CheckClusters']);
      assert.match(condition?.message ?? '', message);
      // The Event says the same as the condition, for member1.
      const prefix = `Failed to create ConfigMap "${ns}/${name}" in cluster "member1": `;
      const event = await eventually(async () =>
        (await eventsOf(fed, 'CreateInClusterFailed')).find((e) => e.message.startsWith(prefix)),
      );
      assert.equal(event.type, 'Warning');
      assert.ok(
        (condition?.message ?? '').includes(event.message.slice(prefix.length)),
        event.message,
      );
      const inMember1 = await getJson(sandbox, 'member1', ['-n', ns, 'configmap', name]);
      assert.equal(inMember1, undefined, 'nothing is written where the input is invalid');
      if (statuses['member2'] === '') {
        const inMember2 = await eventually(() =>
          getJson(sandbox, 'member2', ['-n', ns, 'configmap', name]),
        );
        assert.equal(inMember2.metadata?.labels?.['app'], name, 'template labels kept');
      }
    });
  }

  it('unknown clusters: the known one gets the object, the names are reported once', async () => {
    const fed = await eventually(async () => {
      const obj = await federated('federatedconfigmap', 'unknown-clusters');
      return propagation(obj)?.status === 'True' ? obj : undefined;
    });
    assert.deepEqual(clusterStatuses(fed), { member1: '' });
    const condition = propagation(fed);
    assert.equal(condition?.status, 'True');
    const warning =
      'spec.placement.clusters names clusters that are not joined ("no-such-cluster"): the object is not propagated there; join them (kubefedctl join) or correct the names; ' +
      'spec.overrides names clusters that are not joined ("typo"): those overrides apply nowhere; correct the clusterName';
    assert.equal(condition.message, warning);
    await eventually(() =>
      getJson(sandbox, 'member1', ['-n', ns, 'configmap', 'unknown-clusters']),
    );
    assert.equal((await eventOf(fed, 'UnknownClusters')).message, warning);

    // Another pass (a new template) reports nothing new: still one Warning.
    await kubectl(sandbox, [
      '--context',
      'host',
      '-n',
      ns,
      'patch',
      'federatedconfigmap',
      'unknown-clusters',
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { template: { data: { foo: 'changed' } } } }),
    ]);
    await eventually(async () => {
      const cm = await getJson(sandbox, 'member1', ['-n', ns, 'configmap', 'unknown-clusters']);
      const obj = await federated('federatedconfigmap', 'unknown-clusters');
      return (cm?.['data'] as { foo?: string } | undefined)?.foo === 'changed' &&
        propagation(obj) !== undefined
        ? true
        : undefined;
    });
    assert.equal(occurrences(await eventsOf(fed, 'UnknownClusters')), 1);
  });

  it('deployments: KubeFed’s sample converges; an override that fights the deployment controller is stopped after bounded rewrites and says why', async () => {
    // The sample: the revision annotation the member's deployment controller sets is kept.
    const sample = await eventually(async () => {
      const obj = await getJson(sandbox, 'member2', ['-n', ns, 'deployment', 'sample']);
      return obj?.metadata?.annotations?.['deployment.kubernetes.io/revision'] === undefined
        ? undefined
        : obj;
    });
    assert.equal((sample['spec'] as { replicas: number }).replicas, 5);
    const sampleFed = await eventually(async () => {
      const obj = await federated('federateddeployment', 'sample');
      return propagation(obj)?.status === 'True' ? obj : undefined;
    });

    // The fight: stopped, reported on the object and in one Event.
    const fight = await eventually(async () => {
      const obj = await federated('federateddeployment', 'fight');
      return clusterStatuses(obj)['member2'] === 'UpdateLoopDetected' ? obj : undefined;
    }, 90_000);
    const condition = propagation(fight);
    assert.deepEqual([condition?.status, condition?.reason], ['False', 'CheckClusters']);
    assert.match(
      condition?.message ?? '',
      /^cluster "member2": UpdateLoopDetected: updated 2 times in a row with the same content, and each time something in the member cluster changed metadata\.annotations\["deployment\.kubernetes\.io\/revision"\] back: stopped updating it until the federated object changes/,
    );
    assert.match(
      (await eventOf(fight, 'UpdateLoopDetected')).message,
      /^Stopped updating in cluster "member2": updated 2 times/,
    );
    const updates = occurrences(await eventsOf(fight, 'UpdateInCluster'));
    assert.ok(updates <= maxRewrites, `${String(updates)} updates`);
    const stopped = await getJson(sandbox, 'member2', ['-n', ns, 'deployment', 'fight']);

    // Then quiet, for longer than the 10 s after which a member change comes back as a pass
    // (KubeFed rewrote both deployments then, and every 10 s after).
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    assert.deepEqual(await eventsOf(sampleFed, 'UpdateInCluster'), []);
    const sampleLater = await getJson(sandbox, 'member2', ['-n', ns, 'deployment', 'sample']);
    assert.equal(sampleLater?.metadata?.resourceVersion, sample.metadata?.resourceVersion);
    assert.equal(occurrences(await eventsOf(fight, 'UpdateInCluster')), updates);
    const fightLater = await getJson(sandbox, 'member2', ['-n', ns, 'deployment', 'fight']);
    assert.equal(fightLater?.metadata?.resourceVersion, stopped?.metadata?.resourceVersion);

    // A change to the federated object (the fighting override goes) lifts the stop.
    await kubectl(sandbox, [
      '--context',
      'host',
      '-n',
      ns,
      'patch',
      'federateddeployment',
      'fight',
      '--type=json',
      '-p',
      JSON.stringify([{ op: 'remove', path: '/spec/overrides' }]),
    ]);
    const resumed = await eventually(async () => {
      const obj = await federated('federateddeployment', 'fight');
      return propagation(obj)?.status === 'True' ? obj : undefined;
    });
    assert.deepEqual(clusterStatuses(resumed), { member1: '', member2: '' });
    assert.equal(propagation(resumed)?.message, undefined);
  });

  it('a namespace without a FederatedNamespace: NamespaceNotFederated in the status and an Event, nothing propagated', async () => {
    const plain = `${ns}-plain`;
    const inPlain = ['--context', 'host', '-n', plain];
    await kubectl(sandbox, ['--context', 'host', 'create', 'namespace', plain]);
    try {
      await applyOnHost(sandbox, [
        {
          ...fedConfigMap('lonely', {
            template: { data: { foo: 'bar' } },
            placement: { clusters: [{ name: 'member1' }] },
          }),
          metadata: { name: 'lonely', namespace: plain },
        },
      ]);
      const fed = await eventually(async () => {
        const obj = await getJson(sandbox, 'host', ['-n', plain, 'federatedconfigmap', 'lonely']);
        return propagation(obj) !== undefined ? obj : undefined;
      });
      const condition = propagation(fed);
      assert.deepEqual([condition?.status, condition?.reason], ['False', 'NamespaceNotFederated']);
      const event = await eventually(async () => {
        const list = await getJson(sandbox, 'host', [
          '-n',
          plain,
          'events',
          '--field-selector',
          `involvedObject.uid=${fed.metadata?.uid ?? ''},reason=NamespaceNotFederated`,
        ]);
        return (list?.['items'] as EventItem[] | undefined)?.[0];
      });
      assert.equal(event.type, 'Warning');
      assert.equal(
        event.message,
        `Namespace "${plain}" is not federated, so this object is propagated to no cluster: federate it with \`kubefedctl federate namespace ${plain}\` (a FederatedNamespace named "${plain}" in it)`,
      );
      assert.equal(
        await getJson(sandbox, 'member1', ['-n', plain, 'configmap', 'lonely']),
        undefined,
      );
    } finally {
      // The manager removes its finalizer: delete while it runs.
      await kubectl(sandbox, [
        ...inPlain,
        'delete',
        'federatedconfigmap',
        'lonely',
        '--ignore-not-found',
      ]);
      await kubectl(sandbox, ['--context', 'host', 'delete', 'namespace', plain, '--wait=false']);
    }
  });
});
