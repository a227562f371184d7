import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  clusterTopology,
  invalidTopologyValue,
  parseZones,
  topologyAnnotated,
  topologyAnnotations,
  topologyFromNodes,
} from '../../../src/federation/cluster-topology.ts';

const node = (
  labels: Record<string, string>,
): { metadata: { labels: Record<string, string> } } => ({
  metadata: { labels },
});

describe('cluster topology (KubeFedCluster status.region / status.zones)', () => {
  it('nodes: first node’s region, sorted unique zones; topology.kubernetes.io before failure-domain', () => {
    assert.deepEqual(
      topologyFromNodes([
        node({}),
        node({ 'topology.kubernetes.io/region': 'r1', 'topology.kubernetes.io/zone': 'b' }),
        node({
          'failure-domain.beta.kubernetes.io/region': 'r2',
          'failure-domain.beta.kubernetes.io/zone': 'a',
        }),
        node({
          'topology.kubernetes.io/zone': 'b',
          'failure-domain.beta.kubernetes.io/zone': 'old',
        }),
      ]),
      { region: 'r1', zones: ['a', 'b'] },
    );
    assert.deepEqual(topologyFromNodes([node({})]), {});
  });

  it('annotations win over nodes, nodes over the previous status, per field', () => {
    const nodes = [
      node({ 'topology.kubernetes.io/region': 'nr', 'topology.kubernetes.io/zone': 'nz' }),
    ];
    const previous = { region: 'pr', zones: ['pz'] };
    assert.deepEqual(
      clusterTopology({
        annotations: { 'kubefed.io/region': 'ar', 'kubefed.io/zones': 'b,a' },
        nodes,
        previous,
      }),
      { region: 'ar', zones: ['a', 'b'] },
    );
    assert.deepEqual(
      clusterTopology({ annotations: { 'kubefed.io/region': 'ar' }, nodes, previous }),
      { region: 'ar', zones: ['nz'] },
    );
    assert.deepEqual(clusterTopology({ annotations: {}, nodes, previous }), {
      region: 'nr',
      zones: ['nz'],
    });
    // Nodes without labels, or not read: values written earlier (by hand or by the nodes) stay.
    assert.deepEqual(
      clusterTopology({ annotations: undefined, nodes: [node({})], previous }),
      previous,
    );
    assert.deepEqual(
      clusterTopology({ annotations: undefined, nodes: undefined, previous }),
      previous,
    );
    assert.deepEqual(
      clusterTopology({ annotations: undefined, nodes: undefined, previous: { zones: [] } }),
      {},
    );
  });

  it('zones parse as trimmed, sorted, unique, non-empty', () => {
    assert.deepEqual(parseZones(' b, a,,b ,'), ['a', 'b']);
    assert.deepEqual(parseZones(''), []);
  });

  it('the join annotations and whether they are complete', () => {
    assert.deepEqual(topologyAnnotations('r1', ['a', 'b']), {
      'kubefed.io/region': 'r1',
      'kubefed.io/zones': 'a,b',
    });
    assert.deepEqual(topologyAnnotations(undefined, []), {});
    assert.equal(topologyAnnotated(topologyAnnotations('r1', ['a'])), true);
    assert.equal(topologyAnnotated(topologyAnnotations('r1', [])), false);
    assert.equal(topologyAnnotated(undefined), false);
  });

  it('values must be DNS labels: they become part of the DNS names', () => {
    assert.equal(invalidTopologyValue('us-east1-b'), undefined);
    assert.match(invalidTopologyValue('US_East') ?? '', /not a valid DNS label/);
    assert.match(invalidTopologyValue('a.b') ?? '', /not a valid DNS label/);
    assert.match(invalidTopologyValue('-a') ?? '', /not a valid DNS label/);
    assert.match(invalidTopologyValue('x'.repeat(64)) ?? '', /not a valid DNS label/);
  });
});
