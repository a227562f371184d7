// Spec §7.12a end to end through the pure core: a FederatedConfigMap placed in two clusters, one of
// them overridden; then cluster2 removed from placement; then the federated object deleted. The
// member API servers are plain maps: this test is about the decisions, not the I/O.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FederatedObjectStatus, PropagatedVersionStatus } from '../../../../src/apis/types.ts';
import { cloneJson } from '../../../../src/json/json-patch.ts';
import {
  initialStatuses,
  planDeletion,
  planMemberOperations,
  settleStatuses,
  type MemberClusterState,
  type MemberOperation,
} from '../../../../src/federation/propagation/member-operations.ts';
import { parseOverrides } from '../../../../src/federation/propagation/overrides.ts';
import {
  computePlacement,
  type PlacementCluster,
} from '../../../../src/federation/propagation/placement.ts';
import {
  computePropagationStatus,
  type ClusterPropagationStatus,
} from '../../../../src/federation/propagation/propagation-status.ts';
import {
  renderMemberObject,
  type RenderResult,
} from '../../../../src/federation/propagation/render.ts';
import {
  nextPropagatedVersionStatus,
  objectHashes,
  objectVersion,
  propagatedVersionObject,
  recordedVersions,
} from '../../../../src/federation/propagation/version.ts';
import type { KubeObject } from '../../../../src/json/object.ts';

const target = { kind: 'ConfigMap', version: 'v1' };
const clusters: PlacementCluster[] = [
  { name: 'cluster1', ready: true },
  { name: 'cluster2', ready: true },
];
const fedNamespace: KubeObject = {
  apiVersion: 'types.kubefed.io/v1beta1',
  kind: 'FederatedNamespace',
  metadata: { name: 'demo', namespace: 'demo' },
  spec: { placement: { clusterSelector: {} } },
};

/** A member API server: objects by cluster, resourceVersions from a shared counter. */
class Members {
  readonly objects = new Map<string, KubeObject>();
  #rv = 100;

