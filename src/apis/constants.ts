// KubeFed's wire vocabulary: every group, name, label, annotation, finalizer, condition and reason
// the control plane reads or writes. These strings are the compatibility contract with KubeFed
// v0.10 (and v0.6.1 for multi-cluster DNS): a Go KubeFed and this one must agree byte for byte.

// --- API groups and versions -------------------------------------------------------------------

export const CORE_GROUP = 'core.kubefed.io';
export const TYPES_GROUP = 'types.kubefed.io';
export const SCHEDULING_GROUP = 'scheduling.kubefed.io';
export const MULTICLUSTER_DNS_GROUP = 'multiclusterdns.kubefed.io';

/** KubeFedCluster, KubeFedConfig, FederatedTypeConfig. */
export const CORE_V1BETA1 = 'core.kubefed.io/v1beta1';
/** PropagatedVersion, ClusterPropagatedVersion, FederatedServiceStatus. */
export const CORE_V1ALPHA1 = 'core.kubefed.io/v1alpha1';
export const SCHEDULING_V1ALPHA1 = 'scheduling.kubefed.io/v1alpha1';
/** v0.6.1 only: Domain, ServiceDNSRecord, IngressDNSRecord, DNSEndpoint. */
export const MULTICLUSTER_DNS_V1ALPHA1 = 'multiclusterdns.kubefed.io/v1alpha1';

// --- Control-plane names -----------------------------------------------------------------------

/** Default KubeFed system namespace ("KFNS"). */
export const DEFAULT_KUBEFED_NAMESPACE = 'kube-federation-system';
/** The one KubeFedConfig the controller-manager reads, in KFNS. */
export const KUBEFED_CONFIG_NAME = 'kubefed';
/** Leader-election lock object, in KFNS. */
export const LEADER_ELECTION_LOCK_NAME = 'kubefed-controller-manager';
/** The admission webhook configurations (spec §11); `-<KFNS>` is appended when namespaced. */
export const VALIDATING_WEBHOOK_CONFIGURATION_NAME = 'validations.core.kubefed.io';
export const MUTATING_WEBHOOK_CONFIGURATION_NAME = 'mutation.core.kubefed.io';

// --- Labels, annotations, finalizers -----------------------------------------------------------

/** Marks member objects KubeFed manages; member informers select `kubefed.io/managed=true`. */
export const MANAGED_LABEL = 'kubefed.io/managed';
export const MANAGED_LABEL_TRUE = 'true';
/** A member object labelled `false` is explicitly unmanaged (status `ManagedLabelFalse`). */
export const MANAGED_LABEL_FALSE = 'false';

/** On a federated object: leave member objects in place (unlabelled) when it is deleted. */
export const ORPHAN_ANNOTATION = 'kubefed.io/orphan';
export const ORPHAN_ANNOTATION_TRUE = 'true';
/** On a federated object: JSON of the metav1.DeleteOptions used for member deletions. */
export const DELETE_OPTIONS_ANNOTATION = 'kubefed.io/deleteoption';

/** Held by every federated object until member objects are removed. */
export const SYNC_CONTROLLER_FINALIZER = 'kubefed.io/sync-controller';
/** Held by every FederatedTypeConfig until its controllers are stopped. */
export const FEDERATED_TYPE_CONFIG_FINALIZER = 'core.kubefed.io/federated-type-config';

/** Put on our own CRDs so they can be listed together; no KubeFed controller reads it. */
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';
export const PART_OF_LABEL_VALUE = 'kubefed';

// --- Cluster credentials -----------------------------------------------------------------------

/** Key of the bearer token in the Secret a KubeFedCluster's `spec.secretRef` names (required). */
export const CLUSTER_SECRET_TOKEN_KEY = 'token';
/** Key `kubefedctl join` reads the member CA from, in the service-account token Secret. */
export const CLUSTER_SECRET_CA_KEY = 'ca.crt';

// --- KubeFedCluster conditions -----------------------------------------------------------------

export const ClusterConditionType = {
  Ready: 'Ready',
  Offline: 'Offline',
  ConfigMalformed: 'ConfigMalformed',
} as const;
export type ClusterConditionType = (typeof ClusterConditionType)[keyof typeof ClusterConditionType];

