// How `kubefedctl get rsp` prints ReplicaSchedulingPreferences. For one RSP: its target and
// settings, then a row per cluster: the preference that applies, the replicas the scheduler wrote
// onto the federated object, what the member workload runs, the capacity its pods leave, and why
// the cluster has what it has. The why is found by asking the planner again: which preference,
// capacity or running replica, taken away, would change the cluster's number. Pure: the caller
// passes what it read and the time.
import { MANAGED_LABEL, MANAGED_LABEL_TRUE } from '../../apis/constants.ts';
import type {
  ClusterPreferences,
  KubeFedCluster,
  ReplicaSchedulingPreference,
  ReplicaSchedulingPreferenceSpec,
} from '../../apis/types.ts';
import {
  computePlacement,
  placementCluster,
  resourcePlacement,
} from '../../federation/propagation/placement.ts';
import { analyzePods } from '../../federation/scheduling/pod-analysis.ts';
import { replicasOverrides } from '../../federation/scheduling/placed-replicas.ts';
import { DEFAULT_CLUSTER_PREFERENCES, planReplicas } from '../../federation/scheduling/planner.ts';
import {
  memberReplicaState,
  replicaStateFromPods,
} from '../../federation/scheduling/replica-state.ts';
import {
  allowedClusters,
  namespacePlacement,
  plannerInputs,
  scheduleReplicas,
  type ClusterWorkload,
  type Schedule,
} from '../../federation/scheduling/schedule.ts';
import { compareUtf8 } from '../../json/canonical-json.ts';
import { isJsonObject, type KubeObject } from '../../json/object.ts';
import { age, clusterRow, formatTable, humanDuration } from './clusters-table.ts';

const NONE = '-';

/** The RSP's same-named federated object, as the command found it. */
export type PreferenceTarget =
  | { state: 'found'; object: KubeObject; fedNamespace?: KubeObject | undefined }
  | { state: 'absent' }
  /** The scheduler does not handle the target kind (a typo, or its FTC is not enabled). */
  | { state: 'unscheduled'; reason: string };

/** The member workload (Deployment, ReplicaSet) of one cluster. */
export type MemberWorkload =
  | {
      state: 'found';
      object: KubeObject;
      /** Its pods, listed when some replicas are not ready (`memberReplicaState` asks for them). */
      pods?: readonly unknown[];
    }
  | { state: 'absent' }
  | { state: 'unreadable'; error: string };

/** Everything a `get rsp NAME` shows. */
export interface PreferenceView {
  rsp: ReplicaSchedulingPreference;
  target: PreferenceTarget;
  /** The KubeFedClusters of the control plane. */
  clusters: readonly KubeFedCluster[];
  /** KubeFedConfig `scope: Namespaced`. */
  limitedScope: boolean;
  /** By cluster name; a cluster that was not read is absent. */
  members: ReadonlyMap<string, MemberWorkload>;
  /** Pods unschedulable this long lower their cluster's capacity. */
  thresholdMs: number;
}

export interface PreferenceRow {
  cluster: string;
  /** The cluster's Ready condition: True, False, Unknown; `-` without a KubeFedCluster. */
  ready: string;
  weight: string;
  min: string;
  max: string;
  /** The `/spec/replicas` override of a placed cluster. */
  planned: string;
  /** Ready/desired replicas of the member workload, as the scheduler counts them. */
  replicas: string;
  /** What the cluster can run when pods stayed unschedulable past the threshold. */
  capacity: string;
  why: string;
}