  write(cluster: string, obj: KubeObject): KubeObject {
    const stored = cloneJson(obj);
    stored.metadata = {
      ...stored.metadata,
      resourceVersion: String(++this.#rv),
      uid: `uid-${cluster}`,
    };
    this.objects.set(cluster, stored);
    return stored;
  }

  state(): MemberClusterState[] {
    return clusters.map((c) => ({
      name: c.name,
      ready: c.ready ?? false,
      observed: this.objects.get(c.name),
    }));
  }

  /** Runs the operations, returning the versions of what was written. */
  run(ops: MemberOperation[]): Map<string, string> {
    const versions = new Map<string, string>();
    for (const op of ops) {
      if (op.kind === 'create' || op.kind === 'update') {
        versions.set(op.cluster, objectVersion(this.write(op.cluster, op.object)));
      } else if (op.kind === 'delete') {
        this.objects.delete(op.cluster);
      }
    }
    return versions;
  }
}

interface Pass {
  ops: MemberOperation[];
  statuses: Map<string, ClusterPropagationStatus>;
  versionStatus: PropagatedVersionStatus;
  versionWrite: boolean;
  status: FederatedObjectStatus;
  statusWrite: boolean;
}

/** One sync pass (spec §7.3 syncToClusters) through the pure functions. */
function syncPass(
  fed: KubeObject,
  members: Members,
  storedVersions: PropagatedVersionStatus | undefined,
  now: number,
): Pass {
  const placement = computePlacement(fed, clusters, fedNamespace, {
    targetNamespaced: true,
    limitedScope: false,
  });
  assert.ok(placement.ok);
  const overrides = parseOverrides(fed);
  const hashes = objectHashes(fed);
  assert.ok(hashes.ok);
  const state = members.state();
  const desired = new Map<string, RenderResult>(
    placement.clusters.map((c) => [
      c,
      renderMemberObject(fed, target, c, overrides, {
        live: state.find((s) => s.name === c)?.observed,
      }),
    ]),
  );
  const ops = planMemberOperations({
    target: { kind: 'ConfigMap', qualifiedName: 'demo/cfg' },
    clusters: state,
    selected: placement.clusters,
    desired,
    recordedVersions: recordedVersions(storedVersions, hashes.hashes),
  });
  const slots = initialStatuses(ops);
  const versions = members.run(ops);
  const statuses = settleStatuses(slots);
  const next = nextPropagatedVersionStatus(
    storedVersions,
    hashes.hashes,
    placement.clusters,
    versions,
  );
  const status = computePropagationStatus(fed, {
    reason: placement.namespaceNotFederated ? 'NamespaceNotFederated' : '',
    collected: { statuses },
    now,
  });
  return {
    ops,
    statuses,
    versionStatus: next.status,
    versionWrite: next.write,
    status: status.status,
    statusWrite: status.changed,
  };
}

describe('spec §7.12a worked example', () => {
  const fed: KubeObject = {
    apiVersion: 'types.kubefed.io/v1beta1',
    kind: 'FederatedConfigMap',
    metadata: {
      name: 'cfg',
      namespace: 'demo',
      generation: 1,
      uid: 'fed-uid',
      finalizers: ['kubefed.io/sync-controller'],
    },
    spec: {
      template: { data: { foo: 'bar' } },
      placement: { clusters: [{ name: 'cluster1' }, { name: 'cluster2' }] },
      overrides: [
        { clusterName: 'cluster1', clusterOverrides: [{ path: '/data', value: { foo: 'baz' } }] },
      ],
    },
  };
  const members = new Members();
  const t0 = Date.UTC(2026, 4, 1, 12, 0, 0);
  const stamp0 = '2026-05-01T12:00:00Z';

  let first: Pass;
  it('creates the ConfigMap in both clusters, cluster1 overridden', () => {
    first = syncPass(fed, members, undefined, t0);
    assert.deepEqual(
      first.ops.map((o) => [o.cluster, o.kind]),
      [
        ['cluster1', 'create'],
        ['cluster2', 'create'],
      ],
    );
    const managed = { 'kubefed.io/managed': 'true' };
    assert.deepEqual(members.objects.get('cluster1'), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'cfg',
        namespace: 'demo',
        labels: managed,
        resourceVersion: '101',
        uid: 'uid-cluster1',
      },
      data: { foo: 'baz' },
    });
    assert.deepEqual(members.objects.get('cluster2')?.data, { foo: 'bar' });
    assert.deepEqual(members.objects.get('cluster2')?.metadata?.labels, managed);
  });

  it('records the hashes and both member versions in PropagatedVersion demo/configmap-cfg', () => {
    const pv = propagatedVersionObject(fed, 'ConfigMap');
    assert.deepEqual(pv.metadata, {
      name: 'configmap-cfg',
      namespace: 'demo',
      ownerReferences: [
        {
          apiVersion: 'types.kubefed.io/v1beta1',
          kind: 'FederatedConfigMap',
          name: 'cfg',
          uid: 'fed-uid',
        },
      ],
    });
    assert.equal(first.versionWrite, true);
    assert.deepEqual(first.versionStatus, {
      templateVersion: '4682012eb72f035cfe2b227efe7ca8c8',
      overridesVersion: '83ab4a072c6b38ec5b27715c2fe62c9d',
      clusterVersions: [
        { clusterName: 'cluster1', version: 'rv:101' },
        { clusterName: 'cluster2', version: 'rv:102' },
      ],
    });
  });

  it('reports observedGeneration 1, Propagation True and both clusters', () => {
    assert.equal(first.statusWrite, true);
    assert.deepEqual(first.status, {
      observedGeneration: 1,
      clusters: [{ name: 'cluster1' }, { name: 'cluster2' }],
      conditions: [
        { type: 'Propagation', status: 'True', lastTransitionTime: stamp0, lastUpdateTime: stamp0 },
      ],
    });
  });

  it('a second pass changes nothing and writes nothing', () => {
    const again = syncPass(
      { ...fed, status: first.status },
      members,
      first.versionStatus,
      t0 + 10_000,
    );
    assert.deepEqual(
      again.ops.map((o) => [o.cluster, o.kind, o.kind === 'none' ? o.status : '-']),
      [
        ['cluster1', 'none', ''],
        ['cluster2', 'none', ''],
      ],
    );
    assert.equal(again.versionWrite, false);
    assert.equal(again.statusWrite, false);
    assert.deepEqual(again.status, first.status);
  });

