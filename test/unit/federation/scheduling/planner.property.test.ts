// Properties of the planner over a few thousand random preferences, from a seeded generator so a
// failure names a case that can be replayed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterPreferences } from '../../../../src/apis/types.ts';
import {
  planReplicas,
  type PlannerPreferences,
  type ReplicaPlan,
} from '../../../../src/federation/scheduling/planner.ts';

const CASES = 4000;
const NAMES = ['A', 'B', 'C', 'D', 'E', 'eu-west', 'us-east-1'];

/** mulberry32: small, fast, and good enough to spread test inputs. */
function random(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) % n) | 0;
  };
}

interface Case {
  preferences: PlannerPreferences;
  available: string[];
  current: Map<string, number>;
  capacity: Map<string, number>;
  key: string;
}

function randomCase(seed: number): Case {
  const r = random(seed);
  const clusters: Record<string, ClusterPreferences> = {};
  for (let i = r(5); i > 0; i--) {
    const preference: ClusterPreferences = {};
    if (r(2) === 1) preference.minReplicas = r(15);
    // A maximum below the minimum now and then: the maximum must still win.
    if (r(2) === 1) preference.maxReplicas = r(30);
    if (r(4) > 0) preference.weight = r(5) === 0 ? r(1_000_000) : r(6);
    clusters[r(4) === 0 ? '*' : (NAMES[r(NAMES.length)] ?? 'A')] = preference;
  }
  const available = NAMES.filter(() => r(3) > 0);
  const current = new Map<string, number>();
  const capacity = new Map<string, number>();
  for (const name of available) {
    if (r(2) === 1) current.set(name, r(60));
    if (r(4) === 0) capacity.set(name, r(25));
  }
  return {
    preferences: { totalReplicas: r(6) === 0 ? r(5000) : r(120), rebalance: r(2) === 1, clusters },
    available,
    current,
    capacity,
    key: `ns/workload-${r(1000)}`,
  };
}

function run(c: Case, available = c.available, clusters = c.preferences.clusters): ReplicaPlan {
  const preferences = { ...c.preferences, ...(clusters === undefined ? {} : { clusters }) };
  return planReplicas(preferences, available, c.current, c.capacity, c.key);
}

/** The effective preferences of an available cluster, as the API documents them. */
function limits(c: Case, name: string) {
  const given = c.preferences.clusters ?? {};
  const clusters = Object.keys(given).length > 0 ? given : { '*': { weight: 1 } };
  const own = Object.hasOwn(clusters, name) ? clusters[name] : undefined;
  const preference = own ?? clusters['*'];
  if (preference === undefined) return undefined;
  const max = preference.maxReplicas ?? Infinity;
  const capacity = c.capacity.get(name) ?? Infinity;
  return {
    min: Math.min(preference.minReplicas ?? 0, max),
    max,
    weight: preference.weight ?? 0,
    capacity,
    /** The most the cluster can be given. */
    ceiling: Math.min(max, capacity),
  };
}

const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);