/** The RSP's target and settings, and what stands out: a missing target, no preferences. */
export function preferenceHeader(view: PreferenceView, now: Date): string[] {
  const { rsp, target } = view;
  const spec = rsp.spec;
  const name = rsp.metadata?.name ?? '';
  const lines = [
    `Target: ${stringOr(spec.targetKind, '<none>')} ${name}, ` +
      `${countText(spec.totalReplicas, '0')} replicas, ` +
      `rebalance: ${String(spec.rebalance === true)}, ` +
      `intersectWithClusterSelector: ${String(spec.intersectWithClusterSelector === true)}`,
  ];
  if (target.state === 'absent') {
    lines.push(
      `${spec.targetKind} "${name}" not found in namespace ${rsp.metadata?.namespace ?? ''}: ` +
        'nothing is scheduled until it exists',
    );
  } else if (target.state === 'unscheduled') {
    lines.push(`Not scheduled: ${target.reason}`);
  } else {
    const facts = scheduleFacts(view, target.object, target.fedNamespace, now);
    const planned = [...facts.placed].map((c) => facts.written.get(c) ?? 0);
    const total = planned.reduce((sum, n) => sum + n, 0);
    let ready = 0;
    for (const member of facts.members.values()) ready += member.ready ?? 0;
    lines.push(
      `Planned: ${plural(total, 'replica')} in ${plural(planned.filter((n) => n > 0).length, 'cluster')}, ${ready} ready`,
    );
    if ([...facts.members.values()].some((m) => m.unschedulable + m.waiting > 0)) {
      // The manager's threshold is a flag of its own: the CLI cannot read it.
      lines.push(
        `Pods count as unschedulable after ${thresholdText(view.thresholdMs)} ` +
          "(--pod-unschedulable-threshold: give the manager's value)",
      );
    }
    if (facts.allowedError !== undefined) {
      lines.push(`Cannot tell where the object may run: ${facts.allowedError}`);
    } else if (facts.schedule === undefined) {
      lines.push('No cluster is ready where the object may run: the scheduler leaves it as it is');
    }
  }
  if (nonEmpty(spec.clusters) === undefined) {
    lines.push('No cluster preferences: every cluster has weight 1 ("*": {weight: 1})');
  }
  return lines;
}

/**
 * One row per KubeFedCluster, per cluster the RSP names and per cluster the object is placed in
 * (the last two may have no KubeFedCluster), sorted by name.
 */
export function preferenceRows(view: PreferenceView, now: Date): PreferenceRow[] {
  const { rsp, target } = view;
  const preferences = preferencesOf(rsp.spec);
  const registered = new Map(view.clusters.map((c) => [c.metadata?.name ?? '', c]));
  const facts =
    target.state === 'found'
      ? scheduleFacts(view, target.object, target.fedNamespace, now)
      : undefined;
  const names = new Set([
    ...registered.keys(),
    ...Object.keys(preferences).filter((n) => n !== '*'),
    ...(facts ? [...facts.placed, ...facts.written.keys()] : []),
  ]);
  return [...names].sort(compareUtf8).map((name) => {
    const cluster = registered.get(name);
    const preference = preferenceOf(preferences, name);
    const member = facts?.members.get(name);
    const placed = facts !== undefined && facts.placed.has(name);
    const written = placed ? facts.written.get(name) : undefined;
    return {
      cluster: name,
      ready: cluster === undefined ? NONE : clusterRow(cluster, now).ready,
      weight: preference === undefined ? NONE : countText(preference.weight, '0'),
      min: preference === undefined ? NONE : countText(preference.minReplicas, '0'),
      max: preference === undefined ? NONE : countText(preference.maxReplicas, NONE),
      planned: written === undefined ? NONE : String(written),
      replicas: member?.shown ?? NONE,
      capacity: member?.capacity === undefined ? NONE : String(member.capacity),
      why:
        facts === undefined
          ? (clusterProblem(cluster, placed) ?? (preference === undefined ? 'no preference' : NONE))
          : clusterReason(view, facts, name, cluster, preference),
    };
  });
}

/** The header, then the cluster table. */
export function renderPreference(view: PreferenceView, now: Date): string {
  const header = preferenceHeader(view, now)
    .map((line) => `${line}\n`)
    .join('');
  const rows = preferenceRows(view, now);
  if (rows.length === 0) {
    return `${header}No member clusters: join one with 'kubefedctl join'\n`;
  }
  return (
    header +
    formatTable(
      ['CLUSTER', 'READY', 'WEIGHT', 'MIN', 'MAX', 'PLANNED', 'REPLICAS', 'CAPACITY', 'WHY'],
      rows.map((r) => [
        r.cluster,
        r.ready,
        r.weight,
        r.min,
        r.max,
        r.planned,
        r.replicas,
        r.capacity,
        r.why,
      ]),
    )
  );
}

