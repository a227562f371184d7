// The dispatch plan of a sync pass (spec §7.3 step 4, §7.7, §7.7a, §7.8, §7.11): for each member
// cluster, create, update, delete, remove the managed label, or nothing, and the status slot each
// outcome fills. The controller runs the operations; every decision is made here.
import { MANAGED_LABEL, MANAGED_LABEL_FALSE, MANAGED_LABEL_TRUE } from '../../apis/constants.ts';
import type { ClusterPropagationStatus } from './propagation-status.ts';
import type { RenderResult } from './render.ts';
import { objectNeedsUpdate } from './version.ts';
import type { KubeObject } from '../../json/object.ts';

export type OperationKind = 'create' | 'update' | 'delete' | 'unlabel';

export interface MemberEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** The target object, for event messages: its kind and `ns/name` (or `name`). */
export interface TargetRef {
  kind: string;
  qualifiedName: string;
}

export type MemberOperation =
  | {
      cluster: string;
      kind: 'create';
      object: KubeObject;
      /** Slot value while the operation runs; it stays if the 30 s budget runs out. */
      pendingStatus: 'CreationTimedOut';
      /** Slot value when the request fails (AlreadyExists goes through {@link planAdoption}). */
      failureStatus: 'CreationFailed';
    }
  | {
      cluster: string;
      kind: 'update';
      object: KubeObject;
      live: KubeObject;
      pendingStatus: 'UpdateTimedOut';
      failureStatus: 'UpdateFailed';
    }
  | {
      cluster: string;
      kind: 'delete';
      pendingStatus: 'DeletionTimedOut';
      failureStatus: 'DeletionFailed';
    }
  | {
      cluster: string;
      kind: 'unlabel';
      live: KubeObject;
      pendingStatus: 'LabelRemovalTimedOut';
      failureStatus: 'LabelRemovalFailed';
    }
  | {
      cluster: string;
      kind: 'none';
      /** `''` when the member object is current. */
      status: ClusterPropagationStatus;
      /** Warnings explaining a non-empty status. */
      events: MemberEvent[];
    };

/** A member cluster as one reconcile sees it. */
export interface MemberClusterState {
  name: string;
  ready: boolean;
  /** The managed member object from the informer cache; absent when there is none. */
  observed?: KubeObject | undefined;
  /** Reading the cache failed. */
  cacheError?: string | undefined;
}

export interface MemberPlanInput {
  target: TargetRef;
  /** Every KubeFedCluster, ready or not. */
  clusters: readonly MemberClusterState[];
  /** Placement result. */
  selected: Iterable<string>;
  /**
   * The desired object per selected cluster: rendered with the observed object as `live` when
   * there is one (update path), without it otherwise (create path).
   */
  desired: ReadonlyMap<string, RenderResult>;
  /** Recorded member versions (valid for the current hashes), or why they could not be read. */
  recordedVersions: ReadonlyMap<string, string> | { error: string };
  /** UID of the host cluster's Namespace of the same name; namespace type only. */
  hostNamespaceUid?: string | undefined;
  /**
   * The clusters the object's status names (the previous pass's slots). An unready one that left
   * the placement may still hold a copy nobody can see: it keeps a `ClusterNotReady` slot, so the
   * object's deletion waits for it too, until it is ready again (and the copy is deleted) or gone.
   */
  reported?: Iterable<string>;
}

/**
 * One entry per cluster that gets a status slot or an operation. Unselected clusters without a
 * member object, and unready unselected clusters the status does not name, get none.
 */
export function planMemberOperations(input: MemberPlanInput): MemberOperation[] {
  const selected = new Set(input.selected);
  const reported = new Set(input.reported);
  const operations: MemberOperation[] = [];
  for (const cluster of input.clusters) {
    const name = cluster.name;
    const isSelected = selected.has(name);
    if (!cluster.ready) {
      if (isSelected || reported.has(name)) {
        operations.push(
          none(name, 'ClusterNotReady', [warning('ClusterNotReady', 'Cluster not ready')]),
        );
      }
      continue;
    }
    if (cluster.cacheError !== undefined) {
      operations.push(
        none(name, 'CachedRetrievalFailed', [
          warning(
            'CachedRetrievalFailed',
            `Failed to retrieve cached cluster object: ${cluster.cacheError}`,
          ),
        ]),
      );
      continue;
    }
    const observed = cluster.observed;
    if (!isSelected) {
      if (observed === undefined) continue;
      if (isBeingDeleted(observed)) {
        operations.push(none(name, 'WaitingForRemoval', []));
      } else if (isHostNamespace(observed, input.hostNamespaceUid)) {
        // Deleting the host's namespace would delete the FederatedNamespace itself.
        operations.push(unlabel(name, observed));
      } else {
        operations.push(deletion(name));
      }
      continue;
    }
    const desired = input.desired.get(name) ?? missingDesired;
    if (observed === undefined) {
      operations.push(creation(name, desired, input.target));
    } else {
      operations.push(
        update(name, observed, desired, versionFor(input.recordedVersions, name), input.target),
      );
    }
  }
  return operations;
}