function shuffled<T>(items: readonly T[], r: (n: number) => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = r(i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

function forEachCase(check: (c: Case, result: ReplicaPlan, seed: number) => void): void {
  for (let seed = 1; seed <= CASES; seed++) {
    const c = randomCase(seed);
    check(c, run(c), seed);
  }
}

describe(`planReplicas properties (${CASES} random cases)`, () => {
  it('plans every available cluster, with non-negative integers', () => {
    forEachCase((c, { plan, overflow }, seed) => {
      assert.deepEqual([...plan.keys()].sort(), [...new Set(c.available)].sort(), `seed ${seed}`);
      for (const [name, value] of [...plan, ...overflow]) {
        assert.ok(Number.isInteger(value) && value >= 0, `seed ${seed}: ${name}=${value}`);
      }
      for (const [name, value] of overflow) assert.ok(plan.has(name) && value > 0, `seed ${seed}`);
    });
  });

  it('honours every maximum and capacity, and every minimum the total allows', () => {
    forEachCase((c, { plan }, seed) => {
      const floors = c.available.map((name) => {
        const l = limits(c, name);
        return l === undefined ? 0 : Math.min(l.min, l.capacity);
      });
      const minimumsFit = sum(floors) <= c.preferences.totalReplicas;
      for (const [i, name] of c.available.entries()) {
        const l = limits(c, name);
        const planned = plan.get(name) ?? NaN;
        if (l === undefined) {
          assert.equal(planned, 0, `seed ${seed}: ${name} has no preference`);
          continue;
        }
        assert.ok(planned <= l.ceiling, `seed ${seed}: ${name}=${planned} > ${l.ceiling}`);
        if (minimumsFit) assert.ok(planned >= (floors[i] ?? 0), `seed ${seed}: ${name} min`);
      }
    });
  });

  it('places the whole total unless every weighted cluster is full', () => {
    // What cannot be placed: all of it when no cluster has a weight (only minimums and running
    // replicas are placed then), else what exceeds the maximums and capacities of the weighted.
    forEachCase((c, { plan }, seed) => {
      const placed = sum(plan.values());
      assert.ok(placed <= c.preferences.totalReplicas, `seed ${seed}: ${placed} placed`);
      if (placed === c.preferences.totalReplicas) return;
      for (const name of c.available) {
        const l = limits(c, name);
        if (l === undefined || l.weight === 0) continue;
        assert.equal(plan.get(name), l.ceiling, `seed ${seed}: ${name} not full, yet ${placed}`);
      }
    });
  });

  it('overflow: only at capacity; without rebalance, no more than what found no place', () => {
    forEachCase((c, { plan, overflow }, seed) => {
      const unplaced = c.preferences.totalReplicas - sum(plan.values());
      for (const [name, value] of overflow) {
        assert.equal(plan.get(name), c.capacity.get(name), `seed ${seed}: ${name} not at capacity`);
        if (c.preferences.rebalance !== true) assert.ok(value <= unplaced, `seed ${seed}`);
      }
    });
  });

  it('without rebalance, running replicas stay when the total allows', () => {
    forEachCase((c, { plan }, seed) => {
      if (c.preferences.rebalance === true) return;
      const kept = c.available.map((name) => {
        const l = limits(c, name);
        if (l === undefined) return { name, floor: 0, keep: 0 };
        const running = Math.min(c.current.get(name) ?? 0, l.ceiling);
        return { name, floor: Math.min(l.min, l.capacity), keep: running };
      });
      if (sum(kept.map((k) => Math.max(k.floor, k.keep))) > c.preferences.totalReplicas) return;
      for (const k of kept) {
        assert.ok((plan.get(k.name) ?? 0) >= k.keep, `seed ${seed}: ${k.name} lost running`);
      }
    });
  });

  it('is deterministic, and blind to the order of clusters and preferences', () => {
    forEachCase((c, result, seed) => {
      const r = random(seed ^ 0x5eed);
      assert.deepEqual(run(c), result, `seed ${seed}: repeated call`);
      assert.deepEqual(run(c, shuffled(c.available, r)), result, `seed ${seed}: cluster order`);
      const entries = shuffled(Object.entries(c.preferences.clusters ?? {}), r);
      assert.deepEqual(run(c, c.available, Object.fromEntries(entries)), result, `seed ${seed}`);
    });
  });

  it('is a fixed point: once the planned replicas run, nothing moves', () => {
    forEachCase((c, result, seed) => {
      const again = planReplicas(c.preferences, c.available, result.plan, c.capacity, c.key);
      assert.deepEqual(again.plan, result.plan, `seed ${seed}`);
    });
  });

  it('does not modify its inputs', () => {
    forEachCase((c, _result, seed) => {
      const before = structuredClone(c);
      run(c);
      assert.deepEqual(c, before, `seed ${seed}`);
    });
  });
});