/** The list: NAME, TARGET, TOTAL, REBALANCE, AGE, sorted; NAMESPACE first when `allNamespaces`. */
export function renderPreferenceList(
  preferences: readonly KubeObject[],
  now: Date,
  allNamespaces: boolean,
): string {
  const rows = [...preferences]
    .sort(
      (a, b) =>
        compareUtf8(a.metadata?.namespace ?? '', b.metadata?.namespace ?? '') ||
        compareUtf8(a.metadata?.name ?? '', b.metadata?.name ?? ''),
    )
    .map((rsp) => {
      const spec = isJsonObject(rsp['spec']) ? rsp['spec'] : {};
      const name = rsp.metadata?.name ?? '';
      const row = [
        name,
        `${stringOr(spec['targetKind'], '<none>')}/${name}`,
        countText(spec['totalReplicas'], '<none>'),
        String(spec['rebalance'] === true),
        age(rsp.metadata?.creationTimestamp, now),
      ];
      return allNamespaces ? [rsp.metadata?.namespace ?? '', ...row] : row;
    });
  const columns = ['NAME', 'TARGET', 'TOTAL', 'REBALANCE', 'AGE'];
  return formatTable(allNamespaces ? ['NAMESPACE', ...columns] : columns, rows);
}

// --- internals ---------------------------------------------------------------------------------

/** What the member workload of a cluster says, as the scheduler reads it. */
interface MemberFacts {
  /** REPLICAS: ready/desired. */
  shown: string;
  /** Ready replicas, for the header's sum. */
  ready?: number;
  /** What the scheduler counts; absent when it does not count the workload. */
  workload?: ClusterWorkload;
  capacity?: number;
  /** Pods unschedulable past the threshold. */
  unschedulable: number;
  /** Pods unschedulable, not yet for the threshold. */
  waiting: number;
  /** Why the scheduler cannot count the workload. */
  problem?: string;
}

/** What the scheduler would decide now, and what it wrote. */
interface ScheduleFacts {
  /** Where the sync controller places the object (ready or not). */
  placed: ReadonlySet<string>;
  /** The `/spec/replicas` overrides. */
  written: ReadonlyMap<string, number>;
  /** Clusters the object may run in (namespace placement, and the selector when intersecting). */
  allowed: ReadonlySet<string>;
  allowedError?: string;
  /** The namespace placement alone, to tell it from the selectors. */
  inNamespace: ReadonlySet<string>;
  /** What the object's own cluster selector picks. */
  ownSelector: ReadonlySet<string>;
  namespaceNotFederated: boolean;
  /** Ready and allowed. */
  candidates: string[];
  members: Map<string, MemberFacts>;
  /** The members the scheduler counts, of candidates. */
  workloads: Map<string, ClusterWorkload>;
  /** Absent when there is no candidate: the controller then writes nothing. */
  schedule?: Schedule;
  key: string;
}

