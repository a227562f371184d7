// Malformed federated objects for the bad-input scenario, and whether the user can see on an
// object that it is wrong. Seeded, so a run can be repeated exactly. Pure.
import type { KubeObject } from '../src/json/object.ts';

/** A small seeded PRNG (mulberry32): the same seed gives the same objects. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;

interface Override {
  op?: unknown;
  path: unknown;
  value?: unknown;
}

/** What a malformed object gets wrong; each one is something KubeFed cannot do as written. */
interface Category {
  name: string;
  /** Changes a valid spec (template, placement on every member, no overrides) into a bad one. */
  spoil(spec: Spec, rng: Rng, members: readonly string[]): void;
}

interface Spec {
  template: { data: Record<string, unknown> };
  placement: { clusters?: { name: string }[]; clusterSelector?: unknown };
  overrides?: { clusterName: unknown; clusterOverrides: Override[] }[];
}

const overrideOn = (spec: Spec, clusterName: unknown, ...ops: Override[]): void => {
  spec.overrides = [...(spec.overrides ?? []), { clusterName, clusterOverrides: ops }];
};
const unknownCluster = (rng: Rng): string => `no-such-cluster-${String(Math.floor(rng() * 1000))}`;

export const CATEGORIES: readonly Category[] = [
  {
    // Issue 16: drops every template label with Propagation=True.
    name: 'labels-not-a-map',
    spoil: (spec, rng, members) =>
      overrideOn(spec, pick(rng, members), {
        ...(rng() < 0.5 ? {} : { op: pick(rng, ['add', 'replace']) }),
        path: '/metadata/labels',
        value: pick(rng, [true, 42, ['a'], 'text', 1.5, [{ a: 'b' }]]),
      }),
  },
  {
    // Issue 16: ignored in silence.
    name: 'path-without-slash',
    spoil: (spec, rng, members) =>
      overrideOn(spec, pick(rng, members), {
        path: pick(rng, ['data/a', 'metadata/labels/x', 'data', 'x', 'data/new-key']),
        value: 'v',
      }),
  },
  {
    // Issue 16: dropped in silence.
    name: 'placement-unknown-cluster',
    spoil: (spec, rng, members) => {
      const known = rng() < 0.5 ? [] : [{ name: pick(rng, members) }];
      spec.placement = { clusters: [...known, { name: unknownCluster(rng) }] };
    },
  },
  {
    // Issue 16: dropped in silence.
    name: 'override-unknown-cluster',
    spoil: (spec, rng) => overrideOn(spec, unknownCluster(rng), { path: '/data/a', value: 'x' }),
  },
  {
    name: 'bad-op',
    spoil: (spec, rng, members) =>
      overrideOn(spec, pick(rng, members), {
        op: pick(rng, ['ADD', 'Replace', 'move', 'copy', 'test', 'delete', 'merge', 7]),
        path: '/data/a',
        value: 'v',
      }),
  },
  {
    name: 'remove-missing-key',
    spoil: (spec, rng, members) =>
      overrideOn(spec, pick(rng, members), {
        op: 'remove',
        path: `/data/missing-${String(Math.floor(rng() * 100))}`,
      }),
  },
  {
    name: 'add-under-missing-parent',
    spoil: (spec, rng, members) =>
      overrideOn(spec, pick(rng, members), {
        op: 'add',
        path: pick(rng, ['/spec/a/b', '/metadata/labels/x/y', '/nothing/here']),
        value: 'v',
      }),
  },
  {
    name: 'forbidden-path',
    spoil: (spec, rng, members) =>
      overrideOn(spec, pick(rng, members), {
        path: pick(rng, [
          '/metadata/name',
          '/metadata/namespace',
          '/metadata/generateName',
          '/kind',
        ]),
        value: 'other',
      }),
  },
  {
    name: 'duplicate-override-cluster',
    spoil: (spec, rng, members) => {
      const cluster = pick(rng, members);
      overrideOn(spec, cluster, { path: '/data/a', value: 'x' });
      overrideOn(spec, cluster, { path: '/data/a', value: 'y' });
    },
  },
  {
    name: 'duplicate-override-path',
    spoil: (spec, rng, members) =>
      overrideOn(
        spec,
        pick(rng, members),
        { path: '/data/a', value: 'x' },
        { path: '/data/a', value: 'y' },
      ),
  },
  {
    // A ConfigMap's data values must be strings: the member apiserver refuses the object.
    name: 'value-member-rejects',
    spoil: (spec, rng, members) =>
      overrideOn(spec, pick(rng, members), {
        path: '/data/a',
        value: pick(rng, [42, true, { nested: 'x' }, ['a']]),
      }),
  },
  {
    name: 'template-member-rejects',
    spoil: (spec, rng) => {
      spec.template.data = { a: pick(rng, [42, false, { nested: 'x' }]) };
    },
  },
  {
    name: 'bad-escape-in-path',
    spoil: (spec, rng, members) =>
      overrideOn(spec, pick(rng, members), {
        op: 'remove',
        path: pick(rng, ['/data/a~2b', '/data/~', '/data/a~']),
      }),
  },
  {
    name: 'invalid-cluster-selector',
    spoil: (spec, rng) => {
      spec.placement = {
        clusterSelector: {
          matchExpressions: [
            pick(rng, [
              { key: 'a', operator: 'Bogus', values: ['x'] },
              { key: 'a', operator: 'In', values: [] },
              { key: '', operator: 'Exists' },
              { key: 'a b', operator: 'Exists' },
            ]),
          ],
        },
      };
    },
  },
];

