// Wire shapes of KubeFed's own kinds. Objects travel as plain JSON; these interfaces name the fields
// KubeFed reads and writes. Objects, specs and statuses keep an index signature so a field added by
// a newer KubeFed (or by a user) survives a read-modify-write. Optional (`?`) means the field may be
// absent on the wire (Go `omitempty` or a pointer), not that it has a default.
import type {
  AggregateReason,
  ClusterConditionType,
  ConditionStatus,
  ControllerStatus,
  PropagationStatusCode,
  ResourceLock,
  ResourceScope,
  TLSValidation,
  Toggle,
} from './constants.ts';
import type { KubeObject } from '../json/object.ts';

export interface LabelSelectorRequirement {
  key: string;
  /** `In`, `NotIn`, `Exists`, `DoesNotExist`. */
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** core/v1 LoadBalancerStatus, as far as KubeFed reads it. */
export interface LoadBalancerStatus {
  ingress?: { ip?: string; hostname?: string; [key: string]: unknown }[];
  [key: string]: unknown;
}

// --- core.kubefed.io/v1beta1 KubeFedCluster ----------------------------------------------------

export interface KubeFedClusterSpec {
  /** `host`, `host:port`, `IP`, `IP:port` or a URL; the scheme defaults to https. */
  apiEndpoint: string;
  /** Base64 PEM bundle of the member API server's CA. */
  caBundle?: string;
  /** Secret in KFNS holding the bearer token under key `token`. */
  secretRef: { name: string };
  disabledTLSValidations?: TLSValidation[];
  /** Always serialised by Go (no omitempty), possibly as `""`. */
  proxyURL?: string;
  [key: string]: unknown;
}

export interface ClusterCondition {
  type: ClusterConditionType;
  status: ConditionStatus;
  lastProbeTime: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
  [key: string]: unknown;
}

export interface KubeFedClusterStatus {
  conditions: ClusterCondition[];
  /** Member `/version` gitVersion, set only while Ready. */
  kubernetesVersion?: string;
  /** v0.6.1 with CrossClusterServiceDiscovery only. */
  zones?: string[];
  /** v0.6.1 with CrossClusterServiceDiscovery only. */
  region?: string;
  [key: string]: unknown;
}

export interface KubeFedCluster extends KubeObject {
  spec: KubeFedClusterSpec;
  status?: KubeFedClusterStatus;
}

// --- core.kubefed.io/v1beta1 KubeFedConfig -----------------------------------------------------

/** Durations are Go `time.Duration` strings (`"20s"`, `"1m0s"`), see `duration.ts`. */
export interface ControllerDurationConfig {
  availableDelay?: string;
  unavailableDelay?: string;
  cacheSyncTimeout?: string;
  [key: string]: unknown;
}

export interface LeaderElectConfig {
  leaseDuration?: string;
  renewDeadline?: string;
  retryPeriod?: string;
  resourceLock?: ResourceLock;
  [key: string]: unknown;
}

export interface FeatureGateConfig {
  name: string;
  configuration: Toggle;
  [key: string]: unknown;
}

export interface ClusterHealthCheckConfig {
  period?: string;
  failureThreshold?: number;
  successThreshold?: number;
  timeout?: string;
  [key: string]: unknown;
}

export interface SyncControllerConfig {
  maxConcurrentReconciles?: number;
  adoptResources?: Toggle;
  [key: string]: unknown;
}

export interface StatusControllerConfig {
  maxConcurrentReconciles?: number;
  [key: string]: unknown;
}

export interface KubeFedConfigSpec {
  scope: ResourceScope;
  controllerDuration?: ControllerDurationConfig;
  leaderElect?: LeaderElectConfig;
  featureGates?: FeatureGateConfig[];
  clusterHealthCheck?: ClusterHealthCheckConfig;
  syncController?: SyncControllerConfig;
  statusController?: StatusControllerConfig;
  [key: string]: unknown;
}

/** No status: the mutating webhook fills the spec's defaults. */
export interface KubeFedConfig extends KubeObject {
  spec: KubeFedConfigSpec;
}

// --- core.kubefed.io/v1beta1 FederatedTypeConfig -----------------------------------------------

export interface APIResource {
  /** Empty or absent for the core group. */
  group?: string;
  version: string;
  kind: string;
  pluralName: string;
  scope: ResourceScope;
  [key: string]: unknown;
}

export interface FederatedTypeConfigSpec {
  targetType: APIResource;
  propagation: Toggle;
  federatedType: APIResource;
  /** Only for the legacy FederatedServiceStatus controller. */
  statusType?: APIResource;
  statusCollection?: Toggle;
  [key: string]: unknown;
}

export interface FederatedTypeConfigStatus {
  observedGeneration: number;
  propagationController: ControllerStatus;
  statusController?: ControllerStatus;
  [key: string]: unknown;
}

export interface FederatedTypeConfig extends KubeObject {
  spec: FederatedTypeConfigSpec;
  status?: FederatedTypeConfigStatus;
}

// --- core.kubefed.io/v1alpha1 PropagatedVersion / ClusterPropagatedVersion ---------------------

export interface ClusterObjectVersion {
  clusterName: string;
  /** `gen:<generation>` or `rv:<resourceVersion>`. */
  version: string;
}

export interface PropagatedVersionStatus {
  /** Hash of the federated object's `spec.template`; may be `""`. */
  templateVersion: string;
  /** Hash of `spec.overrides`; may be `""`. */
  overridesVersion: string;
  /** Sorted by clusterName (byte order). */
  clusterVersions?: ClusterObjectVersion[];
  [key: string]: unknown;
}

/** Also the shape of a ClusterPropagatedVersion (cluster-scoped); neither has a spec. */
export interface PropagatedVersion extends KubeObject {
  status?: PropagatedVersionStatus;
}

// --- core.kubefed.io/v1alpha1 FederatedServiceStatus -------------------------------------------

export interface FederatedServiceClusterStatus {
  clusterName: string;
  /** The member Service's core/v1 ServiceStatus, copied as is. */
  status: Record<string, unknown>;
}

/** Top-level `clusterStatus`, no spec or status. */
export interface FederatedServiceStatus extends KubeObject {
  clusterStatus?: FederatedServiceClusterStatus[];
}

// --- types.kubefed.io/v1beta1 Federated<Kind> --------------------------------------------------

export interface Placement {
  /** When present (even empty) it wins over clusterSelector. */
  clusters?: { name: string; [key: string]: unknown }[];
  clusterSelector?: LabelSelector;
  [key: string]: unknown;
}

export interface ClusterOverride {
  /** `add`, `remove` or `replace` (the default when absent or empty). */
  op?: string;
  /** JSON pointer into the member object. */
  path: string;
  value?: unknown;
}

export interface ClusterOverrides {
  clusterName: string;
  clusterOverrides?: ClusterOverride[];
}

export interface FederatedObjectSpec {
  /** The target object minus apiVersion/kind/status; of its metadata only labels are honoured. */
  template?: Record<string, unknown>;
  placement?: Placement;
  overrides?: ClusterOverrides[];
  /** Only on types whose template has an int32 `spec.replicas`. */
  retainReplicas?: boolean;
  [key: string]: unknown;
}

export interface PropagationCondition {
  type: 'Propagation';
  status: 'True' | 'False';
  /** Absent on success. */
  reason?: AggregateReason;
  /** kubefed-ts, additive: what is wrong with the object's spec, and how to fix it. */
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  [key: string]: unknown;
}

export interface PropagationClusterStatus {
  name: string;
  /** Absent when propagation to this cluster succeeded. */
  status?: PropagationStatusCode;
  /** The member object's `.status`, with RawResourceStatusCollection only. */
  remoteStatus?: unknown;
  [key: string]: unknown;
}

/**
 * kubefed-ts, additive: the `Ready` condition of a workload type (Deployment, ReplicaSet,
 * StatefulSet, DaemonSet, Job): True when the workload is ready (Job: complete) in every cluster
 * it is placed in. KubeFed clients ignore it; kstatus-style tools read it.
 */
export interface WorkloadReadyCondition {
  type: 'Ready';
  status: 'True' | 'False';
  /** `WorkloadReady`, `ClustersNotReady`, `JobFailed`, `NotPlaced`. */
  reason: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  [key: string]: unknown;
}

/**
 * kubefed-ts, additive: a workload's counts. Replica kinds fill the replica counts (DaemonSet:
 * desired/updated/ready/available number scheduled); Job fills completions/succeeded/failed/active.
 */
export interface WorkloadCounts {
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  completions?: number;
  succeeded?: number;
  failed?: number;
  active?: number;
}

/** kubefed-ts, additive: one member cluster's workload in `status.workload.clusters[]`. */
export interface ClusterWorkloadStatus extends WorkloadCounts {
  name: string;
  /** Ready (Job: complete) in this cluster. */
  ready: boolean;
  /** Why not ready: `ClusterNotReady`, `NotFound`, `Progressing`, `JobFailed`. */
  reason?: string;
  [key: string]: unknown;
}

/** kubefed-ts, additive: `status.workload`, the aggregate over the clusters the object is placed in (the counts summed). */
export interface WorkloadStatus extends WorkloadCounts {
  /** `ready/desired` replicas summed over the clusters (Job: `succeeded/completions`); printer column READY (Job: COMPLETIONS). */
  ready: string;
  /** `clusters ready/clusters placed`; printer column CLUSTERS. */
  readyClusters: string;
  /** Sorted by name: every placed cluster. */
  clusters: ClusterWorkloadStatus[];
  [key: string]: unknown;
}

export interface FederatedObjectStatus {
  observedGeneration?: number;
  /** `Propagation` (KubeFed) and, for workload types, `Ready` (kubefed-ts). */
  conditions?: (PropagationCondition | WorkloadReadyCondition)[];
  clusters?: PropagationClusterStatus[];
  /** kubefed-ts, additive: workload types only. */
  workload?: WorkloadStatus;
  [key: string]: unknown;
}

/** Any generated federated type (`FederatedDeployment`, `FederatedNamespace`, ...). */
export interface FederatedObject extends KubeObject {
  spec: FederatedObjectSpec;
  status?: FederatedObjectStatus;
}

// --- scheduling.kubefed.io/v1alpha1 ReplicaSchedulingPreference --------------------------------

export interface ClusterPreferences {
  /** Default 0. */
  minReplicas?: number;
  /** Unbounded when absent. */
  maxReplicas?: number;
  /** Default 0. */
  weight?: number;
  [key: string]: unknown;
}

export interface ReplicaSchedulingPreferenceSpec {
  /** Federated kind of the same-named target: `FederatedDeployment` or `FederatedReplicaSet`. */
  targetKind: string;
  totalReplicas: number;
  rebalance?: boolean;
  /** Always serialised by Go; absent reads as false. */
  intersectWithClusterSelector?: boolean;
  /** Cluster name (or `*` for every other cluster) → preferences; empty ⇒ `{"*": {weight: 1}}`. */
  clusters?: Record<string, ClusterPreferences>;
  [key: string]: unknown;
}

export interface ReplicaSchedulingPreference extends KubeObject {
  spec: ReplicaSchedulingPreferenceSpec;
  /** Always empty; never written. */
  status?: Record<string, never>;
}

// --- multiclusterdns.kubefed.io/v1alpha1 (v0.6.1) ----------------------------------------------

/** Top-level fields, no spec. Its name is the federation-name part of generated DNS names. */
export interface Domain extends KubeObject {
  domain: string;
  nameServer?: string;
}

export interface ServiceDNSRecordSpec {
  /** Name of a Domain in KFNS. */
  domainRef: string;
  /** Seconds; 0 or absent means 180. */
  recordTTL?: number;
  dnsPrefix?: string;
  externalName?: string;
  allowServiceWithoutEndpoints?: boolean;
  [key: string]: unknown;
}

export interface ClusterDNS {
  cluster?: string;
  loadBalancer: LoadBalancerStatus;
  zones?: string[];
  region?: string;
  [key: string]: unknown;
}

export interface ServiceDNSRecordStatus {
  domain?: string;
  /** Sorted by cluster. */
  dns?: ClusterDNS[];
  [key: string]: unknown;
}

export interface ServiceDNSRecord extends KubeObject {
  spec: ServiceDNSRecordSpec;
  status?: ServiceDNSRecordStatus;
}

export interface IngressDNSRecordSpec {
  hosts?: string[];
  /** Seconds; 0 or absent means 180. */
  recordTTL?: number;
  [key: string]: unknown;
}

export interface ClusterIngressDNS {
  cluster?: string;
  loadBalancer: LoadBalancerStatus;
  [key: string]: unknown;
}

export interface IngressDNSRecordStatus {
  /** Sorted by cluster. */
  dns?: ClusterIngressDNS[];
  [key: string]: unknown;
}

export interface IngressDNSRecord extends KubeObject {
  spec: IngressDNSRecordSpec;
  status?: IngressDNSRecordStatus;
}

/** external-dns's Endpoint; every field is omitted when empty. */
export interface DNSEndpointRecord {
  dnsName?: string;
  targets?: string[];
  /** KubeFed writes `A` or `CNAME`. */
  recordType?: string;
  recordTTL?: number;
  labels?: Record<string, string>;
  [key: string]: unknown;
}

export interface DNSEndpoint extends KubeObject {
  spec: { endpoints?: DNSEndpointRecord[]; [key: string]: unknown };
  /** Never written by KubeFed. */
  status?: { observedGeneration?: number; [key: string]: unknown };
}
