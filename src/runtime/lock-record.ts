// The leader record of KubeFed's own lock, and the two locks held as one. KubeFed v0.10 elects on
// the lock its KubeFedConfig names (`resourceLock`: a ConfigMap or an Endpoints object), where
// client-go keeps its LeaderElectionRecord as JSON in one annotation. We hold that lock (the
// primary) and the Lease (the secondary) together, as client-go's MultiLock did for migrations:
// a Go replica, which sees only the primary, and ours can never both lead, and anything that reads
// the Lease still sees who leads. Pure; the stores that read and write the objects wrap it.
import { kubeMicroTime, kubeTime } from '../apis/time.ts';
import type { LeaseRecord, LeaseSpec } from './leader-election.ts';

/** Where client-go keeps the record on a ConfigMap or Endpoints lock. */
export const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';

/** client-go's MultiLock reports this holder when the two locks disagree. */
export const UNKNOWN_LEADER = 'leaderelection.k8s.io/unknown';

/** client-go's LeaderElectionRecord as JSON, in its field order. */
interface AnnotationRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: string | null;
  renewTime: string | null;
  leaderTransitions: number;
}

/**
 * The record in a lock object's annotation as a LeaseSpec; no annotation is a free lock (as
 * client-go reads it). A record that is not JSON is refused, as client-go refuses it.
 */
export function parseAnnotationRecord(text: string | undefined, lock: string): LeaseSpec {
  if (text === undefined) return {};
  let record: Partial<AnnotationRecord>;
  try {
    record = JSON.parse(text) as Partial<AnnotationRecord>;
  } catch {
    throw new Error(
      `the leader election record in annotation ${LEADER_ANNOTATION} of ${lock} is not JSON: ${text}; delete the annotation to free the lock`,
    );
  }
  const spec: LeaseSpec = {};
  if (typeof record.holderIdentity === 'string') spec.holderIdentity = record.holderIdentity;
  if (typeof record.leaseDurationSeconds === 'number')
    spec.leaseDurationSeconds = record.leaseDurationSeconds;
  if (typeof record.acquireTime === 'string') spec.acquireTime = record.acquireTime;
  if (typeof record.renewTime === 'string') spec.renewTime = record.renewTime;
  if (typeof record.leaderTransitions === 'number')
    spec.leaseTransitions = record.leaderTransitions;
  return spec;
}

/**
 * The annotation's text for `spec`, as client-go writes it: metav1.Time has whole seconds (a
 * Lease's MicroTime has microseconds), a missing time is null.
 */
export function renderAnnotationRecord(spec: LeaseSpec): string {
  const seconds = (time: string | undefined): string | null => {
    if (time === undefined) return null;
    const ms = Date.parse(time);
    return Number.isNaN(ms) ? time : kubeTime(ms);
  };
  const record: AnnotationRecord = {
    holderIdentity: spec.holderIdentity ?? '',
    leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
    acquireTime: seconds(spec.acquireTime),
    renewTime: seconds(spec.renewTime),
    leaderTransitions: spec.leaseTransitions ?? 0,
  };
  return JSON.stringify(record);
}

/**
 * `spec` with its times as a Lease needs them (metav1.MicroTime): a renewal keeps the acquire
 * time of the combined record, which comes from the annotation in whole seconds.
 */
export function withMicroTimes(spec: LeaseSpec): LeaseSpec {
  const micro = (time: string): string => {
    const ms = Date.parse(time);
    return Number.isNaN(ms) ? time : kubeMicroTime(ms);
  };
  return {
    ...spec,
    ...(spec.acquireTime === undefined ? {} : { acquireTime: micro(spec.acquireTime) }),
    ...(spec.renewTime === undefined ? {} : { renewTime: micro(spec.renewTime) }),
  };
}

/** The resourceVersions of both locks, as the combined record carries them ('' = missing). */
export interface LockVersions {
  primary: string;
  secondary: string;
}

export function joinVersions(versions: LockVersions): string {
  return JSON.stringify([versions.primary, versions.secondary]);
}

export function splitVersions(resourceVersion: string): LockVersions {
  const parsed = JSON.parse(resourceVersion) as unknown;
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    !parsed.every((v): v is string => typeof v === 'string')
  ) {
    throw new Error(`not the resourceVersions of two locks: ${resourceVersion}`);
  }
  return { primary: parsed[0] as string, secondary: parsed[1] as string };
}

/**
 * The two locks as one record, with client-go's MultiLock semantics: one holder when both name
 * the same one, UNKNOWN_LEADER when they disagree (a candidate then waits until neither changes
 * for a lease duration); a lock that does not exist yet takes the other's record (the next write
 * creates it). The fingerprint changes whenever either record does, so a holder renewing only
 * one of them (a Go replica on the primary, our older releases on the Lease) keeps its lease.
 */
export function combineLocks(
  primary: LeaseRecord | undefined,
  secondary: LeaseRecord | undefined,
): LeaseRecord | undefined {
  const leading = primary ?? secondary;
  if (leading === undefined) return undefined;
  const versions = joinVersions({
    primary: primary?.resourceVersion ?? '',
    secondary: secondary?.resourceVersion ?? '',
  });
  const fingerprint = JSON.stringify([primary?.spec ?? null, secondary?.spec ?? null]);
  const holders = new Set([primary, secondary].map((r) => r && (r.spec.holderIdentity ?? '')));
  holders.delete(undefined);
  const spec =
    holders.size > 1 ? { ...leading.spec, holderIdentity: UNKNOWN_LEADER } : leading.spec;
  return { resourceVersion: versions, spec, fingerprint };
}
