import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTopology, planTopology, topologyLabels } from '../../../src/sandbox/topology.ts';
import { nodeManifests, DEFAULT_NODE_CAPACITY } from '../../../src/sandbox/nodes.ts';

const clusters = ['host', 'member1', 'member2'];
const plan = (region: string[] = [], zones: string[] = []) =>
  Object.fromEntries(planTopology({ region, zones }, clusters));

describe('planTopology', () => {
  it('puts each cluster alone in a region of its own by default', () => {
    assert.deepEqual(plan(), {
      host: { region: 'region0', zones: ['region0-a'] },
      member1: { region: 'region1', zones: ['region1-a'] },
      member2: { region: 'region2', zones: ['region2-a'] },
    });
  });

  it('takes a region and zones per cluster; a region alone gets its zone a', () => {
    assert.deepEqual(
      plan(['member1:eu-west1', 'member2:eu-west1'], ['member2:eu-west1-b,eu-west1-c', 'host:z']),
      {
        host: { region: 'region0', zones: ['z'] },
        member1: { region: 'eu-west1', zones: ['eu-west1-a'] },
        member2: { region: 'eu-west1', zones: ['eu-west1-b', 'eu-west1-c'] },
      },
    );
  });

  it('refuses what cannot be a DNS name part, an unknown cluster, and repeats', () => {
    assert.throws(
      () => plan(['member1:EU_West']),
      /--region member1:EU_West: "EU_West" is not a DNS label/,
    );
    assert.throws(() => plan([], ['member1:a,,b']), /--zones member1:a,,b: "" is not a DNS label/);
    assert.throws(
      () => plan(['eu-west1']),
      /expected CLUSTER:VALUE with CLUSTER one of host, member1, member2/,
    );
    assert.throws(() => plan(['member3:r']), /--region member3:r: expected CLUSTER:VALUE/);
    assert.throws(() => plan(['member1:a', 'member1:b']), /--region: member1 is given twice/);
    assert.throws(() => plan([], ['member1:a,a']), /--zones member1:a,a: a zone is given twice/);
  });
});

describe('topologyLabels', () => {
  const topology = { region: 'r', zones: ['r-a', 'r-b'] };

  it('labels nodes with the region and the zones in turn, new and legacy labels', () => {
    assert.deepEqual(topologyLabels(topology, 0), {
      'topology.kubernetes.io/region': 'r',
      'topology.kubernetes.io/zone': 'r-a',
      'failure-domain.beta.kubernetes.io/region': 'r',
      'failure-domain.beta.kubernetes.io/zone': 'r-a',
    });
    assert.equal(topologyLabels(topology, 1)['topology.kubernetes.io/zone'], 'r-b');
    assert.equal(topologyLabels(topology, 2)['topology.kubernetes.io/zone'], 'r-a');
  });

  it('is on the node manifests', () => {
    const [node] = nodeManifests(
      'member1',
      { count: 1, capacity: DEFAULT_NODE_CAPACITY },
      topology,
    );
    const labels = (node?.['metadata'] as { labels: Record<string, string> }).labels;
    assert.equal(labels['topology.kubernetes.io/region'], 'r');
    assert.equal(labels['kubernetes.io/hostname'], 'member1-node-1');
  });

  it('formats as region/zones', () => {
    assert.equal(formatTopology(topology), 'r/r-a,r-b');
  });
});