export interface AdoptionInput {
  cluster: string;
  target: TargetRef;
  /** The object a create collided with, as fetched after AlreadyExists. */
  live: KubeObject;
  /** The desired object rendered with `live` (update path). */
  desired: RenderResult;
  recordedVersion: string | undefined | { error: string };
  /** `KubeFedConfig.spec.syncController.adoptResources` is `Enabled`. */
  adoptResources: boolean;
  hostNamespaceUid?: string | undefined;
}

/**
 * What to do after a create met AlreadyExists and the existing object was fetched (§7.7a): with
 * adoption disabled report `AlreadyExists` (the host's own namespace is always adopted);
 * otherwise take the update path, which adds the managed label, unless the object opted out
 * with `kubefed.io/managed: "false"`. `events` are recorded at once, whatever the operation.
 */
export function planAdoption(input: AdoptionInput): {
  events: MemberEvent[];
  operation: MemberOperation;
} {
  const failed = (reason: string): MemberEvent =>
    warning('CreateInClusterFailed', failedMessage('create', input.target, input.cluster, reason));
  if (!input.adoptResources && !isHostNamespace(input.live, input.hostNamespaceUid)) {
    return {
      events: [failed('Resource pre-exist in cluster')],
      operation: none(input.cluster, 'AlreadyExists', []),
    };
  }
  return {
    events: [
      failed('An update will be attempted instead of a creation due to an existing resource'),
    ],
    operation: update(
      input.cluster,
      input.live,
      input.desired,
      input.recordedVersion,
      input.target,
    ),
  };
}

/**
 * Slot values once every operation finished within the budget: a create or update that did not
 * record a failure succeeded, a delete leaves the object waiting for garbage collection, and a
 * label removal frees the slot. Values that are already final pass through.
 */
export function settleStatuses(
  slots: ReadonlyMap<string, ClusterPropagationStatus>,
): Map<string, ClusterPropagationStatus> {
  const settled = new Map<string, ClusterPropagationStatus>();
  for (const [cluster, code] of slots) {
    if (code === 'CreationTimedOut' || code === 'UpdateTimedOut') settled.set(cluster, '');
    else if (code === 'DeletionTimedOut') settled.set(cluster, 'WaitingForRemoval');
    else if (code !== 'LabelRemovalTimedOut') settled.set(cluster, code);
  }
  return settled;
}

/** The slot each planned operation opens: its pending code, or the final one for `none`. */
export function initialStatuses(
  operations: readonly MemberOperation[],
): Map<string, ClusterPropagationStatus> {
  return new Map(
    operations.map((op) => [op.cluster, op.kind === 'none' ? op.status : op.pendingStatus]),
  );
}

export interface RemovalPlan {
  operations: MemberOperation[];
  /** Clusters that still hold the object (deletion waits for them: NeedsRecheck). */
  remaining: string[];
  /** Clusters that may hold a copy but cannot be read: the pass ends in error, the others proceed. */
  errors: string[];
}

/**
 * Deleting a federated object without orphaning (§7.11 step 5). Unlike KubeFed, which looks only
 * at the clusters the current placement targets, every ready cluster whose cache holds a managed
 * copy loses it: a copy left by an older placement (shrunk and deleted before a pass saw it)
 * would otherwise outlive its federated object, unmanaged. `mayHold` names the clusters that
 * must be readable (the placement's and those the status names): an unready one blocks the
 * deletion until it is ready or removed. The host's own namespace only loses the managed label;
 * when it is already terminating it is not waited for.
 */