function scheduleFacts(
  view: PreferenceView,
  fed: KubeObject,
  fedNamespace: KubeObject | undefined,
  now: Date,
): ScheduleFacts {
  const { rsp, limitedScope } = view;
  const registered = view.clusters.map(placementCluster);
  const key = `${rsp.metadata?.namespace ?? ''}/${rsp.metadata?.name ?? ''}`;
  const placement = computePlacement(fed, registered, fedNamespace, {
    targetNamespaced: true,
    limitedScope,
  });
  const allowed = allowedClusters(rsp.spec, fed, registered, fedNamespace, limitedScope);
  const ofNamespace = namespacePlacement(fedNamespace, registered, limitedScope);
  const bySelector = resourcePlacement(fed, registered, true);
  const allowedSet = new Set(allowed.ok ? allowed.clusters : []);
  const candidates = registered
    .filter((c) => c.ready === true && allowedSet.has(c.name))
    .map((c) => c.name)
    .sort(compareUtf8);

  const members = new Map<string, MemberFacts>();
  const workloads = new Map<string, ClusterWorkload>();
  for (const [cluster, member] of view.members) {
    const facts = memberFacts(member, now.getTime(), view.thresholdMs);
    members.set(cluster, facts);
    if (facts.workload !== undefined && candidates.includes(cluster)) {
      workloads.set(cluster, facts.workload);
    }
  }
  const notReady = registered.filter((c) => c.ready !== true);
  return {
    placed: new Set(placement.ok ? placement.clusters : []),
    written: replicasOverrides(fed),
    allowed: allowedSet,
    ...(allowed.ok ? {} : { allowedError: allowed.error }),
    inNamespace: new Set(ofNamespace.ok ? ofNamespace.clusters : []),
    ownSelector: new Set(bySelector.ok ? bySelector.clusters : []),
    namespaceNotFederated: ofNamespace.ok && ofNamespace.namespaceNotFederated,
    candidates,
    members,
    workloads,
    ...(candidates.length === 0
      ? {}
      : { schedule: scheduleReplicas(rsp.spec, fed, candidates, workloads, notReady, key) }),
    key,
  };
}

function memberFacts(member: MemberWorkload, now: number, thresholdMs: number): MemberFacts {
  const none = { unschedulable: 0, waiting: 0 };
  if (member.state === 'absent') return { ...none, shown: NONE };
  if (member.state === 'unreadable') {
    return { ...none, shown: '<unknown>', problem: 'workload unreadable' };
  }
  const object = member.object;
  const spec = isJsonObject(object['spec']) ? object['spec'] : {};
  const status = isJsonObject(object['status']) ? object['status'] : {};
  const replicas = count(spec['replicas']);
  const statusReady = count(status['readyReplicas']);
  const shown = `${statusReady}/${replicas}`;
  // The scheduler watches managed workloads only.
  if (object.metadata?.labels?.[MANAGED_LABEL] !== MANAGED_LABEL_TRUE) {
    return { ...none, shown, problem: 'workload not managed by KubeFed' };
  }
  const state = memberReplicaState(object);
  if (state.kind === 'settled') {
    const workload = { replicas, ready: state.current };
    return { ...none, shown, ready: state.current, workload };
  }
  if (state.kind === 'invalid') {
    return { ...none, shown, ready: statusReady, problem: `workload: ${state.error}` };
  }
  if (member.pods === undefined) {
    // Not listed: the status's count stands in for the pods'.
    const workload = { replicas, ready: statusReady };
    return { ...none, shown, ready: statusReady, workload };
  }
  const pods = analyzePods(member.pods, now, thresholdMs);
  const counted = replicaStateFromPods(state.replicas, pods);
  return {
    shown: `${counted.current}/${state.replicas}`,
    ready: counted.current,
    workload: { replicas: state.replicas, ready: counted.current, capacity: counted.capacity },
    ...(counted.capacity === undefined ? {} : { capacity: counted.capacity }),
    unschedulable: pods.unschedulable,
    waiting: pods.unschedulableNow - pods.unschedulable,
  };
}

/** What keeps the scheduler from counting a cluster at all: not joined, not ready. */
function clusterProblem(cluster: KubeFedCluster | undefined, placed: boolean): string | undefined {
  if (cluster === undefined) return 'not joined (no KubeFedCluster)';
  if (placementCluster(cluster).ready !== true) {
    return placed ? 'not ready: kept until it returns' : 'not ready';
  }
  return undefined;
}