  let removed: Pass;
  const fed2: KubeObject = cloneJson(fed);
  it('removing cluster2 from placement deletes it there; cluster2 waits for removal', () => {
    fed2.metadata = { ...fed2.metadata, generation: 2 };
    (fed2['spec'] as { placement: unknown }).placement = { clusters: [{ name: 'cluster1' }] };
    removed = syncPass(
      { ...fed2, status: first.status },
      members,
      first.versionStatus,
      t0 + 60_000,
    );
    assert.deepEqual(
      removed.ops.map((o) => [o.cluster, o.kind]),
      [
        ['cluster1', 'none'],
        ['cluster2', 'delete'],
      ],
    );
    assert.equal(members.objects.has('cluster2'), false);
    assert.deepEqual(removed.status.clusters, [
      { name: 'cluster1' },
      { name: 'cluster2', status: 'WaitingForRemoval' },
    ]);
    assert.deepEqual(removed.status.conditions, [
      {
        type: 'Propagation',
        status: 'False',
        reason: 'CheckClusters',
        lastTransitionTime: '2026-05-01T12:01:00Z',
        lastUpdateTime: '2026-05-01T12:01:00Z',
      },
    ]);
    assert.equal(removed.status.observedGeneration, 2);
  });

  it('drops cluster2 from the recorded versions', () => {
    assert.equal(removed.versionWrite, true);
    assert.deepEqual(removed.versionStatus.clusterVersions, [
      { clusterName: 'cluster1', version: 'rv:101' },
    ]);
  });

  it('once cluster2 is gone, its entry disappears and the condition returns to True', () => {
    const settled = syncPass(
      { ...fed2, status: removed.status },
      members,
      removed.versionStatus,
      t0 + 70_000,
    );
    assert.deepEqual(
      settled.ops.map((o) => o.cluster),
      ['cluster1'],
    );
    assert.deepEqual(settled.status.clusters, [{ name: 'cluster1' }]);
    assert.deepEqual(settled.status.conditions, [
      {
        type: 'Propagation',
        status: 'True',
        lastTransitionTime: '2026-05-01T12:01:10Z',
        lastUpdateTime: '2026-05-01T12:01:10Z',
      },
    ]);
    assert.equal(settled.versionWrite, false);
  });

  it('deleting the federated object deletes both ConfigMaps before the finalizer goes', () => {
    const both = new Members();
    syncPass(fed, both, undefined, t0);
    const placement = computePlacement(fed, clusters, fedNamespace, {
      targetNamespaced: true,
      limitedScope: false,
    });
    assert.ok(placement.ok);
    const deletion = planDeletion(both.state(), placement.clusters);
    assert.deepEqual(
      deletion.operations.map((o) => [o.cluster, o.kind]),
      [
        ['cluster1', 'delete'],
        ['cluster2', 'delete'],
      ],
    );
    assert.deepEqual(deletion.remaining, ['cluster1', 'cluster2']);
    both.run(deletion.operations);
    // The next pass finds nothing left: the finalizer may be removed.
    const after = planDeletion(both.state(), placement.clusters);
    assert.deepEqual(after, { operations: [], remaining: [], errors: [] });
  });

  it('placement shrunk to cluster1 and the object deleted before a pass saw it: both ConfigMaps go', () => {
    const both = new Members();
    syncPass(fed, both, undefined, t0);
    const shrunk = cloneJson(fed);
    (shrunk['spec'] as { placement: unknown }).placement = { clusters: [{ name: 'cluster1' }] };
    const placement = computePlacement(shrunk, clusters, fedNamespace, {
      targetNamespaced: true,
      limitedScope: false,
    });
    assert.ok(placement.ok);
    assert.deepEqual(placement.clusters, ['cluster1']);
    const deletion = planDeletion(both.state(), placement.clusters);
    assert.deepEqual(
      deletion.operations.map((o) => [o.cluster, o.kind]),
      [
        ['cluster1', 'delete'],
        ['cluster2', 'delete'],
      ],
    );
    both.run(deletion.operations);
    assert.equal(both.objects.size, 0);
  });
});
