import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterPreferences } from '../../../../src/apis/types.ts';
import { fnv1Hash32 } from '../../../../src/federation/scheduling/fnv.ts';
import {
  planReplicas,
  type PlannerPreferences,
} from '../../../../src/federation/scheduling/planner.ts';

interface Options {
  clusters?: string[];
  current?: Record<string, number>;
  capacity?: Record<string, number>;
  key?: string;
}

/** The planner over plain records, for readable expectations. */
function plan(
  preferences: PlannerPreferences,
  { clusters = ['A', 'B', 'C'], current = {}, capacity = {}, key = '' }: Options = {},
): { plan: Record<string, number>; overflow: Record<string, number> } {
  const result = planReplicas(
    preferences,
    clusters,
    new Map(Object.entries(current)),
    new Map(Object.entries(capacity)),
    key,
  );
  return { plan: Object.fromEntries(result.plan), overflow: Object.fromEntries(result.overflow) };
}

const star = (preferences: ClusterPreferences): Record<string, ClusterPreferences> => ({
  '*': preferences,
});

describe('planReplicas: the worked examples of spec §9.3 (clusters A, B, C)', () => {
  it('total 9 without clusters (or "*": {weight: 1}): A=3 B=3 C=3', () => {
    const even = { plan: { A: 3, B: 3, C: 3 }, overflow: {} };
    assert.deepEqual(plan({ totalReplicas: 9 }), even);
    assert.deepEqual(plan({ totalReplicas: 9, clusters: {} }), even);
    assert.deepEqual(plan({ totalReplicas: 9, clusters: star({ weight: 1 }) }), even);
  });

  it('total 9, A w1, B w2: A=3 B=6, and C is planned with 0', () => {
    assert.deepEqual(plan({ totalReplicas: 9, clusters: { A: { weight: 1 }, B: { weight: 2 } } }), {
      plan: { A: 3, B: 6, C: 0 },
      overflow: {},
    });
  });

  it('total 9, A {min 4, max 6, w1}, B {min 4, max 8, w2}: A=4 B=5', () => {
    const clusters = {
      A: { minReplicas: 4, maxReplicas: 6, weight: 1 },
      B: { minReplicas: 4, maxReplicas: 8, weight: 2 },
    };
    assert.deepEqual(plan({ totalReplicas: 9, clusters }), {
      plan: { A: 4, B: 5, C: 0 },
      overflow: {},
    });
  });

  describe('total 50, "*" w1, C {max 20, w1}', () => {
    const preferences = {
      totalReplicas: 50,
      clusters: { '*': { weight: 1 }, C: { maxReplicas: 20, weight: 1 } },
    };

    for (const key of ['', 'ns/name']) {
      it(`all healthy, key ${JSON.stringify(key)}: 17 each but the last in hash order, which gets 16`, () => {
        const last = ['A', 'B', 'C'].reduce((a, b) =>
          fnv1Hash32(a, key) > fnv1Hash32(b, key) ? a : b,
        );
        const expected = Object.fromEntries(['A', 'B', 'C'].map((c) => [c, c === last ? 16 : 17]));
        assert.deepEqual(plan(preferences, { key }), { plan: expected, overflow: {} });
      });
    }

    it('the exact splits: key "" gives A=16 B=17 C=17, key "ns/name" A=17 B=17 C=16', () => {
      assert.deepEqual(plan(preferences).plan, { A: 16, B: 17, C: 17 });
      assert.deepEqual(plan(preferences, { key: 'ns/name' }).plan, { A: 17, B: 17, C: 16 });
    });

    it('B lost: A=30 C=20 (C at its max)', () => {
      assert.deepEqual(plan(preferences, { clusters: ['A', 'C'] }), {
        plan: { A: 30, C: 20 },
        overflow: {},
      });
    });
  });

  it('total 6, c1 w2, c2 w1: c1=4 c2=2', () => {
    const clusters = { c1: { weight: 2 }, c2: { weight: 1 } };
    assert.deepEqual(plan({ totalReplicas: 6, clusters }, { clusters: ['c1', 'c2'] }).plan, {
      c1: 4,
      c2: 2,
    });
  });

  it('total 6, c1 {min 3, w2}, c2 {min 3, w1}: 3/3', () => {
    const clusters = { c1: { minReplicas: 3, weight: 2 }, c2: { minReplicas: 3, weight: 1 } };
    assert.deepEqual(plan({ totalReplicas: 6, clusters }, { clusters: ['c1', 'c2'] }).plan, {
      c1: 3,
      c2: 3,
    });
  });
});