export interface Malformed {
  category: string;
  object: KubeObject;
}

/** `count` malformed FederatedConfigMaps named `bad-0000`..., the categories in turn. */
export function malformedObjects(
  count: number,
  seed: number,
  namespace: string,
  members: readonly string[],
): Malformed[] {
  const rng = random(seed);
  return Array.from({ length: count }, (_, i) => {
    const category = CATEGORIES[i % CATEGORIES.length] as Category;
    const spec: Spec = {
      template: { data: { a: 'b' } },
      placement: { clusters: members.map((name) => ({ name })) },
    };
    category.spoil(spec, rng, members);
    return {
      category: category.name,
      object: {
        apiVersion: 'types.kubefed.io/v1beta1',
        kind: 'FederatedConfigMap',
        metadata: { name: `bad-${String(i).padStart(4, '0')}`, namespace },
        spec: spec as unknown as Record<string, unknown>,
      },
    };
  });
}

interface Condition {
  type?: string;
  status?: string;
  message?: string;
}

/** Whether the controller has looked at this generation of the object (status written). */
export function observed(obj: KubeObject): boolean {
  const status = obj['status'] as { observedGeneration?: number } | undefined;
  return (
    status?.observedGeneration !== undefined &&
    status.observedGeneration === obj.metadata?.generation
  );
}

/**
 * What the user sees on the object says something is wrong with it: a Propagation condition that
 * is not True or carries a message (a successful propagation has none), a per-cluster status
 * reason, any other condition (a federated ConfigMap has no Ready condition, so one can only be a
 * report), or a Warning Event about it.
 */
export function reportedOnObject(obj: KubeObject, warningEvents: number): boolean {
  if (warningEvents > 0) return true;
  const status = obj['status'] as
    { conditions?: Condition[]; clusters?: { status?: string }[] } | undefined;
  const conditions = status?.conditions ?? [];
  if (
    conditions.some(
      (c) => c.type === 'Propagation' && (c.status !== 'True' || (c.message ?? '') !== ''),
    )
  ) {
    return true;
  }
  if (conditions.some((c) => c.type !== 'Propagation')) return true;
  return (status?.clusters ?? []).some((c) => (c.status ?? '') !== '');
}
