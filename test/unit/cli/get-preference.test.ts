// `kubefedctl get rsp`: the pure table, over fixed objects, and the command against real
// node:http servers standing in for the host and a member.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/cli.ts';
import type { CliIO } from '../../../src/cli/command.ts';
import type { KubeFedCluster, ReplicaSchedulingPreference } from '../../../src/apis/types.ts';
import {
  preferenceHeader,
  preferenceRows,
  renderPreference,
  renderPreferenceList,
} from '../../../src/cli/get/preference-table.ts';
import type {
  MemberWorkload,
  PreferenceRow,
  PreferenceView,
} from '../../../src/cli/get/preference-table.ts';
import type { KubeObject } from '../../../src/json/object.ts';
import { startServer, statusReply, type TestServer } from '../kube/test-server.ts';

const now = new Date('2026-01-10T12:00:00Z');
const ago = (seconds: number): string => new Date(now.getTime() - seconds * 1000).toISOString();

/** `ready: null`: the health checker has not written a condition yet. */
function cluster(name: string, ready: boolean | null = true, labels?: Record<string, string>) {
  return {
    apiVersion: 'core.kubefed.io/v1beta1',
    kind: 'KubeFedCluster',
    metadata: { name, namespace: 'kube-federation-system', ...(labels ? { labels } : {}) },
    spec: { apiEndpoint: `https://${name}:6443`, secretRef: { name: `${name}-x` } },
    ...(ready === null
      ? {}
      : { status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } }),
  } as KubeFedCluster;
}

const threeClusters = [cluster('host'), cluster('member1'), cluster('member2')];

function rsp(spec: Record<string, unknown>, name = 'web'): ReplicaSchedulingPreference {
  return {
    apiVersion: 'scheduling.kubefed.io/v1alpha1',
    kind: 'ReplicaSchedulingPreference',
    metadata: { name, namespace: 'shop', creationTimestamp: ago(3600) },
    spec: { targetKind: 'FederatedDeployment', totalReplicas: 9, ...spec },
  };
}

/** A FederatedDeployment placed in `replicas`' clusters with one replicas override each. */
function fed(
  replicas: Record<string, number>,
  extra: { clusterSelector?: Record<string, string>; placed?: string[] } = {},
): KubeObject {
  const placed = extra.placed ?? Object.keys(replicas);
  return {
    apiVersion: 'types.kubefed.io/v1beta1',
    kind: 'FederatedDeployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      template: { spec: { replicas: 1, selector: { matchLabels: { app: 'web' } } } },
      placement: {
        clusters: placed.map((name) => ({ name })),
        ...(extra.clusterSelector
          ? { clusterSelector: { matchLabels: extra.clusterSelector } }
          : {}),
      },
      overrides: Object.entries(replicas).map(([clusterName, value]) => ({
        clusterName,
        clusterOverrides: [{ path: '/spec/replicas', value }],
      })),
    },
  };
}

function fedNamespace(clusters: string[]): KubeObject {
  return {
    apiVersion: 'types.kubefed.io/v1beta1',
    kind: 'FederatedNamespace',
    metadata: { name: 'shop', namespace: 'shop' },
    spec: { placement: { clusters: clusters.map((name) => ({ name })) } },
  };
}

/** A managed member Deployment with `replicas` desired and `ready` ready. */
function deployment(replicas: number, ready: number, managed = true): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'shop',
      ...(managed ? { labels: { 'kubefed.io/managed': 'true' } } : {}),
    },
    spec: { replicas, selector: { matchLabels: { app: 'web' } } },
    status: { replicas, ...(ready > 0 ? { readyReplicas: ready } : {}) },
  };
}

const runningPod = {
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
};
const pendingPod = (secondsAgo: number) => ({
  status: {
    phase: 'Pending',
    conditions: [
      {
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        lastTransitionTime: ago(secondsAgo),
      },
    ],
  },
});

const found = (object: KubeObject, pods?: unknown[]): MemberWorkload =>
  pods === undefined ? { state: 'found', object } : { state: 'found', object, pods };

/** Every cluster runs its `replicas`, all ready. */
function settled(replicas: Record<string, number>): Map<string, MemberWorkload> {
  return new Map(Object.entries(replicas).map(([c, n]) => [c, found(deployment(n, n))]));
}

