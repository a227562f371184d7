// What is wrong with a federated object's own spec, in words on the object (kubefed-ts, additive):
// the Propagation condition's `message` lists it, so `kubectl get -o yaml` says what to fix
// without digging through Events. Two kinds:
// * errors that stop propagation to one cluster (its slot says ComputeResourceFailed,
//   ApplyOverridesFailed or FieldRetentionFailed, the message says why);
// * warnings that stop nothing: names of clusters that are not joined, in the placement (the
//   clusters that exist still get the object, as in KubeFed) or in the overrides (they apply to
//   nothing). These also earn one Warning Event each time they change, not one per pass.
import type { OverridesParseResult } from './overrides.ts';
import type { MemberEvent } from './member-operations.ts';
import type { RenderResult } from './render.ts';

/** Render failures that come from the object's spec: fixing the spec is the only way out. */
const INPUT_FAILURES: ReadonlySet<string> = new Set([
  'ComputeResourceFailed',
  'ApplyOverridesFailed',
  'FieldRetentionFailed',
]);

/** The API server's limit on a condition message is 32 KiB; keep it readable well below. */
const MAX_MESSAGE_LENGTH = 2048;

export interface InputProblems {
  /** `placement.clusters` names without a KubeFedCluster. */
  unknownPlacementClusters: readonly string[];
  /** `overrides[].clusterName`s without a KubeFedCluster. */
  unknownOverrideClusters: readonly string[];
  /** Cluster → why it gets no object (render failures from the spec, update loops). */
  clusterErrors: ReadonlyMap<string, string>;
}

/** Override cluster names that no KubeFedCluster has, sorted. */
export function unknownOverrideClusters(
  overrides: OverridesParseResult,
  existing: Iterable<string>,
): string[] {
  if (!overrides.ok) return [];
  const known = new Set(existing);
  const named = new Set([...overrides.overrides.keys(), ...overrides.invalid.keys()]);
  return [...named].filter((name) => !known.has(name)).sort();
}

/** The spec-caused failures among a pass's rendered objects: cluster → `Status: error`. */
export function renderErrors(desired: ReadonlyMap<string, RenderResult>): Map<string, string> {
  const errors = new Map<string, string>();
  for (const [cluster, result] of desired) {
    if (!result.ok && INPUT_FAILURES.has(result.status)) {
      errors.set(cluster, `${result.status}: ${result.error}`);
    }
  }
  return errors;
}

/**
 * The warning about cluster names that are not joined; `''` when there are none. It is part of
 * the condition message, which is how a pass knows it has been reported already.
 */
export function unknownClustersWarning(problems: InputProblems): string {
  const parts: string[] = [];
  if (problems.unknownPlacementClusters.length > 0) {
    parts.push(
      `spec.placement.clusters names clusters that are not joined (${names(problems.unknownPlacementClusters)}): the object is not propagated there; join them (kubefedctl join) or correct the names`,
    );
  }
  if (problems.unknownOverrideClusters.length > 0) {
    parts.push(
      `spec.overrides names clusters that are not joined (${names(problems.unknownOverrideClusters)}): those overrides apply nowhere; correct the clusterName`,
    );
  }
  return parts.join('; ');
}

/** The condition message: per-cluster errors in name order, then the warning. */
export function propagationMessage(problems: InputProblems): string {
  const parts = [...problems.clusterErrors]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([cluster, error]) => `cluster ${JSON.stringify(cluster)}: ${error}`);
  const warning = unknownClustersWarning(problems);
  if (warning !== '') parts.push(warning);
  const message = parts.join('; ');
  return message.length <= MAX_MESSAGE_LENGTH
    ? message
    : `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
}

/**
 * The Warning Event for unknown cluster names, unless the stored condition message already
 * carries the same warning (reported by an earlier pass).
 */
export function unknownClustersEvent(
  problems: InputProblems,
  storedMessage: string,
): MemberEvent | undefined {
  const warning = unknownClustersWarning(problems);
  if (warning === '' || storedMessage.includes(warning)) return undefined;
  return { type: 'Warning', reason: 'UnknownClusters', message: warning };
}

function names(list: readonly string[]): string {
  return list.map((name) => JSON.stringify(name)).join(', ');
}