// The cases of KubeFed's own planner tests (key ""), which its Go planner passes: same inputs,
// same plans. A diff of 20 000 random valid inputs against the Go code found no difference either.
describe('planReplicas: KubeFed planner cases', () => {
  const max = (maxReplicas: number): { maxReplicas: number } => ({ maxReplicas });
  const cases: {
    name: string;
    total: number;
    clusters: Record<string, ClusterPreferences>;
    available?: string[];
    expected: Record<string, number>;
  }[] = [
    {
      name: 'equal, 3 clusters',
      total: 50,
      clusters: star({ weight: 1 }),
      expected: { A: 16, B: 17, C: 17 },
    },
    {
      name: 'equal, 2 clusters',
      total: 50,
      clusters: star({ weight: 1 }),
      available: ['A', 'B'],
      expected: { A: 25, B: 25 },
    },
    {
      name: 'one replica, 2 clusters',
      total: 1,
      clusters: star({ weight: 1 }),
      available: ['A', 'B'],
      expected: { A: 0, B: 1 },
    },
    {
      name: 'one replica, 4 clusters',
      total: 1,
      clusters: star({ weight: 1 }),
      available: ['A', 'B', 'C', 'D'],
      expected: { A: 0, B: 0, C: 0, D: 1 },
    },
    {
      name: 'one cluster',
      total: 1,
      clusters: star({ weight: 1 }),
      available: ['A'],
      expected: { A: 1 },
    },
    { name: 'no cluster', total: 1, clusters: star({ weight: 1 }), available: [], expected: {} },
    {
      name: 'min 2, weight 0',
      total: 50,
      clusters: star({ minReplicas: 2 }),
      expected: { A: 2, B: 2, C: 2 },
    },
    {
      name: 'min 20 each, 50 in all',
      total: 50,
      clusters: star({ minReplicas: 20 }),
      expected: { A: 10, B: 20, C: 20 },
    },
    {
      name: 'heavy A takes its min first',
      total: 50,
      clusters: { '*': { minReplicas: 20 }, A: { minReplicas: 100, weight: 1 } },
      expected: { A: 50, B: 0, C: 0 },
    },
    {
      name: 'min 10 max 12',
      total: 50,
      clusters: star({ minReplicas: 10, weight: 1, ...max(12) }),
      expected: { A: 12, B: 12, C: 12 },
    },
    {
      name: 'max 2',
      total: 50,
      clusters: star({ weight: 1, ...max(2) }),
      expected: { A: 2, B: 2, C: 2 },
    },
    {
      name: 'max 2, weight 0',
      total: 50,
      clusters: star({ ...max(2) }),
      expected: { A: 0, B: 0, C: 0 },
    },
    {
      name: 'weights 1:2',
      total: 60,
      clusters: { A: { weight: 1 }, B: { weight: 2 } },
      expected: { A: 20, B: 40, C: 0 },
    },
    {
      name: 'a dominant weight',
      total: 50,
      clusters: { A: { weight: 10000 }, B: { weight: 1 } },
      expected: { A: 50, B: 0, C: 0 },
    },
    {
      name: 'dominant cluster unavailable',
      total: 50,
      clusters: { A: { weight: 10000 }, B: { weight: 1 } },
      available: ['B', 'C'],
      expected: { B: 50, C: 0 },
    },
    {
      name: 'dominant but capped',
      total: 50,
      clusters: { A: { weight: 10000, ...max(10) }, B: { weight: 1 }, C: { weight: 1 } },
      expected: { A: 10, B: 20, C: 20 },
    },
    {
      name: 'two capped',
      total: 50,
      clusters: {
        A: { weight: 10000, ...max(10) },
        B: { weight: 1 },
        C: { weight: 1, ...max(10) },
      },
      expected: { A: 10, B: 30, C: 10 },
    },
    {
      name: 'four clusters, three capped',
      total: 71,
      clusters: {
        A: { weight: 10000, ...max(10) },
        B: { weight: 1 },
        C: { weight: 1, ...max(21) },
        D: { weight: 1, ...max(10) },
      },
      available: ['A', 'B', 'C', 'D'],
      expected: { A: 10, B: 30, C: 21, D: 10 },
    },
    {
      name: 'five clusters, three capped',
      total: 91,
      clusters: {
        A: { weight: 10000, ...max(10) },
        B: { weight: 1 },
        C: { weight: 1, ...max(21) },
        D: { weight: 1, ...max(10) },
        E: { weight: 1 },
      },
      available: ['A', 'B', 'C', 'D', 'E'],
      expected: { A: 10, B: 25, C: 21, D: 10, E: 25 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const options = c.available === undefined ? {} : { clusters: c.available };
      assert.deepEqual(plan({ totalReplicas: c.total, clusters: c.clusters }, options), {
        plan: c.expected,
        overflow: {},
      });
    });
  }
});