export const ConditionStatus = {
  True: 'True',
  False: 'False',
  Unknown: 'Unknown',
} as const;
export type ConditionStatus = (typeof ConditionStatus)[keyof typeof ConditionStatus];

/** Reasons the health checker writes (spec §2.1). */
export const ClusterConditionReason = {
  Ready: 'ClusterReady',
  NotReady: 'ClusterNotReady',
  Reachable: 'ClusterReachable',
  NotReachable: 'ClusterNotReachable',
  ConfigMalformed: 'ClusterConfigMalformed',
} as const;
export type ClusterConditionReason =
  (typeof ClusterConditionReason)[keyof typeof ClusterConditionReason];

/** Messages paired with the reasons above; `NotReachable` is completed by the probe error. */
export const ClusterConditionMessage = {
  Ready: '/healthz responded with ok',
  NotReady: '/healthz responded without ok',
  Reachable: 'cluster is reachable',
  NotReachable: 'cluster is not reachable',
  ConfigMalformed: "cluster's configuration may be malformed",
} as const;

/** `cluster is not reachable: <err>`. */
export function clusterNotReachableMessage(error: string): string {
  return `${ClusterConditionMessage.NotReachable}: ${error}`;
}

/** Values of `spec.disabledTLSValidations`; `*` must be the only entry when present. */
export const TLSValidation = {
  All: '*',
  SubjectName: 'SubjectName',
  ValidityPeriod: 'ValidityPeriod',
} as const;
export type TLSValidation = (typeof TLSValidation)[keyof typeof TLSValidation];

// --- Federated object status -------------------------------------------------------------------

/** The single condition type on federated objects. */
export const PROPAGATION_CONDITION_TYPE = 'Propagation';

/**
 * Per-cluster propagation status codes (`status.clusters[].status`). Success is the empty string,
 * which is omitted on the wire, so it is not one of these.
 */
export const PROPAGATION_STATUS_CODES = [
  'WaitingForRemoval',
  'ClusterNotReady',
  'CachedRetrievalFailed',
  'ComputeResourceFailed',
  'ApplyOverridesFailed',
  'CreationFailed',
  'UpdateFailed',
  'DeletionFailed',
  'LabelRemovalFailed',
  'RetrievalFailed',
  'AlreadyExists',
  'FieldRetentionFailed',
  'VersionRetrievalFailed',
  'ClientRetrievalFailed',
  'ManagedLabelFalse',
  'CreationTimedOut',
  'UpdateTimedOut',
  'DeletionTimedOut',
  'LabelRemovalTimedOut',
  // kubefed-ts, additive: the member object was rewritten with the same content over and over
  // while something in the member changed it back; writes stop until the federated object changes.
  'UpdateLoopDetected',
] as const;
export type PropagationStatusCode = (typeof PROPAGATION_STATUS_CODES)[number];

/** Codes that mean "retrying may help": a reconcile that produced one ends in error backoff. */
const RECOVERABLE_PROPAGATION_STATUS_CODES: ReadonlySet<PropagationStatusCode> = new Set([
  'CreationFailed',
  'UpdateFailed',
  'DeletionFailed',
  'LabelRemovalFailed',
  'RetrievalFailed',
  'ClientRetrievalFailed',
  'CreationTimedOut',
  'UpdateTimedOut',
  'DeletionTimedOut',
  'LabelRemovalTimedOut',
]);

export function isRecoverablePropagationStatus(code: PropagationStatusCode): boolean {
  return RECOVERABLE_PROPAGATION_STATUS_CODES.has(code);
}

/**
 * Reasons of the `Propagation` condition when it is `False`. Success is the empty reason (condition
 * `True`), omitted on the wire.
 */
export const AGGREGATE_REASONS = [
  'CheckClusters',
  'ClusterRetrievalFailed',
  'ComputePlacementFailed',
  'NamespaceNotFederated',
] as const;
export type AggregateReason = (typeof AGGREGATE_REASONS)[number];

// --- KubeFedConfig vocabulary ------------------------------------------------------------------

/**
 * A resource's scope (`APIResource.scope`) and, with the same strings, the scope of the control
 * plane (`KubeFedConfig.spec.scope`: `Namespaced` limits it to KFNS).
 */
