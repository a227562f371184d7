// How `kubefedctl get TYPE [NAME]` prints federated objects: per object, a Propagation line and
// one row per member cluster; for a list, one row per object. Pure: the caller passes the
// objects, the placement it computed, what it found in the members, and the current time.
import {
  MANAGED_LABEL,
  MANAGED_LABEL_TRUE,
  PROPAGATION_CONDITION_TYPE,
} from '../../apis/constants.ts';
import type {
  FederatedObjectStatus,
  PropagationClusterStatus,
  PropagationCondition,
} from '../../apis/types.ts';
import { age, formatTable } from './clusters-table.ts';
import { isJsonObject, type KubeObject } from '../../json/object.ts';

const FEDERATED_CLUSTER_COLUMNS = ['CLUSTER', 'PROPAGATED', 'STATUS', 'AGE'] as const;
const FEDERATED_LIST_COLUMNS = ['NAME', 'PROPAGATION', 'REASON', 'CLUSTERS', 'AGE'] as const;

const NONE = '<none>';
const UNKNOWN = '<unknown>';

/** What reading the object in one member cluster gave. */
export type MemberObjectState =
  | { state: 'found'; object: KubeObject }
  | { state: 'absent' }
  | { state: 'unreadable'; error: string };

export interface FederatedClusterRow {
  cluster: string;
  /** `yes`/`no`. */
  propagated: string;
  /** A status code of spec §2.7, `OK` for the empty one, `<none>` when not reported. */
  status: string;
  age: string;
}

/** `status.clusters`, tolerating a malformed status. */
export function clusterStatuses(fed: KubeObject): PropagationClusterStatus[] {
  const status = fed['status'];
  if (!isJsonObject(status)) return [];
  const clusters = (status as FederatedObjectStatus).clusters;
  if (!Array.isArray(clusters)) return [];
  return clusters.filter((c) => isJsonObject(c) && typeof c.name === 'string');
}

function propagationCondition(fed: KubeObject): PropagationCondition | undefined {
  const status = fed['status'];
  if (!isJsonObject(status)) return undefined;
  const conditions: unknown = status['conditions'];
  if (!Array.isArray(conditions)) return undefined;
  const found: unknown = conditions.find(
    (c) => isJsonObject(c) && c['type'] === PROPAGATION_CONDITION_TYPE,
  );
  return found as PropagationCondition | undefined;
}

/**
 * One row per cluster the object is placed on or has a propagation status for, sorted by name.
 * PROPAGATED says whether a managed copy exists in the member; when the member could not be read
 * it falls back to the sync controller's report (a status entry without an error code).
 */
export function federatedClusterRows(
  fed: KubeObject,
  placement: readonly string[],
  members: ReadonlyMap<string, MemberObjectState>,
  now: Date,
): FederatedClusterRow[] {
  const statuses = new Map(clusterStatuses(fed).map((c) => [c.name, c.status ?? '']));
  const clusters = [...new Set([...placement, ...statuses.keys()])].sort();
  return clusters.map((cluster) => {
    const reported = statuses.get(cluster);
    const member = members.get(cluster);
    let propagated: boolean;
    let memberAge: string;
    if (member?.state === 'found') {
      propagated = member.object.metadata?.labels?.[MANAGED_LABEL] === MANAGED_LABEL_TRUE;
      memberAge = age(member.object.metadata?.creationTimestamp, now);
    } else if (member?.state === 'absent') {
      propagated = false;
      memberAge = NONE;
    } else {
      propagated = reported === '';
      memberAge = UNKNOWN;
    }
    return {
      cluster,
      propagated: propagated ? 'yes' : 'no',
      status: reported === undefined ? NONE : reported === '' ? 'OK' : reported,
      age: memberAge,
    };
  });
}

/**
 * `Propagation: True`, `Propagation: False (CheckClusters)`, with how long ago it last changed;
 * says so when the status is older than the spec, or when nothing has reconciled the object yet.
 */
export function propagationSummary(fed: KubeObject, now: Date): string {
  const condition = propagationCondition(fed);
  if (condition === undefined) return 'Propagation: <unknown> (not reconciled yet)';
  let text = `Propagation: ${condition.status}`;
  if (condition.reason) text += ` (${condition.reason})`;
  if (condition.lastTransitionTime) {
    text += `, last transition ${age(condition.lastTransitionTime, now)} ago`;
  }
  const status = fed['status'];
  const observed = isJsonObject(status) ? status['observedGeneration'] : undefined;
  const generation = fed.metadata?.generation;
  if (typeof observed === 'number' && typeof generation === 'number' && observed < generation) {
    text += `; status is of generation ${observed}, the object is at ${generation}`;
  }
  return text;
}

/** The Propagation line, then the cluster table (or a note when there is no cluster). */
export function renderFederatedObject(
  fed: KubeObject,
  placement: readonly string[],
  members: ReadonlyMap<string, MemberObjectState>,
  now: Date,
): string {
  const rows = federatedClusterRows(fed, placement, members, now);
  const header = `${propagationSummary(fed, now)}\n`;
  if (rows.length === 0) return `${header}No member clusters: the placement selects none.\n`;
  return (
    header +
    formatTable(
      [...FEDERATED_CLUSTER_COLUMNS],
      rows.map((r) => [r.cluster, r.propagated, r.status, r.age]),
    )
  );
}

/** `2/3`: clusters reported without an error code, of all reported; `<none>` before any report. */
export function clustersSummary(fed: KubeObject): string {
  const statuses = clusterStatuses(fed);
  if (statuses.length === 0) return propagationCondition(fed) === undefined ? NONE : '0/0';
  const ok = statuses.filter((c) => !c.status).length;
  return `${ok}/${statuses.length}`;
}

/** The list table, rows sorted by namespace and name; NAMESPACE first when `allNamespaces`. */
export function renderFederatedList(
  objects: readonly KubeObject[],
  now: Date,
  allNamespaces: boolean,
): string {
  const rows = [...objects]
    .sort((a, b) => compare(sortKey(a), sortKey(b)))
    .map((fed) => {
      const condition = propagationCondition(fed);
      const row = [
        fed.metadata?.name ?? '',
        condition?.status ?? UNKNOWN,
        condition?.reason || NONE,
        clustersSummary(fed),
        age(fed.metadata?.creationTimestamp, now),
      ];
      return allNamespaces ? [fed.metadata?.namespace ?? '', ...row] : row;
    });
  const headers = allNamespaces
    ? ['NAMESPACE', ...FEDERATED_LIST_COLUMNS]
    : [...FEDERATED_LIST_COLUMNS];
  return formatTable(headers, rows);
}

function sortKey(obj: KubeObject): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