describe('planReplicas: rebalance false keeps running replicas', () => {
  const even = { totalReplicas: 50, clusters: star({ weight: 1 }) };
  const cases: {
    name: string;
    total?: number;
    available?: string[];
    current: Record<string, number>;
    expected: Record<string, number>;
  }[] = [
    { name: '30 running in C', current: { C: 30 }, expected: { A: 10, B: 10, C: 30 } },
    {
      name: '30 running in A',
      available: ['A', 'B'],
      current: { A: 30 },
      expected: { A: 30, B: 20 },
    },
    {
      name: 'B keeps 8 of 15',
      total: 15,
      available: ['A', 'B'],
      current: { A: 0, B: 8 },
      expected: { A: 7, B: 8 },
    },
    {
      name: 'A grows to its share',
      total: 15,
      available: ['A', 'B'],
      current: { A: 4, B: 8 },
      expected: { A: 7, B: 8 },
    },
    {
      name: 'large numbers',
      total: 500000,
      available: ['A', 'B'],
      current: { A: 300000 },
      expected: { A: 300000, B: 200000 },
    },
    {
      name: 'fewer running than the share',
      available: ['A', 'B'],
      current: { A: 10 },
      expected: { A: 25, B: 25 },
    },
    {
      name: 'scale down to 1',
      total: 1,
      available: ['A', 'B'],
      current: { A: 30 },
      expected: { A: 1, B: 0 },
    },
    // KubeFed marks this one "should be 10:40" (its issue #31816); kept, as the spec asks §9.3.
    {
      name: 'more running than wanted: the first in order keeps all',
      available: ['A', 'B'],
      current: { A: 10, B: 70 },
      expected: { A: 0, B: 50 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const options = {
        current: c.current,
        ...(c.available === undefined ? {} : { clusters: c.available }),
      };
      assert.deepEqual(plan({ ...even, totalReplicas: c.total ?? 50 }, options), {
        plan: c.expected,
        overflow: {},
      });
    });
  }

  it('with rebalance, running replicas are ignored', () => {
    assert.deepEqual(plan({ ...even, rebalance: true }, { current: { C: 30 } }).plan, {
      A: 16,
      B: 17,
      C: 17,
    });
  });

  it('keeps no more than the maximum or the capacity', () => {
    const clusters = { A: { weight: 1, maxReplicas: 5 }, B: { weight: 1 } };
    assert.deepEqual(
      plan({ totalReplicas: 20, clusters }, { clusters: ['A', 'B'], current: { A: 12 } }).plan,
      { A: 5, B: 15 },
    );
    assert.deepEqual(
      plan(
        { totalReplicas: 20, clusters: star({ weight: 1 }) },
        { clusters: ['A', 'B'], current: { A: 12 }, capacity: { A: 11 } },
      ).plan,
      { A: 11, B: 9 },
    );
  });
});