export function planDeletion(
  clusters: readonly MemberClusterState[],
  mayHold: Iterable<string>,
  hostNamespaceUid?: string,
): RemovalPlan {
  const plan: RemovalPlan = { operations: [], remaining: [], errors: [] };
  for (const { cluster, observed } of readableClusters(clusters, new Set(mayHold), plan.errors)) {
    const hostNamespace = isHostNamespace(observed, hostNamespaceUid);
    if (hostNamespace && isBeingDeleted(observed)) continue;
    plan.remaining.push(cluster);
    if (isBeingDeleted(observed)) continue;
    plan.operations.push(hostNamespace ? unlabel(cluster, observed) : deletion(cluster));
  }
  return plan;
}

/**
 * Removing the managed label from member objects that stay behind (§7.8 possible orphans,
 * §7.11 orphaning deletion), in every ready cluster whose cache holds a managed copy. Unreadable
 * clusters are errors when `mayHold` names them (default: every cluster, §7.8).
 */
export function planManagedLabelRemoval(
  clusters: readonly MemberClusterState[],
  mayHold?: Iterable<string>,
): RemovalPlan {
  const plan: RemovalPlan = { operations: [], remaining: [], errors: [] };
  const mustRead = mayHold === undefined ? 'all' : new Set(mayHold);
  for (const { cluster, observed } of readableClusters(clusters, mustRead, plan.errors)) {
    if (
      isBeingDeleted(observed) ||
      observed.metadata?.labels?.[MANAGED_LABEL] !== MANAGED_LABEL_TRUE
    ) {
      continue;
    }
    plan.operations.push(unlabel(cluster, observed));
  }
  return plan;
}

/**
 * `Creating ConfigMap "demo/cfg" in cluster "c1"`, reason `CreateInCluster`: KubeFed's Event for
 * one member operation. A pass that runs the same operation in several clusters records one Event
 * naming them all (`in clusters "c1", "c2"`) instead of one per cluster, which would cost the host
 * M Event writes per object and fill `kubectl describe`; failures stay one Event per cluster.
 */
function operationEvent(
  kind: OperationKind,
  target: TargetRef,
  clusters: readonly string[],
): MemberEvent {
  const words = OPERATION_WORDS[kind];
  const where =
    clusters.length === 1
      ? `cluster ${quote(clusters[0] ?? '')}`
      : `clusters ${clusters.map(quote).join(', ')}`;
  return {
    type: 'Normal',
    reason: `${words.reason}InCluster`,
    message: `${words.continuous} ${target.kind} ${quote(target.qualifiedName)} in ${where}`,
  };
}

/** The Events for the operations a pass ran: one per kind, clusters in name order. */
export function operationEvents(
  target: TargetRef,
  attempted: readonly { kind: OperationKind; cluster: string }[],
): MemberEvent[] {
  const byKind = new Map<OperationKind, string[]>();
  for (const { kind, cluster } of attempted) {
    const clusters = byKind.get(kind) ?? [];
    clusters.push(cluster);
    byKind.set(kind, clusters);
  }
  return (Object.keys(OPERATION_WORDS) as OperationKind[])
    .filter((kind) => byKind.has(kind))
    .map((kind) => operationEvent(kind, target, [...(byKind.get(kind) ?? [])].sort()));
}

/** `Failed to create ConfigMap "demo/cfg" in cluster "c1": <error>`, reason `CreateInClusterFailed`. */
export function operationFailedEvent(
  kind: OperationKind,
  target: TargetRef,
  cluster: string,
  error: string,
): MemberEvent {
  return warning(
    `${OPERATION_WORDS[kind].reason}InClusterFailed`,
    failedMessage(kind, target, cluster, error),
  );
}

/** The object carries `kubefed.io/managed: "false"`: KubeFed never touches it. */
function isExplicitlyUnmanaged(obj: KubeObject): boolean {
  return obj.metadata?.labels?.[MANAGED_LABEL] === MANAGED_LABEL_FALSE;
}

/** Namespace type only: the member object is the host cluster's own namespace. */
export function isHostNamespace(obj: KubeObject, hostNamespaceUid: string | undefined): boolean {
  return (
    hostNamespaceUid !== undefined &&
    hostNamespaceUid !== '' &&
    obj.metadata?.uid === hostNamespaceUid
  );
}

// --- internals ---------------------------------------------------------------------------------

const OPERATION_WORDS: Record<OperationKind, { verb: string; continuous: string; reason: string }> =
  {
    create: { verb: 'create', continuous: 'Creating', reason: 'Create' },
    update: { verb: 'update', continuous: 'Updating', reason: 'Update' },
    delete: { verb: 'delete', continuous: 'Deleting', reason: 'Delete' },
    unlabel: {
      verb: 'remove managed label from',
      continuous: 'Removing managed label from',
      reason: 'RemoveManagedLabelFrom',
    },
  };

