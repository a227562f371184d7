import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeFedCluster, Placement } from '../../../../src/apis/types.ts';
import {
  computePlacement,
  placementCluster,
  resourcePlacement,
  type PlacementCluster,
  type PlacementOptions,
  type PlacementResult,
} from '../../../../src/federation/propagation/placement.ts';
import type { KubeObject } from '../../../../src/json/object.ts';

const clusters: PlacementCluster[] = [
  { name: 'c3', labels: { region: 'eu' }, ready: false },
  { name: 'c1', labels: { region: 'us', tier: 'gold' }, ready: true },
  { name: 'c2', labels: { region: 'eu' }, ready: true },
];

const obj = (placement?: Placement | null): KubeObject =>
  placement === undefined ? { spec: {} } : { spec: { placement } };

function selected(result: PlacementResult): string[] {
  assert.ok(result.ok, result.ok ? '' : result.error);
  return result.clusters;
}

const clusterScope: PlacementOptions = { targetNamespaced: true, limitedScope: false };

describe('resourcePlacement (spec §7.4 table)', () => {
  it('no clusters and no selector: none', () => {
    assert.deepEqual(selected(resourcePlacement(obj({}), clusters)), []);
    assert.deepEqual(selected(resourcePlacement(obj(), clusters)), []);
    assert.deepEqual(selected(resourcePlacement(obj(null), clusters)), []);
    assert.deepEqual(selected(resourcePlacement({}, clusters)), []);
  });
  it('empty selector: every cluster, ready or not', () => {
    assert.deepEqual(selected(resourcePlacement(obj({ clusterSelector: {} }), clusters)), [
      'c1',
      'c2',
      'c3',
    ]);
  });
  it('selector with labels: matching clusters', () => {
    assert.deepEqual(
      selected(
        resourcePlacement(obj({ clusterSelector: { matchLabels: { region: 'eu' } } }), clusters),
      ),
      ['c2', 'c3'],
    );
    assert.deepEqual(
      selected(
        resourcePlacement(
          obj({
            clusterSelector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] },
          }),
          clusters,
        ),
      ),
      ['c2', 'c3'],
    );
  });
  it('an empty clusters list wins over the selector', () => {
    assert.deepEqual(
      selected(resourcePlacement(obj({ clusters: [], clusterSelector: {} }), clusters)),
      [],
    );
  });
  it('listed clusters win, intersected with existing ones', () => {
    const placement = {
      clusters: [{ name: 'c2' }, { name: 'gone' }, { name: 'c3' }],
      clusterSelector: { matchLabels: { region: 'us' } },
    };
    assert.deepEqual(selected(resourcePlacement(obj(placement), clusters)), ['c2', 'c3']);
  });
  it('selectorOnly ignores the clusters list', () => {
    const placement = {
      clusters: [{ name: 'c1' }],
      clusterSelector: { matchLabels: { region: 'eu' } },
    };
    assert.deepEqual(selected(resourcePlacement(obj(placement), clusters, true)), ['c2', 'c3']);
  });
  it('an invalid selector is an error, but only when it is used', () => {
    const bad = { matchExpressions: [{ key: 'a', operator: 'Bogus' }] };
    const result = resourcePlacement(obj({ clusterSelector: bad }), clusters);
    assert.equal(result.ok, false);
    assert.match(
      result.error,
      /invalid clusterSelector: "Bogus" is not a valid label selector operator/,
    );
    assert.deepEqual(
      selected(
        resourcePlacement(obj({ clusters: [{ name: 'c1' }], clusterSelector: bad }), clusters),
      ),
      ['c1'],
    );
  });
  it('malformed placement is an error', () => {
    assert.equal(resourcePlacement({ spec: { placement: 'x' } }, clusters).ok, false);
    assert.equal(resourcePlacement({ spec: { placement: { clusters: 'x' } } }, clusters).ok, false);
    assert.equal(resourcePlacement({ spec: 5 }, clusters).ok, false);
  });
  it('names the listed clusters that do not exist, sorted and once each', () => {
    const placement = {
      clusters: [{ name: 'zz' }, { name: 'c2' }, { name: 'gone' }, { name: 'zz' }],
    };
    const result = resourcePlacement(obj(placement), clusters);
    assert.deepEqual(result, {
      ok: true,
      clusters: ['c2'],
      namespaceNotFederated: false,
      unknownClusters: ['gone', 'zz'],
    });
  });
  it('a selector names no unknown cluster, nor does a list it ignores', () => {
    const result = resourcePlacement(obj({ clusterSelector: {} }), clusters);
    assert.deepEqual(result.ok && result.unknownClusters, []);
    const ignored = resourcePlacement(
      obj({ clusters: [{ name: 'gone' }], clusterSelector: {} }),
      clusters,
      true,
    );
    assert.deepEqual(ignored.ok && ignored.unknownClusters, []);
  });
  it('ignores entries without a name', () => {
    assert.deepEqual(
      selected(
        resourcePlacement(
          { spec: { placement: { clusters: [{}, 'c1', { name: 'c1' }] } } },
          clusters,
        ),
      ),
      ['c1'],
    );
  });
});