describe('planReplicas: capacity and overflow', () => {
  it('rebalance: the share beyond capacity goes elsewhere and is also kept as overflow', () => {
    assert.deepEqual(
      plan(
        { totalReplicas: 50, rebalance: true, clusters: star({ weight: 1 }) },
        { capacity: { C: 10 } },
      ),
      { plan: { A: 20, B: 20, C: 10 }, overflow: { C: 7 } },
    );
    assert.deepEqual(
      plan(
        {
          totalReplicas: 50,
          rebalance: true,
          clusters: { A: { weight: 10000 }, B: { weight: 1 } },
        },
        { clusters: ['B', 'C'], capacity: { B: 10 } },
      ),
      { plan: { B: 10, C: 0 }, overflow: { B: 40 } },
    );
    assert.deepEqual(
      plan(
        { totalReplicas: 60, rebalance: true, clusters: { A: { weight: 1 }, B: { weight: 2 } } },
        { capacity: { B: 10 } },
      ),
      { plan: { A: 50, B: 10, C: 0 }, overflow: { B: 30 } },
    );
    assert.deepEqual(
      plan(
        { totalReplicas: 60, rebalance: true, clusters: star({ minReplicas: 20, weight: 1 }) },
        { clusters: ['A', 'B'], capacity: { B: 10 } },
      ),
      { plan: { A: 50, B: 10 }, overflow: { B: 15 } },
    );
  });

  it('rebalance: a capacity below the maximum', () => {
    const clusters = {
      A: { weight: 10000, maxReplicas: 10 },
      B: { weight: 1 },
      C: { weight: 1, maxReplicas: 21 },
      D: { weight: 1, maxReplicas: 10 },
    };
    assert.deepEqual(
      plan(
        { totalReplicas: 71, rebalance: true, clusters },
        { clusters: ['A', 'B', 'C', 'D'], capacity: { C: 10 } },
      ),
      { plan: { A: 10, B: 41, C: 10, D: 10 }, overflow: { C: 11 } },
    );
  });

  it('no rebalance: overflow is only what could not be placed anywhere', () => {
    assert.deepEqual(
      plan({ totalReplicas: 50, clusters: star({ weight: 1 }) }, { capacity: { C: 10 } }),
      { plan: { A: 20, B: 20, C: 10 }, overflow: {} },
    );
    assert.deepEqual(
      plan(
        { totalReplicas: 60, clusters: { A: { weight: 1 }, B: { weight: 1 } } },
        { capacity: { A: 10, B: 10 } },
      ),
      { plan: { A: 10, B: 10, C: 0 }, overflow: { A: 20, B: 20 } },
    );
    assert.deepEqual(
      plan(
        { totalReplicas: 60, clusters: { A: { weight: 1 }, B: { weight: 5 } } },
        { capacity: { B: 10 } },
      ),
      { plan: { A: 50, B: 10, C: 0 }, overflow: {} },
    );
    assert.deepEqual(
      plan({ totalReplicas: 50, clusters: star({ minReplicas: 20 }) }, { capacity: { B: 10 } }),
      { plan: { A: 20, B: 10, C: 20 }, overflow: {} },
    );
  });

  it('a capacity of 0 takes nothing', () => {
    assert.deepEqual(
      plan(
        { totalReplicas: 6, rebalance: true, clusters: star({ weight: 1 }) },
        { capacity: { A: 0 } },
      ),
      { plan: { A: 0, B: 3, C: 3 }, overflow: { A: 2 } },
    );
  });
});

