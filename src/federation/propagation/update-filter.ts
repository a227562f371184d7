// Which updates of a federated object call for a sync pass. KubeFed reconciles on every change,
// including the ones the sync controller makes itself: each new object's finalizer and status
// writes came back as two more passes that could only conclude "nothing to do" (and, reading a
// cache that had not yet seen the status, sometimes wrote the status again and hit a conflict).
// Nothing a pass reads is in those changes, so they are skipped; anything else still triggers one.
import { isDeepStrictEqual } from 'node:util';
import { SYNC_CONTROLLER_FINALIZER } from '../../apis/constants.ts';
import type { KubeObject } from '../../json/object.ts';

/** False when `current` differs from `old` only by its status, its resourceVersion and managedFields, or by gaining the sync controller's finalizer. */
export function updateNeedsSync(old: KubeObject, current: KubeObject): boolean {
  const gainedFinalizer =
    !(old.metadata?.finalizers ?? []).includes(SYNC_CONTROLLER_FINALIZER) &&
    (current.metadata?.finalizers ?? []).includes(SYNC_CONTROLLER_FINALIZER);
  return !isDeepStrictEqual(
    withoutBookkeeping(old, false),
    withoutBookkeeping(current, gainedFinalizer),
  );
}

/**
 * True when a member object changed only in its status (and so its resourceVersion): nothing the
 * sync controller wrote moved, only what the member's own controllers report.
 */
export function statusOnlyChange(old: KubeObject, current: KubeObject): boolean {
  return (
    !isDeepStrictEqual(old['status'], current['status']) &&
    isDeepStrictEqual(withoutBookkeeping(old, false), withoutBookkeeping(current, false))
  );
}

function withoutBookkeeping(obj: KubeObject, dropOwnFinalizer: boolean): unknown {
  const metadata = { ...obj.metadata };
  delete metadata.resourceVersion;
  delete metadata.managedFields;
  if (dropOwnFinalizer) {
    const kept = (metadata.finalizers ?? []).filter((f) => f !== SYNC_CONTROLLER_FINALIZER);
    if (kept.length > 0) metadata.finalizers = kept;
    else delete metadata.finalizers;
  }
  const copy: KubeObject = { ...obj, metadata };
  delete copy['status'];
  return copy;
}