function view(overrides: Partial<PreferenceView> & Pick<PreferenceView, 'rsp'>): PreferenceView {
  return {
    target: { state: 'absent' },
    clusters: threeClusters,
    limitedScope: false,
    members: new Map(),
    thresholdMs: 60_000,
    ...overrides,
  };
}

function foundTarget(object: KubeObject, namespaceClusters = ['host', 'member1', 'member2']) {
  return { state: 'found' as const, object, fedNamespace: fedNamespace(namespaceClusters) };
}

/** CLUSTER → column. */
const column = (rows: PreferenceRow[], key: keyof PreferenceRow): Record<string, string> =>
  Object.fromEntries(rows.map((r) => [r.cluster, r[key]]));

const rowsOf = (v: PreferenceView): PreferenceRow[] => preferenceRows(v, now);

describe('get rsp NAME: the table', () => {
  it('spreads by the default weight 1 and says the RSP names no cluster', () => {
    const v = view({
      rsp: rsp({}),
      target: foundTarget(fed({ host: 3, member1: 3, member2: 3 })),
      members: settled({ host: 3, member1: 3, member2: 3 }),
    });
    assert.equal(
      renderPreference(v, now),
      [
        'Target: FederatedDeployment web, 9 replicas, rebalance: false, intersectWithClusterSelector: false',
        'Planned: 9 replicas in 3 clusters, 9 ready',
        'No cluster preferences: every cluster has weight 1 ("*": {weight: 1})',
        'CLUSTER   READY   WEIGHT   MIN   MAX   PLANNED   REPLICAS   CAPACITY   WHY',
        'host      True    1        0     -     3         3/3        -          weight 1 of 3',
        'member1   True    1        0     -     3         3/3        -          weight 1 of 3',
        'member2   True    1        0     -     3         3/3        -          weight 1 of 3',
        '',
      ].join('\n'),
    );
  });

  it('shows each cluster its own entry, and no preference for a cluster without one and no "*"', () => {
    const v = view({
      rsp: rsp({ rebalance: true, clusters: { member1: { weight: 1 }, member2: { weight: 2 } } }),
      target: foundTarget(fed({ host: 0, member1: 3, member2: 6 })),
      members: settled({ host: 0, member1: 3, member2: 6 }),
    });
    assert.deepEqual(rowsOf(v), [
      {
        cluster: 'host',
        ready: 'True',
        weight: '-',
        min: '-',
        max: '-',
        planned: '0',
        replicas: '0/0',
        capacity: '-',
        why: 'no preference',
      },
      {
        cluster: 'member1',
        ready: 'True',
        weight: '1',
        min: '0',
        max: '-',
        planned: '3',
        replicas: '3/3',
        capacity: '-',
        why: 'weight 1 of 3',
      },
      {
        cluster: 'member2',
        ready: 'True',
        weight: '2',
        min: '0',
        max: '-',
        planned: '6',
        replicas: '6/6',
        capacity: '-',
        why: 'weight 2 of 3',
      },
    ]);
    assert.deepEqual(preferenceHeader(v, now), [
      'Target: FederatedDeployment web, 9 replicas, rebalance: true, intersectWithClusterSelector: false',
      'Planned: 9 replicas in 2 clusters, 9 ready',
    ]);
  });

  it('says a shrinking cluster hands over its ready replicas until the others are ready', () => {
    // The weights changed: host has no preference now, member2 is starting its 6.
    const v = view({
      rsp: rsp({ rebalance: true, clusters: { member1: { weight: 1 }, member2: { weight: 2 } } }),
      target: foundTarget(fed({ host: 3, member1: 3, member2: 6 })),
      members: new Map([
        ['host', found(deployment(3, 3))],
        ['member1', found(deployment(3, 3))],
        [
          'member2',
          found(deployment(6, 3), [
            runningPod,
            runningPod,
            runningPod,
            { status: { phase: 'Pending' } },
          ]),
        ],
      ]),
    });
    assert.deepEqual(column(rowsOf(v), 'why'), {
      host: 'handing over: keeps 3 until the others are ready, then 0',
      member1: 'weight 1 of 3',
      member2: 'weight 2 of 3',
    });
    assert.deepEqual(column(rowsOf(v), 'replicas'), {
      host: '3/3',
      member1: '3/3',
      member2: '3/6',
    });
    assert.equal(preferenceHeader(v, now)[1], 'Planned: 12 replicas in 3 clusters, 9 ready');
  });

  it('names the minimum and the maximum that decide a share (spec §9.3 examples)', () => {
    const minMax = view({
      rsp: rsp({
        rebalance: true,
        clusters: {
          host: { minReplicas: 4, maxReplicas: 6, weight: 1 },
          member1: { minReplicas: 4, maxReplicas: 8, weight: 2 },
        },
      }),
      target: foundTarget(fed({ host: 4, member1: 5, member2: 0 })),
      members: settled({ host: 4, member1: 5 }),
    });
    assert.deepEqual(column(rowsOf(minMax), 'why'), {
      host: 'min 4',
      member1: 'min 4 + weight 2 of 3',
      member2: 'no preference',
    });
    assert.deepEqual(column(rowsOf(minMax), 'max'), { host: '6', member1: '8', member2: '-' });

    const capped = view({
      rsp: rsp({
        rebalance: true,
        clusters: {
          '*': { weight: 1 },
          member1: { maxReplicas: 2, weight: 1 },
          member2: { weight: 0 },
        },
      }),
      target: foundTarget(fed({ host: 7, member1: 2, member2: 0 })),
      members: settled({ host: 7, member1: 2 }),
    });
    assert.deepEqual(column(rowsOf(capped), 'why'), {
      host: "weight 1 of 2, +2 over the others' max",
      member1: 'max 2 reached',
      member2: 'weight 0',
    });
    assert.deepEqual(column(rowsOf(capped), 'replicas'), {
      host: '7/7',
      member1: '2/2',
      member2: '-',
    });
  });

  it('shows the capacity unschedulable pods leave, and pods not yet past the threshold', () => {
    const members = new Map([
      ['host', found(deployment(4, 4))],
      ['member1', found(deployment(3, 2), [runningPod, runningPod, pendingPod(20)])],
      ['member2', found(deployment(3, 2), [runningPod, runningPod, pendingPod(120)])],
    ]);
    const v = view({
      rsp: rsp({ rebalance: true }),
      target: foundTarget(fed({ host: 4, member1: 3, member2: 3 })),
      members,
    });
    assert.equal(
      renderPreference(v, now),
      [
        'Target: FederatedDeployment web, 9 replicas, rebalance: true, intersectWithClusterSelector: false',
        'Planned: 10 replicas in 3 clusters, 8 ready',
        "Pods count as unschedulable after 60s (--pod-unschedulable-threshold: give the manager's value)",
        'No cluster preferences: every cluster has weight 1 ("*": {weight: 1})',
        'CLUSTER   READY   WEIGHT   MIN   MAX   PLANNED   REPLICAS   CAPACITY   WHY',
        'host      True    1        0     -     4         4/4        -          weight 1 of 3, +1 that member2 cannot run',
        'member1   True    1        0     -     3         2/3        -          weight 1 of 3; 1 pod unschedulable < 60s',
        'member2   True    1        0     -     3         2/3        2          capacity 2 (1 pod unschedulable > 60s), 1 more left pending',
        '',
      ].join('\n'),
    );
    // With the manager's threshold of 10 s, member1's pod counts too.
    const fast = preferenceRows({ ...v, thresholdMs: 10_000 }, now);
    assert.deepEqual(column(fast, 'capacity'), { host: '-', member1: '2', member2: '2' });
    assert.match(column(fast, 'why')['member1'] ?? '', /^capacity 2 \(1 pod unschedulable > 10s\)/);
    const subSecond = preferenceRows({ ...v, thresholdMs: 500 }, now);
    assert.match(column(subSecond, 'why')['member2'] ?? '', /> 500ms/);
  });

  it('says a cluster takes on what another cannot run (the sandbox case)', () => {
    // member2's nodes fit two of its pods: its other two replicas go to member1, up to its max.
    const v = view({
      rsp: rsp({
        totalReplicas: 6,
        rebalance: true,
        clusters: { member1: { weight: 1, maxReplicas: 4 }, member2: { weight: 2 } },
      }),
      clusters: [cluster('member1'), cluster('member2')],
      target: foundTarget(fed({ member1: 4, member2: 4 }), ['member1', 'member2']),
      members: new Map([
        ['member1', found(deployment(4, 4))],
        [
          'member2',
          found(deployment(4, 2), [runningPod, runningPod, pendingPod(90), pendingPod(90)]),
        ],
      ]),
      thresholdMs: 20_000,
    });
    assert.deepEqual(column(rowsOf(v), 'why'), {
      member1: 'weight 1 of 3, +2 that member2 cannot run',
      member2: 'capacity 2 (2 pods unschedulable > 20s), 2 more left pending',
    });
  });

  it('counts the status when the pods were not listed', () => {
    const v = view({
      rsp: rsp({ rebalance: true }),
      target: foundTarget(fed({ host: 3, member1: 3, member2: 3 })),
      members: new Map([
        ['host', found(deployment(3, 3))],
        ['member1', found(deployment(3, 3))],
        ['member2', found(deployment(3, 1))],
      ]),
    });
    assert.deepEqual(column(rowsOf(v), 'replicas'), {
      host: '3/3',
      member1: '3/3',
      member2: '1/3',
    });
    assert.deepEqual(column(rowsOf(v), 'capacity'), { host: '-', member1: '-', member2: '-' });
  });

  it('keeps a placed cluster that is not ready, and says when a member could not be read', () => {
    const v = view({
      rsp: rsp({}),
      clusters: [
        cluster('host'),
        cluster('member1'),
        cluster('member2', false),
        cluster('member3', null),
      ],
      target: foundTarget(fed({ host: 5, member1: 4, member2: 3 }), [
        'host',
        'member1',
        'member2',
        'member3',
      ]),
      members: new Map<string, MemberWorkload>([
        ['host', found(deployment(5, 5))],
        ['member1', found(deployment(4, 4))],
        ['member2', { state: 'unreadable', error: 'timeout' }],
        ['member3', { state: 'absent' }],
      ]),
    });
    assert.deepEqual(column(rowsOf(v), 'why'), {
      host: 'weight 1 of 2',
      member1: 'weight 1 of 2',
      member2: 'not ready: kept until it returns',
      member3: 'not ready',
    });
    assert.deepEqual(column(rowsOf(v), 'ready'), {
      host: 'True',
      member1: 'True',
      member2: 'False',
      member3: 'Unknown',
    });
    assert.deepEqual(column(rowsOf(v), 'replicas'), {
      host: '5/5',
      member1: '4/4',
      member2: '<unknown>',
      member3: '-',
    });

    const unreadable = view({
      rsp: rsp({}),
      target: foundTarget(fed({ host: 3, member1: 3, member2: 3 })),
      members: new Map<string, MemberWorkload>([
        ['host', found(deployment(3, 3))],
        ['member1', found(deployment(3, 3))],
        ['member2', { state: 'unreadable', error: 'connection refused' }],
      ]),
    });
    assert.equal(column(rowsOf(unreadable), 'why')['member2'], 'workload unreadable');
  });

  it('says which clusters keep their running replicas without rebalance', () => {
    const v = view({
      rsp: rsp({}),
      target: foundTarget(fed({ host: 5, member1: 2, member2: 2 })),
      members: settled({ host: 5, member1: 2, member2: 2 }),
    });
    assert.deepEqual(column(rowsOf(v), 'why'), {
      host: 'keeps its running replicas (rebalance off)',
      member1: 'others keep their running replicas (rebalance off)',
      member2: 'others keep their running replicas (rebalance off)',
    });
  });

  it('says what the scheduler has not written yet', () => {
    // member2 joined: not placed yet; member1 still at an old number.
    const v = view({
      rsp: rsp({ rebalance: true }),
      target: foundTarget(fed({ host: 3, member1: 2 })),
      members: new Map<string, MemberWorkload>([
        ['host', found(deployment(3, 3))],
        ['member1', found(deployment(2, 2))],
        ['member2', { state: 'absent' }],
      ]),
    });
    assert.deepEqual(column(rowsOf(v), 'why'), {
      host: 'weight 1 of 3',
      member1: 'weight 1 of 3; not written yet, the plan says 3',
      member2: 'weight 1 of 3; not placed yet, the plan says 3',
    });
    assert.deepEqual(column(rowsOf(v), 'planned'), { host: '3', member1: '2', member2: '-' });
  });

  it('tells the cluster selector from the namespace placement', () => {
    const zoned = [
      cluster('host', true, { zone: 'a' }),
      cluster('member1', true, { zone: 'a' }),
      cluster('member2'),
      cluster('member3', true, { zone: 'a' }),
    ];
    const object = fed({ host: 5, member1: 4, member2: 0 }, { clusterSelector: { zone: 'a' } });
    const everywhere: KubeObject = {
      ...fedNamespace([]),
      spec: { placement: { clusterSelector: {} } },
    };
    const v = view({
      rsp: rsp({ rebalance: true, intersectWithClusterSelector: true }),
      clusters: zoned,
      target: { state: 'found', object, fedNamespace: everywhere },
      members: settled({ host: 5, member1: 4 }),
    });
    assert.deepEqual(column(rowsOf(v), 'why'), {
      // The 9 ready replicas stay where they are until member3's are ready.
      host: 'handing over: keeps 5 until the others are ready, then 3',
      member1: 'handing over: keeps 4 until the others are ready, then 3',
      member2: 'outside the cluster selector; the plan removes it',
      member3: 'weight 1 of 3; not placed yet, the plan says 3',
    });

    // KubeFed reads the FederatedNamespace by its selector too: a list of clusters selects none.
    const listed = view({
      ...v,
      target: {
        state: 'found',
        object,
        fedNamespace: fedNamespace(['host', 'member1', 'member2']),
      },
    });
    assert.deepEqual(column(rowsOf(listed), 'why'), {
      host: "outside the FederatedNamespace's cluster selector",
      member1: "outside the FederatedNamespace's cluster selector",
      member2: 'outside the cluster selector',
      member3: 'namespace not placed here',
    });
    assert.equal(
      preferenceHeader(listed, now)[2],
      'No cluster is ready where the object may run: the scheduler leaves it as it is',
    );
  });

  it('says when the cluster selector cannot be read', () => {
    const object = fed({ host: 3, member1: 3, member2: 3 });
    (object['spec'] as { placement: Record<string, unknown> }).placement['clusterSelector'] = {
      matchLabels: 'zone=a',
    };
    const v = view({
      rsp: rsp({ intersectWithClusterSelector: true }),
      target: foundTarget(object),
      members: settled({ host: 3, member1: 3, member2: 3 }),
    });
    assert.match(
      preferenceHeader(v, now)[2] ?? '',
      /^Cannot tell where the object may run: invalid clusterSelector: matchLabels/,
    );
    assert.deepEqual(column(rowsOf(v), 'why'), {
      host: 'placement error',
      member1: 'placement error',
      member2: 'placement error',
    });
  });

  it('says where the namespace is not, and when it is not federated', () => {
    const v = view({
      rsp: rsp({ rebalance: true }),
      target: foundTarget(fed({ host: 5, member1: 4 }), ['host', 'member1']),
      members: settled({ host: 5, member1: 4 }),
    });
    assert.equal(column(rowsOf(v), 'why')['member2'], 'namespace not placed here');
    assert.equal(column(rowsOf(v), 'why')['host'], 'weight 1 of 2');

    const unfederated = view({
      rsp: rsp({}),
      target: { state: 'found', object: fed({ host: 3, member1: 3, member2: 3 }) },
    });
    assert.deepEqual(column(rowsOf(unfederated), 'why'), {
      host: 'namespace not federated',
      member1: 'namespace not federated',
      member2: 'namespace not federated',
    });
    // A namespaced control plane has the namespace everywhere.
    const limited = preferenceRows({ ...unfederated, limitedScope: true }, now);
    assert.deepEqual(column(limited, 'why'), {
      host: 'weight 1 of 3',
      member1: 'weight 1 of 3',
      member2: 'weight 1 of 3',
    });
  });

  it('lists clusters the RSP or the object names without a KubeFedCluster', () => {
    const v = view({
      rsp: rsp({ rebalance: true, clusters: { '*': { weight: 1 }, 'member-1': { weight: 3 } } }),
      target: foundTarget(fed({ host: 3, member1: 3, member2: 3, old: 2 })),
      members: settled({ host: 3, member1: 3, member2: 3 }),
    });
    const rows = rowsOf(v);
    assert.deepEqual(
      rows.map((r) => [r.cluster, r.ready, r.weight, r.planned, r.why]),
      [
        ['host', 'True', '1', '3', 'weight 1 of 3'],
        ['member-1', '-', '3', '-', 'not joined (no KubeFedCluster)'],
        ['member1', 'True', '1', '3', 'weight 1 of 3'],
        ['member2', 'True', '1', '3', 'weight 1 of 3'],
        ['old', '-', '1', '-', 'not joined (no KubeFedCluster)'],
      ],
    );
  });

  it('says when the scheduler cannot count a member workload', () => {
    const noSelector = deployment(3, 1);
    delete (noSelector['spec'] as Record<string, unknown>)['selector'];
    const v = view({
      rsp: rsp({ rebalance: true }),
      target: foundTarget(fed({ host: 3, member1: 3, member2: 3 })),
      members: new Map([
        ['host', found(deployment(3, 3))],
        ['member1', found(deployment(3, 3, false))],
        ['member2', found(noSelector)],
      ]),
    });
    assert.deepEqual(column(rowsOf(v), 'why'), {
      host: 'weight 1 of 3',
      member1: 'workload not managed by KubeFed',
      member2: "workload: spec.selector does not select the workload's pods",
    });
  });

  it('still shows the preferences when the target is missing or not scheduled', () => {
    const absent = view({
      rsp: rsp({ clusters: { member1: { weight: 1, minReplicas: 2 } } }),
      clusters: [cluster('host'), cluster('member1', false)],
    });
    assert.equal(
      renderPreference(absent, now),
      [
        'Target: FederatedDeployment web, 9 replicas, rebalance: false, intersectWithClusterSelector: false',
        'FederatedDeployment "web" not found in namespace shop: nothing is scheduled until it exists',
        'CLUSTER   READY   WEIGHT   MIN   MAX   PLANNED   REPLICAS   CAPACITY   WHY',
        'host      True    -        -     -     -         -          -          no preference',
        'member1   False   1        2     -     -         -          -          not ready',
        '',
      ].join('\n'),
    );
    const typo = view({
      rsp: rsp({ targetKind: 'FederatedDeploymnet' }),
      target: {
        state: 'unscheduled',
        reason: 'spec.targetKind must be FederatedDeployment or FederatedReplicaSet',
      },
    });
    assert.deepEqual(preferenceHeader(typo, now).slice(0, 2), [
      'Target: FederatedDeploymnet web, 9 replicas, rebalance: false, intersectWithClusterSelector: false',
      'Not scheduled: spec.targetKind must be FederatedDeployment or FederatedReplicaSet',
    ]);
    assert.deepEqual(column(rowsOf(typo), 'why'), { host: '-', member1: '-', member2: '-' });
    assert.equal(
      renderPreference(view({ rsp: rsp({ clusters: {} }), clusters: [] }), now)
        .split('\n')
        .at(-2),
      "No member clusters: join one with 'kubefedctl join'",
    );
  });
});