/** WHY of a cluster of a found target: the first problem, else what decided its number. */
function clusterReason(
  view: PreferenceView,
  facts: ScheduleFacts,
  name: string,
  cluster: KubeFedCluster | undefined,
  preference: ClusterPreferences | undefined,
): string {
  const problem = clusterProblem(cluster, facts.placed.has(name));
  if (problem !== undefined) return problem;
  const pending = pendingChange(facts, name);
  const withPending = (reason: string): string =>
    pending === undefined ? reason : `${reason}; ${pending}`;
  if (facts.allowedError !== undefined) return 'placement error';
  if (!facts.allowed.has(name)) {
    if (!facts.inNamespace.has(name)) {
      return withPending(
        facts.namespaceNotFederated ? 'namespace not federated' : 'namespace not placed here',
      );
    }
    // KubeFed intersects with the FederatedNamespace's selector too (its cluster list is ignored).
    return withPending(
      facts.ownSelector.has(name)
        ? "outside the FederatedNamespace's cluster selector"
        : 'outside the cluster selector',
    );
  }
  const member = facts.members.get(name);
  if (member?.problem !== undefined) return withPending(member.problem);
  const handOver = handOverReason(facts, name);
  if (handOver !== undefined) return withPending(handOver);
  if (preference === undefined) return withPending('no preference');
  return withPending(planReason(view, facts, name, preference, member));
}

/** The plan differs from what the object says: the controller has not written it (yet). */
function pendingChange(facts: ScheduleFacts, name: string): string | undefined {
  const wanted = facts.schedule?.scheduled.get(name);
  if (facts.schedule === undefined) return undefined;
  const placed = facts.placed.has(name);
  if (wanted === undefined) return placed ? 'the plan removes it' : undefined;
  if (!placed) return `not placed yet, the plan says ${wanted}`;
  if (facts.written.get(name) !== wanted) return `not written yet, the plan says ${wanted}`;
  return undefined;
}

/** A cluster planned below its ready replicas keeps them until the others' are ready. */
function handOverReason(facts: ScheduleFacts, name: string): string | undefined {
  const schedule = facts.schedule;
  if (schedule === undefined) return undefined;
  const wanted = schedule.scheduled.get(name) ?? 0;
  const planned = (schedule.plan.plan.get(name) ?? 0) + (schedule.plan.overflow.get(name) ?? 0);
  if (wanted <= planned) return undefined;
  return `handing over: keeps ${wanted} until the others are ready, then ${planned}`;
}

/**
 * What decided a candidate's replicas: each limit that, lifted,
 * would change its share (capacity, maximum, minimum, replicas kept without rebalance), else its
 * weight among the candidates'.
 */
