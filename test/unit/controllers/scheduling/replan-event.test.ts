import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeReplan } from '../../../../src/controllers/scheduling/replan-event.ts';
import type { KubeObject } from '../../../../src/json/object.ts';

const fed = (replicas: Record<string, number>): KubeObject => ({
  metadata: { name: 'web', namespace: 'demo' },
  spec: {
    overrides: Object.entries(replicas).map(([clusterName, value]) => ({
      clusterName,
      clusterOverrides: [{ path: '/spec/replicas', value }],
    })),
  },
});

const map = (entries: Record<string, number>): Map<string, number> =>
  new Map(Object.entries(entries));

describe('describeReplan', () => {
  it('lists every cluster old → new, sorted, new ones from -', () => {
    assert.equal(
      describeReplan(fed({}), map({ b: 3, a: 6 }), {
        plan: { plan: map({ a: 6, b: 3 }), overflow: new Map() },
        capacity: new Map(),
        readyClusters: ['a', 'b'],
      }),
      'Replicas per cluster: a -→6, b -→3',
    );
  });
  it('says why: capacity, a cluster kept while not ready, ready replicas kept for a handover', () => {
    assert.equal(
      describeReplan(fed({ a: 3, b: 3, c: 3 }), map({ a: 3, b: 2, c: 3, d: 4 }), {
        plan: { plan: map({ a: 0, b: 2, d: 4 }), overflow: map({ b: 1 }) },
        capacity: map({ b: 2 }),
        readyClusters: ['a', 'b', 'd'],
      }),
      'Replicas per cluster: a 3→3 (keeps ready replicas until the others are ready, planned 0), b 3→2 (capacity 2), c 3→3 (cluster not ready: kept until it returns), d -→4',
    );
  });
});
