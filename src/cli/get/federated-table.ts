// How `kubefedctl get TYPE [NAME]` prints federated objects: per object, a Propagation line and
// one row per member cluster; for a list, one row per object. Workload types (kubefed-ts'
// additive `status.workload`) also get their readiness. Pure: the caller passes the objects, the
// placement it computed, what it found in the members, and the current time.
import {
  MANAGED_LABEL,
  MANAGED_LABEL_TRUE,
  PROPAGATION_CONDITION_TYPE,
} from '../../apis/constants.ts';
import type {
  ClusterWorkloadStatus,
  FederatedObjectStatus,
  PropagationClusterStatus,
  PropagationCondition,
  WorkloadReadyCondition,
  WorkloadStatus,
} from '../../apis/types.ts';
import { WORKLOAD_READY_CONDITION_TYPE } from '../../apis/workload-types.ts';
import type { WorkloadCounting } from '../../apis/workload-types.ts';
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
  /**
   * Only when the object has a workload status: ready/desired replicas in the cluster (Job:
   * succeeded/completions), `<none>` when the status does not list the cluster.
   */
  ready?: string;
  /** Only with a workload status: `Ready`, or why not (`Progressing`, `NotFound`, ...). */
  workload?: string;
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
  return findCondition(fed, PROPAGATION_CONDITION_TYPE) as PropagationCondition | undefined;
}

function readyCondition(fed: KubeObject): WorkloadReadyCondition | undefined {
  return findCondition(fed, WORKLOAD_READY_CONDITION_TYPE) as WorkloadReadyCondition | undefined;
}

function findCondition(fed: KubeObject, type: string): Record<string, unknown> | undefined {
  const status = fed['status'];
  if (!isJsonObject(status)) return undefined;
  const conditions: unknown = status['conditions'];
  if (!Array.isArray(conditions)) return undefined;
  const found: unknown = conditions.find((c) => isJsonObject(c) && c['type'] === type);
  return isJsonObject(found) ? found : undefined;
}

/** `status.workload` (kubefed-ts, workload types only), tolerating a malformed status. */
export function workloadStatus(fed: KubeObject): WorkloadStatus | undefined {
  const status = fed['status'];
  if (!isJsonObject(status)) return undefined;
  const workload = status['workload'];
  return isJsonObject(workload) ? (workload as WorkloadStatus) : undefined;
}

function workloadClusters(workload: WorkloadStatus | undefined): ClusterWorkloadStatus[] {
  const clusters: unknown = workload?.clusters;
  if (!Array.isArray(clusters)) return [];
  return clusters.filter(
    (c): c is ClusterWorkloadStatus => isJsonObject(c) && typeof c['name'] === 'string',
  );
}

/**
 * The type's counting when the caller knows the type; otherwise read from the status: only a
 * Job's fills `completions`.
 */
function countingOf(
  workload: WorkloadStatus,
  counting: WorkloadCounting | undefined,
): WorkloadCounting {
  if (counting !== undefined) return counting;
  const counted = [workload, ...workloadClusters(workload)];
  return counted.some((c) => typeof c.completions === 'number') ? 'completions' : 'replicas';
}

/** READY, or COMPLETIONS for a Job, as kubectl heads those columns. */
function readyHeader(counting: WorkloadCounting): string {
  return counting === 'completions' ? 'COMPLETIONS' : 'READY';
}

/** `2/3`: ready/desired replicas (Job: succeeded/completions); `<none>` when it has neither. */
function readyCount(status: ClusterWorkloadStatus | undefined, counting: WorkloadCounting): string {
  if (status === undefined) return NONE;
  const [done, wanted] =
    counting === 'completions'
      ? [status.succeeded, status.completions]
      : [status.readyReplicas, status.replicas];
  // Kubernetes omits zero counts (readyReplicas of a scaled-down Deployment).
  if (typeof done !== 'number' && typeof wanted !== 'number') return NONE;
  return `${typeof done === 'number' ? done : 0}/${typeof wanted === 'number' ? wanted : 0}`;
}

function workloadState(status: ClusterWorkloadStatus | undefined): string {
  if (status === undefined) return NONE;
  if (status.ready) return 'Ready';
  return typeof status.reason === 'string' && status.reason !== '' ? status.reason : 'NotReady';
}

function stringOrNone(value: unknown): string {
  return typeof value === 'string' && value !== '' ? value : NONE;
}

/**
 * One row per cluster the object is placed on or has a propagation or workload status for,
 * sorted by name. PROPAGATED says whether a managed copy exists in the member; when the member
 * could not be read it falls back to the sync controller's report (a status entry without an
 * error code). With a workload status, each row also says how ready the cluster's workload is.
 */
