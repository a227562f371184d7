// What the scenarios count, from what they wanted and what the member clusters hold: lost,
// orphaned, stale and duplicate member objects, and the one line each scenario prints. Pure.
import { isDeepStrictEqual } from 'node:util';

/** What one federated object should have put into the members. */
export interface Desired {
  clusters: ReadonlySet<string>;
  data: Readonly<Record<string, string>>;
}

/** One member object as read back (managed label or not). */
export interface Held {
  cluster: string;
  name: string;
  uid: string;
  data: Readonly<Record<string, string>>;
}

export interface MemberVerdict {
  /** `cluster/name` placed there and absent. */
  lost: string[];
  /** `cluster/name` present where no federated object places it (deleted or unplaced). */
  orphaned: string[];
  /** `cluster/name` present with other data than the template's. */
  stale: string[];
}

/**
 * Compares the members' objects with the desired ones. Every held object counts, labelled or not:
 * an orphan whose managed label was stripped is still an orphan. `held` must contain only the
 * scenario's own objects (the namespace's `kube-root-ca.crt` left out by the caller).
 */
export function judgeMembers(
  desired: ReadonlyMap<string, Desired>,
  held: readonly Held[],
): MemberVerdict {
  const verdict: MemberVerdict = { lost: [], orphaned: [], stale: [] };
  const present = new Set(held.map((h) => `${h.cluster}/${h.name}`));
  for (const [name, want] of desired) {
    for (const cluster of want.clusters) {
      if (!present.has(`${cluster}/${name}`)) verdict.lost.push(`${cluster}/${name}`);
    }
  }
  for (const h of held) {
    const want = desired.get(h.name);
    if (want === undefined || !want.clusters.has(h.cluster)) {
      verdict.orphaned.push(`${h.cluster}/${h.name}`);
    } else if (!isDeepStrictEqual({ ...h.data }, { ...want.data })) {
      verdict.stale.push(`${h.cluster}/${h.name}`);
    }
  }
  for (const list of Object.values(verdict) as string[][]) list.sort();
  return verdict;
}

/**
 * Member objects created more often than the scenario made them due, per `cluster/name`:
 * `created` counts the distinct UIDs seen there, `arrivals` the times the desired state went from
 * absent to present there (a create, or a placement that gained the cluster). A controller that
 * deletes and recreates, or creates twice, shows here.
 */
export function duplicates(
  created: ReadonlyMap<string, number>,
  arrivals: ReadonlyMap<string, number>,
): string[] {
  return [...created]
    .filter(([key, n]) => n > (arrivals.get(key) ?? 0))
    .map(([key, n]) => `${key} x${String(n)}`)
    .sort();
}

export interface ScenarioResult {
  pass: boolean;
  /** Figures in print order: `name=value`. */
  figures: Record<string, string | number | boolean>;
  /** The goal in words, with its constants. */
  goal: string;
  /** Up to a few examples of what failed, for the line's tail. */
  examples?: string[];
}

/** The one line a scenario prints: `PASS name  a=1 b=2  goal: ...  [e.g. ...]`. */
export function formatLine(name: string, result: ScenarioResult): string {
  const figures = Object.entries(result.figures)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  const examples =
    result.examples !== undefined && result.examples.length > 0
      ? `  e.g. ${result.examples.slice(0, 3).join('; ')}`
      : '';
  return `${result.pass ? 'PASS' : 'FAIL'} ${name}  ${figures}  goal: ${result.goal}${examples}`;
}

/** The first few entries of each non-empty list, labelled, for `examples`. */
export function firstOf(lists: Record<string, readonly string[]>, each = 2): string[] {
  return Object.entries(lists).flatMap(([label, list]) =>
    list.slice(0, each).map((item) => `${label} ${item}`),
  );
}