describe('planReplicas: preferences', () => {
  it('a cluster without an entry and without "*" gets 0', () => {
    assert.deepEqual(plan({ totalReplicas: 4, clusters: { A: { weight: 1 } } }).plan, {
      A: 4,
      B: 0,
      C: 0,
    });
  });

  it('an explicit entry wins over "*"', () => {
    const clusters = { '*': { weight: 1 }, A: { weight: 2 } };
    assert.deepEqual(plan({ totalReplicas: 8, clusters }).plan, { A: 4, B: 2, C: 2 });
  });

  it('weights of 0 place only the minimums', () => {
    assert.deepEqual(plan({ totalReplicas: 10, clusters: star({ minReplicas: 1 }) }).plan, {
      A: 1,
      B: 1,
      C: 1,
    });
  });

  it('a cluster named like an Object property is still a cluster', () => {
    assert.deepEqual(
      plan({ totalReplicas: 2, clusters: { A: { weight: 1 } } }, { clusters: ['A', 'constructor'] })
        .plan,
      { A: 2, constructor: 0 },
    );
    assert.deepEqual(
      plan(
        { totalReplicas: 2, clusters: { constructor: { weight: 1 } } },
        { clusters: ['A', 'constructor'] },
      ).plan,
      { A: 0, constructor: 2 },
    );
  });

  it('null preferences read as defaults, as Go decodes them', () => {
    const clusters = { A: null, B: { weight: 1 } } as unknown as Record<string, ClusterPreferences>;
    assert.deepEqual(plan({ totalReplicas: 3, clusters }).plan, { A: 0, B: 3, C: 0 });
    const none = { totalReplicas: 3, clusters: null } as unknown as PlannerPreferences;
    assert.deepEqual(plan(none).plan, { A: 1, B: 1, C: 1 });
  });

  it('total 0 plans 0 everywhere; a repeated available cluster counts once', () => {
    assert.deepEqual(plan({ totalReplicas: 0 }).plan, { A: 0, B: 0, C: 0 });
    assert.deepEqual(plan({ totalReplicas: 4 }, { clusters: ['A', 'B', 'A'] }).plan, {
      A: 2,
      B: 2,
    });
  });

  it('huge weights are computed exactly', () => {
    const weight = 2 ** 62;
    assert.deepEqual(
      plan({ totalReplicas: 4, clusters: star({ weight }) }, { clusters: ['A', 'B'] }).plan,
      {
        A: 2,
        B: 2,
      },
    );
  });
});

describe('planReplicas: deliberate differences from KubeFed', () => {
  it('the maximum wins over a larger minimum (KubeFed: A=5 B=5)', () => {
    const clusters = { A: { minReplicas: 5, maxReplicas: 3 }, B: { weight: 1 } };
    assert.deepEqual(plan({ totalReplicas: 10, clusters }, { clusters: ['A', 'B'] }).plan, {
      A: 3,
      B: 7,
    });
  });

  it('the maximum wins even when the minimums use every replica (KubeFed: A=5)', () => {
    const clusters = { A: { minReplicas: 5, maxReplicas: 3, weight: 1 } };
    assert.deepEqual(plan({ totalReplicas: 5, clusters }, { clusters: ['A'] }).plan, { A: 3 });
  });

  it('negative numbers read as 0 (KubeFed planned negative replicas)', () => {
    assert.deepEqual(plan({ totalReplicas: -3 }).plan, { A: 0, B: 0, C: 0 });
    const clusters = {
      A: { minReplicas: -2, weight: 1 },
      B: { maxReplicas: -1, weight: 1 },
      C: { weight: -1 },
    };
    assert.deepEqual(plan({ totalReplicas: 6, clusters }).plan, { A: 6, B: 0, C: 0 });
    assert.deepEqual(
      plan({ totalReplicas: 6, rebalance: true }, { capacity: { A: -1 }, current: { B: -4 } }),
      { plan: { A: 0, B: 3, C: 3 }, overflow: { A: 2 } },
    );
  });

  it('clusters whose hashes collide are ordered by name, whatever the input order', () => {
    // FNV-1 of "nwrdwpw" and "rviauee" is 0xadad99c2: they collide after any key.
    assert.equal(fnv1Hash32('nwrdwpw', 'ns/web'), fnv1Hash32('rviauee', 'ns/web'));
    for (const clusters of [
      ['nwrdwpw', 'rviauee'],
      ['rviauee', 'nwrdwpw'],
    ]) {
      assert.deepEqual(plan({ totalReplicas: 1 }, { clusters, key: 'ns/web' }).plan, {
        nwrdwpw: 1,
        rviauee: 0,
      });
    }
  });
});