export function federatedClusterRows(
  fed: KubeObject,
  placement: readonly string[],
  members: ReadonlyMap<string, MemberObjectState>,
  now: Date,
  counting?: WorkloadCounting,
): FederatedClusterRow[] {
  const statuses = new Map(clusterStatuses(fed).map((c) => [c.name, c.status ?? '']));
  const workload = workloadStatus(fed);
  const workloads = new Map(workloadClusters(workload).map((c) => [c.name, c]));
  const clusters = [...new Set([...placement, ...statuses.keys(), ...workloads.keys()])].sort();
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
    const row: FederatedClusterRow = {
      cluster,
      propagated: propagated ? 'yes' : 'no',
      status: reported === undefined ? NONE : reported === '' ? 'OK' : reported,
      age: memberAge,
    };
    if (workload === undefined) return row;
    const inCluster = workloads.get(cluster);
    return {
      ...row,
      ready: readyCount(inCluster, countingOf(workload, counting)),
      workload: workloadState(inCluster),
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

/**
 * Only for an object with a workload status or a Ready condition: `Ready: False
 * (ClustersNotReady), last transition 1m ago; 3/4 replicas ready, 1/2 clusters ready` (Job:
 * `1/1 completions succeeded, 1/1 clusters complete`).
 */
export function readySummary(
  fed: KubeObject,
  now: Date,
  counting?: WorkloadCounting,
): string | undefined {
  const condition = readyCondition(fed);
  const workload = workloadStatus(fed);
  if (condition === undefined && workload === undefined) return undefined;
  let text = `Ready: ${condition?.status || UNKNOWN}`;
  if (condition?.reason) text += ` (${condition.reason})`;
  if (condition?.lastTransitionTime) {
    text += `, last transition ${age(condition.lastTransitionTime, now)} ago`;
  }
  if (workload !== undefined) {
    const jobs = countingOf(workload, counting) === 'completions';
    text +=
      `; ${stringOrNone(workload.ready)} ${jobs ? 'completions succeeded' : 'replicas ready'}, ` +
      `${stringOrNone(workload.readyClusters)} clusters ${jobs ? 'complete' : 'ready'}`;
  }
  return text;
}

/**
 * The Propagation line (and the Ready line of a workload), then the cluster table (or a note
 * when there is no cluster). `counting` is the type's, when the caller knows the type.
 */
export function renderFederatedObject(
  fed: KubeObject,
  placement: readonly string[],
  members: ReadonlyMap<string, MemberObjectState>,
  now: Date,
  counting?: WorkloadCounting,
): string {
  const rows = federatedClusterRows(fed, placement, members, now, counting);
  const ready = readySummary(fed, now, counting);
  const header = `${propagationSummary(fed, now)}\n${ready === undefined ? '' : `${ready}\n`}`;
  if (rows.length === 0) return `${header}No member clusters: the placement selects none.\n`;
  const workload = workloadStatus(fed);
  if (workload === undefined) {
    return (
      header +
      formatTable(
        [...FEDERATED_CLUSTER_COLUMNS],
        rows.map((r) => [r.cluster, r.propagated, r.status, r.age]),
      )
    );
  }
  const readyColumn = readyHeader(countingOf(workload, counting));
  // The workload's columns go before AGE; KubeFed's keep their places.
  return (
    header +
    formatTable(
      ['CLUSTER', 'PROPAGATED', 'STATUS', readyColumn, 'WORKLOAD', 'AGE'],
      rows.map((r) => [
        r.cluster,
        r.propagated,
        r.status,
        r.ready ?? NONE,
        r.workload ?? NONE,
        r.age,
      ]),
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

/**
 * The list table, rows sorted by namespace and name; NAMESPACE first when `allNamespaces`. A
 * workload type (`counting` given) also gets READY (Job: COMPLETIONS) and READY-CLUSTERS from
 * `status.workload`, before AGE; CLUSTERS stays the propagation count.
 */
export function renderFederatedList(
  objects: readonly KubeObject[],
  now: Date,
  allNamespaces: boolean,
  counting?: WorkloadCounting,
): string {
  const rows = [...objects]
    .sort((a, b) => compare(sortKey(a), sortKey(b)))
    .map((fed) => {
      const condition = propagationCondition(fed);
      const workload = workloadStatus(fed);
      const row = [
        fed.metadata?.name ?? '',
        condition?.status ?? UNKNOWN,
        condition?.reason || NONE,
        clustersSummary(fed),
        ...(counting === undefined
          ? []
          : [stringOrNone(workload?.ready), stringOrNone(workload?.readyClusters)]),
        age(fed.metadata?.creationTimestamp, now),
      ];
      return allNamespaces ? [fed.metadata?.namespace ?? '', ...row] : row;
    });
  const columns: string[] =
    counting === undefined
      ? [...FEDERATED_LIST_COLUMNS]
      : [...FEDERATED_LIST_COLUMNS.slice(0, -1), readyHeader(counting), 'READY-CLUSTERS', 'AGE'];
  return formatTable(allNamespaces ? ['NAMESPACE', ...columns] : columns, rows);
}

function sortKey(obj: KubeObject): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