function planReason(
  view: PreferenceView,
  facts: ScheduleFacts,
  name: string,
  preference: ClusterPreferences,
  member: MemberFacts | undefined,
): string {
  const schedule = facts.schedule;
  if (schedule === undefined) return NONE;
  const spec = view.rsp.spec;
  const planned = schedule.plan.plan.get(name) ?? 0;
  const overflow = schedule.plan.overflow.get(name) ?? 0;
  const { current, capacity } = plannerInputs(facts.workloads);
  const planWith = (
    changed: Pick<ReplicaSchedulingPreferenceSpec, 'totalReplicas' | 'rebalance' | 'clusters'>,
    capacities: ReadonlyMap<string, number> = capacity,
  ): number =>
    planReplicas(changed, facts.candidates, current, capacities, facts.key).plan.get(name) ?? 0;
  // Entries other than `name` go to the planner as they are (it reads malformed ones itself).
  const others = preferencesOf(spec) as Readonly<Record<string, ClusterPreferences>>;
  const withPreference = (edit: ClusterPreferences) => ({
    ...spec,
    clusters: { ...others, [name]: edit },
  });
  const threshold = thresholdText(view.thresholdMs);

  const reasons: string[] = [];
  const limit = capacity.get(name);
  if (limit !== undefined) {
    const unlimited = new Map(capacity);
    unlimited.delete(name);
    if (planWith(spec, unlimited) > planned) {
      const pods = member?.unschedulable ?? 0;
      reasons.push(
        `capacity ${limit} (${plural(pods, 'pod')} unschedulable > ${threshold})` +
          (overflow > 0 ? `, ${overflow} more left pending` : ''),
      );
    }
  }
  if (typeof preference.maxReplicas === 'number') {
    const { maxReplicas, ...unbounded } = preference;
    if (planWith(withPreference(unbounded)) > planned) reasons.push(`max ${maxReplicas} reached`);
  }
  if (typeof preference.minReplicas === 'number' && preference.minReplicas > 0) {
    const { minReplicas, ...noMinimum } = preference;
    if (planWith(withPreference(noMinimum)) < planned) {
      // Minimums are served first, the rest by weight.
      reasons.push(
        planned > minReplicas
          ? `min ${minReplicas} + ${weightShare(facts, preferencesOf(spec), preference)}`
          : `min ${minReplicas}`,
      );
    }
  }
  if (spec.rebalance !== true) {
    const rebalanced = planWith({ ...spec, rebalance: true });
    if (rebalanced < planned) reasons.push('keeps its running replicas (rebalance off)');
    if (rebalanced > planned) reasons.push('others keep their running replicas (rebalance off)');
  }
  if (reasons.length === 0) {
    // Its weight's share, and what it takes on for clusters that cannot run theirs.
    let share = weightShare(facts, preferencesOf(spec), preference);
    const short = [...capacity.keys()].filter((c) => c !== name);
    if (short.length > 0) {
      const own = new Map([...capacity].filter(([c]) => c === name));
      const extra = planned - planWith(spec, own);
      if (extra > 0) share += `, +${extra} that ${short.join(', ')} cannot run`;
    }
    const bounded = Object.entries(others).filter(
      ([c, p]) => c !== name && isJsonObject(p) && typeof p.maxReplicas === 'number',
    );
    if (bounded.length > 0) {
      const unbounded = Object.fromEntries(
        Object.entries(others).map(([c, p]) => [
          c,
          c === name || !isJsonObject(p) ? p : without(p, 'maxReplicas'),
        ]),
      );
      const extra = planned - planWith({ ...spec, clusters: unbounded });
      if (extra > 0) share += `, +${extra} over the others' max`;
    }
    reasons.push(share);
  }
  if (member !== undefined && member.waiting > 0) {
    reasons.push(`${plural(member.waiting, 'pod')} unschedulable < ${threshold}`);
  }
  return reasons.join('; ');
}

function without(preference: ClusterPreferences, key: string): ClusterPreferences {
  return Object.fromEntries(Object.entries(preference).filter(([k]) => k !== key));
}

/** `weight 2 of 3`: the cluster's weight of the candidates' sum; `weight 0`. */
function weightShare(
  facts: ScheduleFacts,
  preferences: Readonly<Record<string, unknown>>,
  preference: ClusterPreferences,
): string {
  const weight = count(preference.weight);
  if (weight === 0) return 'weight 0';
  let sum = 0;
  for (const candidate of facts.candidates) {
    sum += count(preferenceOf(preferences, candidate)?.weight);
  }
  return `weight ${weight} of ${sum}`;
}

function preferencesOf(
  spec: Pick<ReplicaSchedulingPreferenceSpec, 'clusters'>,
): Readonly<Record<string, unknown>> {
  return nonEmpty(spec.clusters) ?? DEFAULT_CLUSTER_PREFERENCES;
}

function nonEmpty(clusters: unknown): Readonly<Record<string, unknown>> | undefined {
  return isJsonObject(clusters) && Object.keys(clusters).length > 0 ? clusters : undefined;
}

/** The cluster's own entry, else `*` (own properties only; a null entry is all defaults). */
function preferenceOf(
  preferences: Readonly<Record<string, unknown>>,
  name: string,
): ClusterPreferences | undefined {
  const key = Object.hasOwn(preferences, name) ? name : '*';
  if (!Object.hasOwn(preferences, key)) return undefined;
  const preference = preferences[key];
  return isJsonObject(preference) ? preference : {};
}

/** A count as the planner reads it: a number below 0 is 0. */
function count(value: unknown): number {
  return typeof value === 'number' ? Math.max(0, Math.trunc(value)) : 0;
}

/** A count as written, `fallback` when absent. */
function countText(value: unknown, fallback: string): string {
  return typeof value === 'number' ? String(value) : fallback;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** `60s`, `5s`, `500ms`, `2m`. */
function thresholdText(ms: number): string {
  return ms < 1000 ? `${ms}ms` : humanDuration(ms);
}
