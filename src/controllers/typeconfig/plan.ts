// What the FederatedTypeConfig controller does for one FTC (spec §6), decided from the FTC and
// what is running. Pure: the controller does the starting, stopping and writing.
import { ControllerStatus, ResourceScope, Toggle } from '../../apis/constants.ts';
import {
  SERVICES_TYPE_CONFIG,
  isNamespaceTypeConfig,
  targetIsNamespaced,
} from '../../apis/typeconfig.ts';
import type { FederatedTypeConfig, FederatedTypeConfigStatus } from '../../apis/types.ts';

export interface TypeConfigSituation {
  /** The control plane is `Namespaced`: cluster-scoped types are not federated. */
  limitedScope: boolean;
  /** The `namespaces` FTC exists (namespaced types need it for placement). */
  namespacesTypeConfigPresent: boolean;
  /** Generation the running sync controller was started for; undefined when none runs. */
  runningGeneration: number | undefined;
  /** Generation the running status controller was started for; undefined when none runs. */
  statusRunningGeneration: number | undefined;
  /** The RawResourceStatusCollection feature gate is on. */
  rawResourceStatusCollection: boolean;
}

export type ControllerAction = 'start' | 'stop' | 'restart' | 'none';

export type TypeConfigPlan =
  | {
      kind: 'skip-cluster-scoped';
      statusAction: 'stop' | 'none';
      status: FederatedTypeConfigStatus;
    }
  | { kind: 'finalize'; stop: boolean; stopStatus: boolean }
  | {
      kind: 'sync';
      action: ControllerAction;
      /** The legacy status controller (spec §8.1). */
      statusAction: ControllerAction;
      /** Why a wanted sync controller cannot start (retried with backoff). */
      blocked?: string;
      /** Why `statusCollection: Enabled` does nothing for this FTC (worth a log line). */
      statusCollectionIgnored?: string;
      status: FederatedTypeConfigStatus;
    };

/**
 * Spec §6 step 3: the legacy FederatedServiceStatus controller runs for the `services` FTC with
 * `statusCollection: Enabled` and a `statusType`, unless raw status collection replaces it.
 */
export function statusControllerWanted(
  ftc: FederatedTypeConfig,
  rawResourceStatusCollection: boolean,
): boolean {
  return (
    !rawResourceStatusCollection &&
    ftc.metadata?.name === SERVICES_TYPE_CONFIG &&
    ftc.spec.statusCollection === Toggle.Enabled &&
    ftc.spec.statusType !== undefined
  );
}

export function planTypeConfig(ftc: FederatedTypeConfig, s: TypeConfigSituation): TypeConfigPlan {
  const generation = ftc.metadata?.generation ?? 0;
  const enabled = ftc.spec.propagation === Toggle.Enabled;
  const running = s.runningGeneration !== undefined;
  const statusRunning = s.statusRunningGeneration !== undefined;
  if (ftc.metadata?.deletionTimestamp) {
    return { kind: 'finalize', stop: running, stopStatus: statusRunning };
  }
  const statusWanted = statusControllerWanted(ftc, s.rawResourceStatusCollection);
  const status = (syncAfter: boolean, statusAfter = statusWanted): FederatedTypeConfigStatus => ({
    observedGeneration: generation,
    propagationController: syncAfter ? ControllerStatus.Running : ControllerStatus.NotRunning,
    statusController: statusAfter ? ControllerStatus.Running : ControllerStatus.NotRunning,
  });
  if (s.limitedScope && enabled && ftc.spec.targetType.scope === ResourceScope.Cluster) {
    return {
      kind: 'skip-cluster-scoped',
      statusAction: statusRunning ? 'stop' : 'none',
      status: status(false, false),
    };
  }
  const sync = (action: ControllerAction, syncAfter: boolean, blocked?: string): TypeConfigPlan => {
    const ignored = statusCollectionIgnored(ftc, s.rawResourceStatusCollection, statusWanted);
    return {
      kind: 'sync',
      action,
      statusAction: statusActionFor(statusWanted, s.statusRunningGeneration, generation),
      ...(blocked === undefined ? {} : { blocked }),
      ...(ignored === undefined ? {} : { statusCollectionIgnored: ignored }),
      status: status(syncAfter),
    };
  };
  const needsNamespaces = targetIsNamespaced(ftc) && !isNamespaceTypeConfig(ftc);
  const missingNamespaces = needsNamespaces && !s.namespacesTypeConfigPresent;
  if (!running) {
    if (!enabled) return sync('none', false);
    if (missingNamespaces) {
      return sync(
        'none',
        false,
        'the "namespaces" FederatedTypeConfig is required before namespaced types can propagate; enable it with `kubefedctl enable namespaces`',
      );
    }
    return sync('start', true);
  }
  if (!enabled || missingNamespaces) return sync('stop', false);
  // A changed spec (e.g. a new target version) needs a sync controller built from it.
  if (s.runningGeneration !== generation) return sync('restart', true);
  return sync('none', true);
}

/** Like the sync controller, a status controller built from an older spec is rebuilt. */
function statusActionFor(
  wanted: boolean,
  runningGeneration: number | undefined,
  generation: number,
): ControllerAction {
  if (runningGeneration === undefined) return wanted ? 'start' : 'none';
  if (!wanted) return 'stop';
  return runningGeneration === generation ? 'none' : 'restart';
}

function statusCollectionIgnored(
  ftc: FederatedTypeConfig,
  rawResourceStatusCollection: boolean,
  statusWanted: boolean,
): string | undefined {
  if (ftc.spec.statusCollection !== Toggle.Enabled || rawResourceStatusCollection || statusWanted)
    return undefined;
  const name = ftc.metadata?.name ?? '';
  if (name === SERVICES_TYPE_CONFIG) {
    return `statusCollection: Enabled on "${name}" has no effect without spec.statusType (the FederatedServiceStatus controller needs it) or the RawResourceStatusCollection feature gate`;
  }
  return `statusCollection: Enabled on "${name}" has no effect without the RawResourceStatusCollection feature gate (only "${SERVICES_TYPE_CONFIG}" with a spec.statusType has a status controller without it)`;
}
