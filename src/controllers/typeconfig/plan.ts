// What the FederatedTypeConfig controller does for one FTC (spec §6), decided from the FTC and
// what is running. Pure: the controller does the starting, stopping and writing.
import { ControllerStatus, ResourceScope, Toggle } from '../../apis/constants.ts';
import { isNamespaceTypeConfig, targetIsNamespaced } from '../../apis/typeconfig.ts';
import type { FederatedTypeConfig, FederatedTypeConfigStatus } from '../../apis/types.ts';

export interface TypeConfigSituation {
  /** The control plane is `Namespaced`: cluster-scoped types are not federated. */
  limitedScope: boolean;
  /** The `namespaces` FTC exists (namespaced types need it for placement). */
  namespacesTypeConfigPresent: boolean;
  /** Generation the running sync controller was started for; undefined when none runs. */
  runningGeneration: number | undefined;
}

export type TypeConfigPlan =
  | { kind: 'skip-cluster-scoped'; status: FederatedTypeConfigStatus }
  | { kind: 'finalize'; stop: boolean }
  | {
      kind: 'sync';
      action: 'start' | 'stop' | 'restart' | 'none';
      /** Why a wanted sync controller cannot start (retried with backoff). */
      blocked?: string;
      status: FederatedTypeConfigStatus;
    };

export function planTypeConfig(ftc: FederatedTypeConfig, s: TypeConfigSituation): TypeConfigPlan {
  const generation = ftc.metadata?.generation ?? 0;
  const enabled = ftc.spec.propagation === Toggle.Enabled;
  const running = s.runningGeneration !== undefined;
  const status = (runningAfter: boolean): FederatedTypeConfigStatus => ({
    observedGeneration: generation,
    propagationController: runningAfter ? ControllerStatus.Running : ControllerStatus.NotRunning,
    statusController: ControllerStatus.NotRunning,
  });
  if (ftc.metadata?.deletionTimestamp) return { kind: 'finalize', stop: running };
  if (s.limitedScope && enabled && ftc.spec.targetType.scope === ResourceScope.Cluster) {
    return { kind: 'skip-cluster-scoped', status: status(false) };
  }
  const needsNamespaces = targetIsNamespaced(ftc) && !isNamespaceTypeConfig(ftc);
  const missingNamespaces = needsNamespaces && !s.namespacesTypeConfigPresent;
  if (!running) {
    if (!enabled) return { kind: 'sync', action: 'none', status: status(false) };
    if (missingNamespaces) {
      return {
        kind: 'sync',
        action: 'none',
        blocked:
          'the "namespaces" FederatedTypeConfig is required before namespaced types can propagate; enable it with `kubefedctl enable namespaces`',
        status: status(false),
      };
    }
    return { kind: 'sync', action: 'start', status: status(true) };
  }
  if (!enabled || missingNamespaces) return { kind: 'sync', action: 'stop', status: status(false) };
  // A changed spec (e.g. a new target version) needs a sync controller built from it.
  if (s.runningGeneration !== generation)
    return { kind: 'sync', action: 'restart', status: status(true) };
  return { kind: 'sync', action: 'none', status: status(true) };
}
