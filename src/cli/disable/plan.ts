// The decisions of `kubefedctl disable` (spec §13.5) that need no cluster: whether the
// propagation controller has stopped, and what to say when it has not or when federated objects
// remain. Pure.
import { ControllerStatus } from '../../apis/constants.ts';
import type { FederatedTypeConfig, FederatedTypeConfigStatus } from '../../apis/types.ts';
import { formatGoDuration, parseGoDuration } from '../../apis/duration.ts';
import { qualifiedName, type KubeObject } from '../../json/object.ts';

/**
 * The FTC controller has seen the current spec (observedGeneration) and reports its propagation
 * controller stopped. An older `NotRunning` (before the Disabled write was seen) does not count.
 */
export function propagationStopped(ftc: FederatedTypeConfig): boolean {
  const generation = ftc.metadata?.generation ?? 0;
  const status = wireStatus(ftc);
  return (
    status?.propagationController === ControllerStatus.NotRunning &&
    (status.observedGeneration ?? 0) >= generation
  );
}

/** Why the wait for the propagation controller to stop timed out, and what to do next. */
export function stopTimeoutMessage(
  ftc: FederatedTypeConfig | undefined,
  qualified: string,
  timeoutMs: number,
): string {
  const generation = ftc?.metadata?.generation ?? 0;
  const status = ftc && wireStatus(ftc);
  const seen =
    status === undefined
      ? 'it has no status, so no FederatedTypeConfig controller has ever processed it'
      : `its status says propagationController ${status.propagationController ?? '(unset)'} for generation ` +
        `${status.observedGeneration ?? 0}, and the FederatedTypeConfig is at generation ${generation}`;
  const namespace = qualified.includes('/') ? qualified.slice(0, qualified.indexOf('/')) : '';
  return (
    `timed out after ${formatGoDuration(timeoutMs)} waiting for the propagation controller of ` +
    `FederatedTypeConfig "${qualified}" to stop: ${seen}. Is the KubeFed controller manager running ` +
    `(it writes this status)${namespace ? ` for KubeFed namespace "${namespace}"` : ''}? ` +
    'Propagation is left Disabled; start the controller manager and run disable again, or raise --timeout.'
  );
}

/** Refusal to delete a federated CRD while objects of it exist: how many, and a few of them. */
export function remainingInstancesMessage(
  crdName: string,
  kind: string,
  instances: readonly KubeObject[],
): string {
  const shown = instances.slice(0, 5).map(qualifiedName);
  const more =
    instances.length > shown.length ? `, and ${instances.length - shown.length} more` : '';
  const count =
    instances.length === 1
      ? `1 ${kind} object remains`
      : `${instances.length} ${kind} objects remain`;
  return (
    `Cannot delete CRD "${crdName}" while resource instances exist: ${count} (${shown.join(', ')}${more}). ` +
    'Delete them first, or run disable without --delete-crd to keep the CRD.'
  );
}

/** `--timeout`: a Go duration (`10s`, `1m30s`) or a number of seconds. */
export function parseTimeout(text: string): number {
  const ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : parseGoDuration(text);
  if (!Number.isFinite(ms) || ms <= 0) throw new Error(`must be positive, got "${text}"`);
  return ms;
}

/** The status as it may arrive: a controller may not have written every field yet. */
function wireStatus(ftc: FederatedTypeConfig): Partial<FederatedTypeConfigStatus> | undefined {
  return ftc.status;
}