const missingDesired: RenderResult = {
  ok: false,
  status: 'ComputeResourceFailed',
  error: 'no desired object was computed for this cluster',
  warnings: [],
};

function quote(text: string): string {
  return JSON.stringify(text);
}

function failedMessage(
  kind: OperationKind,
  target: TargetRef,
  cluster: string,
  error: string,
): string {
  const verb = OPERATION_WORDS[kind].verb;
  return `Failed to ${verb} ${target.kind} ${quote(target.qualifiedName)} in cluster ${quote(cluster)}: ${error}`;
}

function warning(reason: string, message: string): MemberEvent {
  return { type: 'Warning', reason, message };
}

function none(
  cluster: string,
  status: ClusterPropagationStatus,
  events: MemberEvent[],
): Extract<MemberOperation, { kind: 'none' }> {
  return { cluster, kind: 'none', status, events };
}

function isBeingDeleted(obj: KubeObject): boolean {
  const stamp: unknown = obj.metadata?.deletionTimestamp;
  return stamp !== undefined && stamp !== null;
}

function versionFor(
  versions: ReadonlyMap<string, string> | { error: string },
  cluster: string,
): string | undefined | { error: string } {
  return 'error' in versions ? versions : versions.get(cluster);
}

function creation(cluster: string, desired: RenderResult, target: TargetRef): MemberOperation {
  if (!desired.ok) {
    return none(cluster, desired.status, [
      operationFailedEvent('create', target, cluster, desired.error),
    ]);
  }
  return {
    cluster,
    kind: 'create',
    object: desired.object,
    pendingStatus: 'CreationTimedOut',
    failureStatus: 'CreationFailed',
  };
}

/** §7.7 Update(C, live), steps 1–5. */
function update(
  cluster: string,
  live: KubeObject,
  desired: RenderResult,
  recorded: string | undefined | { error: string },
  target: TargetRef,
): MemberOperation {
  if (isExplicitlyUnmanaged(live)) {
    return none(cluster, 'ManagedLabelFalse', [
      operationFailedEvent(
        'update',
        target,
        cluster,
        `the object is labelled ${MANAGED_LABEL}: "${MANAGED_LABEL_FALSE}"`,
      ),
    ]);
  }
  if (!desired.ok) {
    return none(cluster, desired.status, [
      operationFailedEvent('update', target, cluster, desired.error),
    ]);
  }
  if (typeof recorded === 'object') {
    return none(cluster, 'VersionRetrievalFailed', [
      operationFailedEvent('update', target, cluster, recorded.error),
    ]);
  }
  if (!objectNeedsUpdate(desired.object, live, recorded)) {
    return none(cluster, '', []);
  }
  return {
    cluster,
    kind: 'update',
    object: desired.object,
    live,
    pendingStatus: 'UpdateTimedOut',
    failureStatus: 'UpdateFailed',
  };
}

function deletion(cluster: string): MemberOperation {
  return {
    cluster,
    kind: 'delete',
    pendingStatus: 'DeletionTimedOut',
    failureStatus: 'DeletionFailed',
  };
}

function unlabel(cluster: string, live: KubeObject): MemberOperation {
  return {
    cluster,
    kind: 'unlabel',
    live,
    pendingStatus: 'LabelRemovalTimedOut',
    failureStatus: 'LabelRemovalFailed',
  };
}

/**
 * Every cluster whose cache holds an object; a cluster that is unready or whose cache failed is
 * an error when `mustRead` names it, and skipped otherwise.
 */
function readableClusters(
  clusters: readonly MemberClusterState[],
  mustRead: ReadonlySet<string> | 'all',
  errors: string[],
): { cluster: string; observed: KubeObject }[] {
  const readable: { cluster: string; observed: KubeObject }[] = [];
  for (const cluster of clusters) {
    const required = mustRead === 'all' || mustRead.has(cluster.name);
    if (!cluster.ready) {
      if (required) errors.push(`cluster ${quote(cluster.name)} is not ready`);
      continue;
    }
    if (cluster.cacheError !== undefined) {
      if (required) {
        errors.push(
          `failed to retrieve object from the cache of cluster ${quote(cluster.name)}: ${cluster.cacheError}`,
        );
      }
      continue;
    }
    if (cluster.observed !== undefined)
      readable.push({ cluster: cluster.name, observed: cluster.observed });
  }
  return readable;
}