describe('get rsp: the list', () => {
  it('prints TARGET, TOTAL, REBALANCE and AGE, sorted, NAMESPACE first with -A', () => {
    const a = rsp({ rebalance: true }, 'web');
    const b = { ...rsp({ targetKind: 'FederatedReplicaSet', totalReplicas: 2 }, 'api') };
    const c = { ...rsp({}, 'zed'), metadata: { name: 'zed', namespace: 'another' }, spec: {} };
    assert.equal(
      renderPreferenceList([a, b], now, false),
      [
        'NAME   TARGET                    TOTAL   REBALANCE   AGE',
        'api    FederatedReplicaSet/api   2       false       60m',
        'web    FederatedDeployment/web   9       true        60m',
        '',
      ].join('\n'),
    );
    assert.equal(
      renderPreferenceList([a, c], now, true),
      [
        'NAMESPACE   NAME   TARGET                    TOTAL    REBALANCE   AGE',
        'another     zed    <none>/zed                <none>   false       <unknown>',
        'shop        web    FederatedDeployment/web   9        true        60m',
        '',
      ].join('\n'),
    );
  });
});

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: {},
  };
  return { code: await runCli(argv, io), stdout, stderr };
}

describe('kubefedctl get rsp', () => {
  it('checks its flags before contacting the host', async () => {
    const threshold = await run(['get', 'rsp', 'web', '--pod-unschedulable-threshold', 'soon']);
    assert.equal(threshold.code, 1);
    assert.match(threshold.stderr, /invalid --pod-unschedulable-threshold "soon": use a duration/);
    const negative = await run(['get', 'rsp', 'web', '--pod-unschedulable-threshold=-1s']);
    assert.match(negative.stderr, /must not be negative/);
    const all = await run(['get', 'replicaschedulingpreferences', 'web', '-A']);
    assert.match(all.stderr, /--all-namespaces lists objects; it cannot be combined with a NAME/);
    const output = await run(['get', 'ReplicaSchedulingPreference', '-o', 'wide']);
    assert.match(output.stderr, /invalid --output "wide": use yaml, json, name/);
    const elsewhere = await run(['get', 'clusters', '--pod-unschedulable-threshold', '5s']);
    assert.equal(elsewhere.code, 1);
    assert.match(elsewhere.stderr, /--pod-unschedulable-threshold applies to 'get rsp' only/);
  });

  describe('against a host and a member', () => {
    let host: TestServer;
    let member: TestServer;
    let dir: string;
    let kubeconfigPath: string;
    let fedDeploymentFound = true;
    const podQueries: string[] = [];

    const ftc = (name: string, kind: string, plural: string, group: string) => ({
      apiVersion: 'core.kubefed.io/v1beta1',
      kind: 'FederatedTypeConfig',
      metadata: { name, namespace: 'kube-federation-system' },
      spec: {
        propagation: 'Enabled',
        targetType: { kind, version: 'v1', group, pluralName: plural, scope: 'Namespaced' },
        federatedType: {
          kind: `Federated${kind}`,
          version: 'v1beta1',
          group: 'types.kubefed.io',
          pluralName: `federated${plural}`,
          scope: 'Namespaced',
        },
      },
    });

    before(async () => {
      member = await startServer((req) => {
        const path = req.url.pathname;
        if (path === '/apis/apps/v1/namespaces/shop/deployments/web') {
          return { body: deployment(3, 2) };
        }
        if (path === '/api/v1/namespaces/shop/pods') {
          podQueries.push(req.url.searchParams.get('labelSelector') ?? '');
          return { body: { kind: 'PodList', items: [runningPod, runningPod, pendingPod(120)] } };
        }
        return statusReply(404, 'NotFound', `${path} not found`);
      });
      const memberCluster = {
        ...cluster('member1'),
        spec: { apiEndpoint: member.url, secretRef: { name: 'member1-token' } },
      };
      const offline = {
        ...cluster('member2', false),
        spec: { apiEndpoint: 'http://127.0.0.1:9', secretRef: { name: 'member2-token' } },
      };
      const list = (items: unknown[]) => ({ body: { kind: 'List', metadata: {}, items } });
      host = await startServer((req) => {
        const path = req.url.pathname;
        const kfns = '/apis/core.kubefed.io/v1beta1/namespaces/kube-federation-system';
        switch (path) {
          case '/apis/scheduling.kubefed.io/v1alpha1/namespaces/shop/replicaschedulingpreferences/web':
            return { body: rsp({ rebalance: true, clusters: { member1: { weight: 1 } } }) };
          case '/apis/scheduling.kubefed.io/v1alpha1/namespaces/shop/replicaschedulingpreferences':
            return list([rsp({}, 'web'), rsp({}, 'api')]);
          case `${kfns}/kubefedclusters`:
            return list([memberCluster, offline]);
          case `${kfns}/federatedtypeconfigs`:
            return list([
              ftc('deployments.apps', 'Deployment', 'deployments', 'apps'),
              ftc('namespaces', 'Namespace', 'namespaces', ''),
            ]);
          case '/apis/types.kubefed.io/v1beta1/namespaces/shop/federateddeployments/web':
            return fedDeploymentFound
              ? { body: fed({ member1: 3, member2: 0 }) }
              : statusReply(404, 'NotFound', 'federateddeployments "web" not found');
          case '/apis/types.kubefed.io/v1beta1/namespaces/shop/federatednamespaces/shop':
            return { body: fedNamespace(['member1', 'member2']) };
          case '/api/v1/namespaces/kube-federation-system/secrets/member1-token':
          case '/api/v1/namespaces/kube-federation-system/secrets/member2-token':
            return { body: { data: { token: Buffer.from('t').toString('base64') } } };
          default:
            return statusReply(404, 'NotFound', `${path} not found`);
        }
      });
      dir = mkdtempSync(join(tmpdir(), 'kubefedctl-get-rsp-'));
      kubeconfigPath = join(dir, 'kubeconfig');
      writeFileSync(
        kubeconfigPath,
        [
          'apiVersion: v1',
          'kind: Config',
          'current-context: host',
          `clusters:\n- name: host\n  cluster:\n    server: ${host.url}`,
          'users:\n- name: admin\n  user:\n    token: t',
          'contexts:\n- name: host\n  context:\n    cluster: host\n    user: admin\n    namespace: shop',
          '',
        ].join('\n'),
      );
    });
    after(async () => {
      await Promise.all([host.close(), member.close()]);
      rmSync(dir, { recursive: true, force: true });
    });

    it('reads the member workload and its pods with the cluster credentials', async () => {
      const { code, stdout, stderr } = await run([
        'get',
        'rsp',
        'web',
        '--kubeconfig',
        kubeconfigPath,
        '--pod-unschedulable-threshold',
        '1m30s',
      ]);
      assert.equal(code, 0, stderr);
      assert.match(stderr, /^Warning: cannot read the workload in cluster "member2": /);
      assert.deepEqual(podQueries, ['app=web']);
      assert.equal(
        stdout,
        [
          'Target: FederatedDeployment web, 9 replicas, rebalance: true, intersectWithClusterSelector: false',
          'Planned: 3 replicas in 1 cluster, 2 ready',
          "Pods count as unschedulable after 90s (--pod-unschedulable-threshold: give the manager's value)",
          'CLUSTER   READY   WEIGHT   MIN   MAX   PLANNED   REPLICAS    CAPACITY   WHY',
          'member1   True    1        0     -     3         2/3         2          capacity 2 (1 pod unschedulable > 90s), 7 more left pending; not written yet, the plan says 9',
          'member2   False   -        -     -     0         <unknown>   -          not ready: kept until it returns',
          '',
        ].join('\n'),
      );
    });

    it('lists the namespace’s preferences, and prints them with -o', async () => {
      const listed = await run(['get', 'rsp', '--kubeconfig', kubeconfigPath]);
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, /^NAME {3}TARGET {20}TOTAL {3}REBALANCE {3}AGE\napi {4}/);
      const named = await run(['get', 'rsp', 'web', '-o', 'name', '--kubeconfig', kubeconfigPath]);
      assert.equal(named.stdout, 'replicaschedulingpreference.scheduling.kubefed.io/web\n');
      const json = await run(['get', 'rsp', 'web', '-o', 'json', '--kubeconfig', kubeconfigPath]);
      assert.equal((JSON.parse(json.stdout) as KubeObject).kind, 'ReplicaSchedulingPreference');
    });

    it('fails clearly for a missing RSP, and reports a missing target in the header', async () => {
      const missing = await run(['get', 'rsp', 'nope', '--kubeconfig', kubeconfigPath]);
      assert.equal(missing.code, 1);
      assert.match(
        missing.stderr,
        /ReplicaSchedulingPreference "nope" not found in namespace shop of host cluster "host"/,
      );
      fedDeploymentFound = false;
      try {
        const { code, stdout } = await run(['get', 'rsp', 'web', '--kubeconfig', kubeconfigPath]);
        assert.equal(code, 0);
        assert.match(stdout, /\nFederatedDeployment "web" not found in namespace shop: /);
        assert.match(stdout, /\nmember1 {3}True {4}1 {8}0 {5}- {5}- {9}- /);
      } finally {
        fedDeploymentFound = true;
      }
    });
  });
});