export const ResourceScope = {
  Cluster: 'Cluster',
  Namespaced: 'Namespaced',
} as const;
export type ResourceScope = (typeof ResourceScope)[keyof typeof ResourceScope];

/** `Enabled`/`Disabled`: feature-gate configuration, adoptResources, propagation, statusCollection. */
export const Toggle = {
  Enabled: 'Enabled',
  Disabled: 'Disabled',
} as const;
export type Toggle = (typeof Toggle)[keyof typeof Toggle];

/** FederatedTypeConfig `status.propagationController` / `status.statusController`. */
export const ControllerStatus = {
  Running: 'Running',
  NotRunning: 'NotRunning',
} as const;
export type ControllerStatus = (typeof ControllerStatus)[keyof typeof ControllerStatus];

export const ResourceLock = {
  ConfigMaps: 'configmaps',
  Endpoints: 'endpoints',
} as const;
export type ResourceLock = (typeof ResourceLock)[keyof typeof ResourceLock];

export const FeatureGate = {
  PushReconciler: 'PushReconciler',
  SchedulerPreferences: 'SchedulerPreferences',
  RawResourceStatusCollection: 'RawResourceStatusCollection',
  /** v0.6.1 only: ServiceDNS and service DNSEndpoint controllers. */
  CrossClusterServiceDiscovery: 'CrossClusterServiceDiscovery',
  /** v0.6.1 only: IngressDNS and ingress DNSEndpoint controllers. */
  FederatedIngress: 'FederatedIngress',
} as const;
export type FeatureGate = (typeof FeatureGate)[keyof typeof FeatureGate];

/**
 * Gates defaulting completes a KubeFedConfig with (v0.10 set, sorted by name). The two v0.6.1 DNS
 * gates are accepted by validation but not added: absent means disabled.
 */
export const DEFAULT_FEATURE_GATES: readonly { name: FeatureGate; enabled: boolean }[] = [
  { name: FeatureGate.PushReconciler, enabled: true },
  { name: FeatureGate.RawResourceStatusCollection, enabled: false },
  { name: FeatureGate.SchedulerPreferences, enabled: true },
];

/** Every gate name a KubeFedConfig may carry. */
export const KNOWN_FEATURE_GATES: readonly FeatureGate[] = Object.values(FeatureGate);

/**
 * Event reason (ours, KubeFed has none) on a KubeFedConfig or FederatedTypeConfig whose setting is
 * valid but has no effect here, so that it is never accepted in silence.
 */
export const SETTING_HAS_NO_EFFECT = 'SettingHasNoEffect';

// --- Naming ------------------------------------------------------------------------------------

/**
 * Namespaces the FederatedNamespace sync never touches (besides KFNS itself, see
 * {@link systemNamespaces}).
 */
const BUILTIN_SYSTEM_NAMESPACES: readonly string[] = ['kube-system', 'kube-public', 'default'];

/** Namespaces never federated by the namespace type: the built-in ones plus KFNS. */
export function systemNamespaces(kubefedNamespace: string): ReadonlySet<string> {
  return new Set([...BUILTIN_SYSTEM_NAMESPACES, kubefedNamespace]);
}

/**
 * KubeFed's default plural of a kind: lower-case it; after `s`, `x`, `ch`, `sh`, `z` or `o` append
 * `es`; after `y` replace it by `ies`; else append `s`. Deliberately naive (`Quiz` → `quizes`,
 * `Key` → `keies`): it must match what KubeFed computed, not English.
 */
export function pluralName(kind: string): string {
  const lower = kind.toLowerCase();
  if (/(s|x|ch|sh|z|o)$/.test(lower)) return `${lower}es`;
  if (lower.endsWith('y')) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/**
 * `<plural>` for the core group, else `<plural>.<group>`: how a FederatedTypeConfig must be named
 * for its target type (`configmaps`, `deployments.apps`).
 */
export function groupQualifiedName(resource: { pluralName: string; group?: string }): string {
  return resource.group ? `${resource.pluralName}.${resource.group}` : resource.pluralName;
}

/** `<lower-case target kind>-<federated object name>`, e.g. `deployment-web`. */
export function propagatedVersionName(targetKind: string, federatedName: string): string {
  return `${targetKind.toLowerCase()}-${federatedName}`;
}
