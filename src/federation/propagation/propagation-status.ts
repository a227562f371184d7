// The status a federated object reports after a sync pass (spec §7.10): per-cluster propagation
// codes, the `Propagation` condition with its time rules, and whether anything changed enough to
// write. Time is passed in; nothing here reads a clock.
import { isDeepStrictEqual } from 'node:util';
import { kubeTime } from '../../apis/time.ts';
import {
  PROPAGATION_CONDITION_TYPE,
  isRecoverablePropagationStatus,
  type AggregateReason,
  type PropagationStatusCode,
} from '../../apis/constants.ts';
import type {
  FederatedObjectStatus,
  PropagationClusterStatus,
  PropagationCondition,
} from '../../apis/types.ts';
import { compareUtf8 } from '../../json/canonical-json.ts';
import { cloneJson } from '../../json/json-patch.ts';
import { isJsonObject, type KubeObject } from '../../json/object.ts';

/** A cluster's slot: `''` is success (omitted on the wire). */
export type ClusterPropagationStatus = PropagationStatusCode | '';

/** The condition reason: `''` is success (condition `True`). */
export type PropagationReason = AggregateReason | '';

/** What one sync pass collected from its member operations. */
export interface CollectedPropagation {
  /** One entry per cluster that got a slot (selected ones, plus pending removals). */
  statuses: ReadonlyMap<string, ClusterPropagationStatus>;
  /**
   * With raw status collection (spec §8.2) only: each slot's member object `.status`, for the
   * members that have one. Unlike KubeFed, a slot without one (a ConfigMap, an object not created
   * yet) does not hold the condition at CheckClusters: propagation status is about propagation.
   */
  remoteStatuses?: ReadonlyMap<string, unknown>;
  /**
   * kubefed-ts, additive: what is wrong with the object's own spec (input-problems.ts), for the
   * condition's `message`; absent or `''` when nothing is.
   */
  message?: string;
}

export interface PropagationStatusInput {
  /**
   * The reason the pass ended with: `''` (success), `ClusterRetrievalFailed`,
   * `ComputePlacementFailed` or `NamespaceNotFederated`. Success turns into `CheckClusters` when a
   * cluster needs attention.
   */
  reason: PropagationReason;
  collected: CollectedPropagation;
  /** Milliseconds since the epoch. */
  now: number;
}

export interface PropagationStatusResult {
  status: FederatedObjectStatus;
  /** The reason actually written (after the CheckClusters rule). */
  reason: PropagationReason;
  /** Write the status: observedGeneration or the Propagation condition changed. */
  changed: boolean;
}

/**
 * The next status of `fed`. Fields KubeFed does not manage are kept; `status.clusters` is
 * replaced (sorted by name) only when the collected set differs from it.
 */
export function computePropagationStatus(
  fed: KubeObject,
  input: PropagationStatusInput,
): PropagationStatusResult {
  const previous: FederatedObjectStatus = isJsonObject(fed['status'])
    ? cloneJson(fed['status'])
    : {};
  const status: FederatedObjectStatus = previous;
  const { collected } = input;

  const generation = fed.metadata?.generation ?? 0;
  const generationUpdated = (previous.observedGeneration ?? 0) !== generation;
  if (generation === 0) delete status.observedGeneration;
  else status.observedGeneration = generation;

  let reason = input.reason;
  if (reason === '') {
    for (const code of collected.statuses.values()) {
      if (code !== '') {
        reason = 'CheckClusters';
        break;
      }
    }
  }

  const clustersChanged = clustersDiffer(status.clusters ?? [], collected);
  if (clustersChanged) {
    const clusters = [...collected.statuses]
      .sort(([a], [b]) => compareUtf8(a, b))
      .map(([name, code]) => clusterEntry(name, code, collected.remoteStatuses?.get(name)));
    if (clusters.length > 0) status.clusters = clusters;
    else delete status.clusters;
  }

  const conditionUpdated = setPropagationCondition(
    status,
    reason,
    collected.message ?? '',
    clustersChanged,
    input.now,
  );
  return { status, reason, changed: generationUpdated || conditionUpdated };
}

/**
 * Whether the reconcile should end in error backoff (spec §7.3 step 8): the pass itself succeeded
 * (a placement or cluster-list failure is reported, not retried) and some cluster has a code that
 * retrying may fix.
 */