describe('computePlacement', () => {
  const fedNs = obj({ clusterSelector: { matchLabels: { region: 'eu' } } });
  const fed = obj({ clusters: [{ name: 'c1' }, { name: 'c2' }] });

  it('cluster-scoped targets use their own placement', () => {
    assert.deepEqual(
      selected(
        computePlacement(fed, clusters, undefined, {
          targetNamespaced: false,
          limitedScope: false,
        }),
      ),
      ['c1', 'c2'],
    );
  });
  it('namespaced targets intersect with the FederatedNamespace placement', () => {
    const result = computePlacement(fed, clusters, fedNs, clusterScope);
    assert.deepEqual(result, {
      ok: true,
      clusters: ['c2'],
      namespaceNotFederated: false,
      unknownClusters: [],
    });
  });
  it('without a FederatedNamespace, a cluster-scoped control plane places nowhere', () => {
    assert.deepEqual(computePlacement(fed, clusters, undefined, clusterScope), {
      ok: true,
      clusters: [],
      namespaceNotFederated: true,
      unknownClusters: [],
    });
  });
  it('without a FederatedNamespace, a namespace-scoped control plane uses the object placement', () => {
    assert.deepEqual(
      computePlacement(fed, clusters, undefined, { targetNamespaced: true, limitedScope: true }),
      {
        ok: true,
        clusters: ['c1', 'c2'],
        namespaceNotFederated: false,
        unknownClusters: [],
      },
    );
  });
  it('a FederatedNamespace without placement removes the object everywhere', () => {
    assert.deepEqual(selected(computePlacement(fed, clusters, { spec: {} }, clusterScope)), []);
  });
  it('errors in either placement are reported', () => {
    const bad = obj({ clusterSelector: { matchLabels: { '-x': 'y' } } });
    assert.equal(computePlacement(bad, clusters, fedNs, clusterScope).ok, false);
    const result = computePlacement(fed, clusters, bad, clusterScope);
    assert.equal(result.ok, false);
    assert.match(result.error, /^federated namespace: /);
  });
  it('an object error wins even without a FederatedNamespace', () => {
    const bad = obj({ clusterSelector: { matchLabels: { '-x': 'y' } } });
    assert.equal(computePlacement(bad, clusters, undefined, clusterScope).ok, false);
  });
  it('reports the object’s own unknown clusters, not the FederatedNamespace’s', () => {
    const withUnknown = obj({ clusters: [{ name: 'c2' }, { name: 'gone' }] });
    const nsWithUnknown = obj({ clusters: [{ name: 'c2' }, { name: 'other' }] });
    const result = computePlacement(withUnknown, clusters, nsWithUnknown, clusterScope);
    assert.deepEqual(result.ok && [result.clusters, result.unknownClusters], [['c2'], ['gone']]);
    const notFederated = computePlacement(withUnknown, clusters, undefined, clusterScope);
    assert.deepEqual(notFederated.ok && notFederated.unknownClusters, ['gone']);
  });
  it('selectorOnly applies to both objects', () => {
    const withList = obj({ clusters: [{ name: 'c1' }], clusterSelector: {} });
    assert.deepEqual(
      selected(
        computePlacement(withList, clusters, fedNs, { ...clusterScope, selectorOnly: true }),
      ),
      ['c2', 'c3'],
    );
  });
});

describe('placementCluster', () => {
  it('takes name, labels and readiness from a KubeFedCluster', () => {
    const kfc: KubeFedCluster = {
      metadata: { name: 'c1', labels: { a: 'b' } },
      spec: { apiEndpoint: 'https://x', secretRef: { name: 's' } },
      status: { conditions: [{ type: 'Ready', status: 'True', lastProbeTime: 't' }] },
    };
    assert.deepEqual(placementCluster(kfc), { name: 'c1', labels: { a: 'b' }, ready: true });
    assert.deepEqual(
      placementCluster({ ...kfc, metadata: { name: 'c2' }, status: { conditions: [] } }),
      { name: 'c2', ready: false },
    );
  });
});
