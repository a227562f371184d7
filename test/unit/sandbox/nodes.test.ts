import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  countNodes,
  countPods,
  DEFAULT_NODE_CAPACITY,
  formatCapacity,
  nodeManifests,
  planNodes,
  schedulableNodes,
  SIMULATED_NODE_LABEL,
} from '../../../src/sandbox/nodes.ts';

const clusters = ['host', 'member1', 'member2'];
const plan = (nodes: string[], nodeCapacity: string[] = []) =>
  Object.fromEntries(planNodes({ nodes, nodeCapacity }, clusters));

describe('planNodes (--nodes, --node-capacity)', () => {
  it('gives every cluster 2 nodes of cpu=4,memory=8Gi,pods=110 by default', () => {
    assert.deepEqual(plan([]), {
      host: { count: 2, capacity: DEFAULT_NODE_CAPACITY },
      member1: { count: 2, capacity: DEFAULT_NODE_CAPACITY },
      member2: { count: 2, capacity: DEFAULT_NODE_CAPACITY },
    });
    assert.equal(formatCapacity(DEFAULT_NODE_CAPACITY), 'cpu=4,memory=8Gi,pods=110');
  });

  it("lets a cluster's own values win over the all-cluster ones, in any order", () => {
    const p = plan(['member2:1', '3'], ['member2:cpu=500m,pods=4', 'cpu=8,memory=16Gi']);
    assert.deepEqual(p.host, { count: 3, capacity: { cpu: '8', memory: '16Gi', pods: '110' } });
    assert.deepEqual(p.member2, { count: 1, capacity: { cpu: '500m', memory: '16Gi', pods: '4' } });
  });

  it('lets a later value win over an earlier one of the same scope', () => {
    const p = plan(['1', '4', 'member1:0', 'member1:2'], ['pods=10', 'pods=20']);
    assert.equal(p.host?.count, 4);
    assert.deepEqual(p.member1, { count: 2, capacity: { ...DEFAULT_NODE_CAPACITY, pods: '20' } });
  });

  it('accepts zero nodes and zero pods: a cluster where nothing can run', () => {
    const p = plan(['member1:0'], ['member2:pods=0']);
    assert.equal(p.member1?.count, 0);
    assert.equal(p.member2?.capacity.pods, '0');
  });

  it('accepts Kubernetes quantities', () => {
    for (const q of ['4', '500m', '1.5', '0.25', '512Mi', '8Gi', '1e3', '2k', '100M']) {
      assert.equal(plan([], [`cpu=${q},memory=${q}`]).host?.capacity.cpu, q);
    }
  });

  const rejects = (nodes: string[], nodeCapacity: string[], message: RegExp): void => {
    assert.throws(() => planNodes({ nodes, nodeCapacity }, clusters), message);
  };

  it('says which value is wrong and what is expected', () => {
    rejects(['two'], [], /--nodes two: expected \[CLUSTER:\]N with N a whole number from 0 to 250/);
    rejects(['-1'], [], /--nodes -1: expected/);
    rejects(['251'], [], /--nodes 251: expected/);
    rejects(
      ['member9:1'],
      [],
      /--nodes member9:1: no cluster "member9" in this sandbox \(clusters: host, member1, member2\)/,
    );
    rejects(
      [],
      ['gpu=1'],
      /--node-capacity gpu=1: expected \[CLUSTER:\]RESOURCE=QUANTITY\[,...\] with RESOURCE cpu, memory or pods/,
    );
    rejects([], ['cpu'], /expected \[CLUSTER:\]RESOURCE=QUANTITY/);
    rejects([], [''], /expected \[CLUSTER:\]RESOURCE=QUANTITY/);
    rejects([], ['cpu=1,cpu=2'], /--node-capacity cpu=1,cpu=2: cpu is given twice/);
    rejects([], ['cpu=-1'], /cpu=-1 is not a Kubernetes quantity/);
    rejects([], ['memory=8GB'], /memory=8GB is not a Kubernetes quantity/);
    rejects([], ['pods=1.5'], /pods=1.5 is not a whole number/);
    rejects([], ['member9:pods=1'], /no cluster "member9"/);
  });
});

describe('nodeManifests', () => {
  const nodes = nodeManifests('member1', {
    count: 2,
    capacity: { cpu: '500m', memory: '512Mi', pods: '4' },
  });

  it('makes named, labelled nodes with their capacity allocatable and their own pod range', () => {
    assert.equal(nodes.length, 2);
    assert.deepEqual(nodes[1], {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: 'member1-node-2',
        labels: {
          [SIMULATED_NODE_LABEL]: 'true',
          'kubernetes.io/hostname': 'member1-node-2',
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'node.kubernetes.io/instance-type': 'kwok',
        },
      },
      spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] },
      status: {
        capacity: { cpu: '500m', memory: '512Mi', pods: '4' },
        allocatable: { cpu: '500m', memory: '512Mi', pods: '4' },
        addresses: [
          { type: 'InternalIP', address: '172.18.0.3' },
          { type: 'Hostname', address: 'member1-node-2' },
        ],
      },
    });
  });

  it('makes none for zero nodes', () => {
    assert.deepEqual(nodeManifests('host', { count: 0, capacity: DEFAULT_NODE_CAPACITY }), []);
  });
});

describe('node and pod counts for status', () => {
  const ready = { type: 'Ready', status: 'True' };
  const list = {
    items: [
      { status: { conditions: [ready] } },
      { status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } },
      {
        spec: { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }] },
        status: { conditions: [ready] },
      },
      { spec: { unschedulable: true }, status: { conditions: [ready] } },
      {
        spec: { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] },
        status: { conditions: [ready] },
      },
      {},
    ],
  };

  it('counts Ready nodes among all', () => {
    assert.deepEqual(countNodes(list), { ready: 4, total: 6 });
    assert.deepEqual(countNodes({}), { ready: 0, total: 0 });
  });

  it('counts as schedulable only Ready nodes without a NoSchedule or NoExecute taint', () => {
    assert.equal(schedulableNodes(list), 2);
  });

  it('sorts pods into running, pending and the rest', () => {
    const phases = ['Running', 'Running', 'Pending', undefined, 'Succeeded', 'Failed', 'Unknown'];
    assert.deepEqual(
      countPods({ items: phases.map((phase) => ({ status: phase ? { phase } : {} })) }),
      {
        running: 2,
        pending: 2,
        other: 3,
      },
    );
  });
});