export function needsBackoff(
  reason: PropagationReason,
  statuses: ReadonlyMap<string, ClusterPropagationStatus>,
): boolean {
  if (reason !== '' && reason !== 'CheckClusters') return false;
  for (const code of statuses.values()) {
    if (code !== '' && isRecoverablePropagationStatus(code)) return true;
  }
  return false;
}

/** The clusters `status.clusters` names: where the last pass found or put the object. */
export function reportedClusters(fed: KubeObject): string[] {
  const status = fed['status'];
  const clusters = isJsonObject(status) ? status['clusters'] : undefined;
  if (!Array.isArray(clusters)) return [];
  return clusters.flatMap((entry) =>
    isJsonObject(entry) && typeof entry['name'] === 'string' ? [entry['name']] : [],
  );
}

// --- internals ---------------------------------------------------------------------------------

function clusterEntry(
  name: string,
  code: ClusterPropagationStatus,
  remoteStatus: unknown,
): PropagationClusterStatus {
  const entry: PropagationClusterStatus = { name };
  if (code !== '') entry.status = code;
  if (remoteStatus !== undefined) entry.remoteStatus = cloneJson(remoteStatus);
  return entry;
}

/** The stored entries and the collected slots are not the same set of (name, status, remoteStatus). */
function clustersDiffer(
  stored: readonly PropagationClusterStatus[],
  collected: CollectedPropagation,
): boolean {
  const { statuses, remoteStatuses } = collected;
  if (stored.length !== statuses.size) return true;
  const seen = new Set<string>();
  for (const entry of stored) {
    if (seen.has(entry.name) || !statuses.has(entry.name)) return true;
    seen.add(entry.name);
    if ((entry.status ?? '') !== statuses.get(entry.name)) return true;
    // Without collection, a remote status left by a control plane that collected one goes.
    const stale = entry.remoteStatus ?? undefined;
    if (!isDeepStrictEqual(stale, remoteStatuses?.get(entry.name))) return true;
  }
  return false;
}

/**
 * Updates (or adds) the Propagation condition; true when it changed. A new message is an update,
 * not a transition: the state of propagation is the status and reason.
 */
function setPropagationCondition(
  status: FederatedObjectStatus,
  reason: PropagationReason,
  message: string,
  changesPropagated: boolean,
  now: number,
): boolean {
  const conditions = status.conditions ?? [];
  const wantedStatus = reason === '' ? 'True' : 'False';
  // Stored statuses may hold other condition types, whatever the declared type says.
  let condition = conditions.find(
    (c): c is PropagationCondition => c.type === PROPAGATION_CONDITION_TYPE,
  );
  const isNew = condition === undefined;
  if (condition === undefined) {
    condition = { type: PROPAGATION_CONDITION_TYPE, status: wantedStatus };
    conditions.push(condition);
  }
  status.conditions = conditions;
  const stamp = kubeTime(now);
  const transition =
    isNew || condition.status !== wantedStatus || (condition.reason ?? '') !== reason;
  if (transition) {
    condition.lastTransitionTime = stamp;
    condition.status = wantedStatus;
    setReason(condition, reason);
  }
  const messageChanged = conditionMessage(condition) !== message;
  if (message === '') delete condition.message;
  else condition.message = message;
  const updated = transition || changesPropagated || messageChanged;
  if (updated) condition.lastUpdateTime = stamp;
  return updated;
}

/** The message of `fed`'s stored Propagation condition (kubefed-ts); `''` when there is none. */
export function storedPropagationMessage(fed: KubeObject): string {
  const status = fed['status'];
  const conditions = isJsonObject(status) ? status['conditions'] : undefined;
  if (!Array.isArray(conditions)) return '';
  const condition: unknown = conditions.find(
    (c: unknown) => isJsonObject(c) && c['type'] === PROPAGATION_CONDITION_TYPE,
  );
  return conditionMessage(isJsonObject(condition) ? condition : undefined);
}

function conditionMessage(condition: { message?: unknown } | undefined): string {
  const message = condition?.message;
  return typeof message === 'string' ? message : '';
}

function setReason(condition: PropagationCondition, reason: PropagationReason): void {
  if (reason === '') delete condition.reason;
  else condition.reason = reason;
}
