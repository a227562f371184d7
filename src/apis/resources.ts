// How to address each of KubeFed's own kinds: the names the CRDs declare (they are built from
// these), so a client and the installed CRDs cannot disagree.
import { CORE_GROUP, MULTICLUSTER_DNS_GROUP, SCHEDULING_GROUP } from './constants.ts';

/** A KubeFed kind and its REST resource; shaped like the client layer's resource references. */
export interface KubeFedResource {
  group: string;
  version: string;
  kind: string;
  /** Lower-case plural resource name. */
  resource: string;
  namespaced: boolean;
  shortNames: readonly string[];
}

export const kubeFedClustersResource: KubeFedResource = {
  group: CORE_GROUP,
  version: 'v1beta1',
  kind: 'KubeFedCluster',
  resource: 'kubefedclusters',
  namespaced: true,
  shortNames: ['kfc'],
};

export const kubeFedConfigsResource: KubeFedResource = {
  group: CORE_GROUP,
  version: 'v1beta1',
  kind: 'KubeFedConfig',
  resource: 'kubefedconfigs',
  namespaced: true,
  shortNames: [],
};

export const federatedTypeConfigsResource: KubeFedResource = {
  group: CORE_GROUP,
  version: 'v1beta1',
  kind: 'FederatedTypeConfig',
  resource: 'federatedtypeconfigs',
  namespaced: true,
  shortNames: ['ftc'],
};

/** Recorded versions of a namespaced federated object (FederatedNamespace included). */
export const propagatedVersionsResource: KubeFedResource = {
  group: CORE_GROUP,
  version: 'v1alpha1',
  kind: 'PropagatedVersion',
  resource: 'propagatedversions',
  namespaced: true,
  shortNames: [],
};

/** Recorded versions of a cluster-scoped federated object (e.g. FederatedClusterRole). */
export const clusterPropagatedVersionsResource: KubeFedResource = {
  group: CORE_GROUP,
  version: 'v1alpha1',
  kind: 'ClusterPropagatedVersion',
  resource: 'clusterpropagatedversions',
  namespaced: false,
  shortNames: [],
};

export const federatedServiceStatusesResource: KubeFedResource = {
  group: CORE_GROUP,
  version: 'v1alpha1',
  kind: 'FederatedServiceStatus',
  resource: 'federatedservicestatuses',
  namespaced: true,
  shortNames: [],
};

export const replicaSchedulingPreferencesResource: KubeFedResource = {
  group: SCHEDULING_GROUP,
  version: 'v1alpha1',
  kind: 'ReplicaSchedulingPreference',
  resource: 'replicaschedulingpreferences',
  namespaced: true,
  shortNames: ['rsp'],
};

export const domainsResource: KubeFedResource = {
  group: MULTICLUSTER_DNS_GROUP,
  version: 'v1alpha1',
  kind: 'Domain',
  resource: 'domains',
  namespaced: true,
  shortNames: [],
};

export const serviceDNSRecordsResource: KubeFedResource = {
  group: MULTICLUSTER_DNS_GROUP,
  version: 'v1alpha1',
  kind: 'ServiceDNSRecord',
  resource: 'servicednsrecords',
  namespaced: true,
  shortNames: [],
};

export const ingressDNSRecordsResource: KubeFedResource = {
  group: MULTICLUSTER_DNS_GROUP,
  version: 'v1alpha1',
  kind: 'IngressDNSRecord',
  resource: 'ingressdnsrecords',
  namespaced: true,
  shortNames: [],
};

export const dnsEndpointsResource: KubeFedResource = {
  group: MULTICLUSTER_DNS_GROUP,
  version: 'v1alpha1',
  kind: 'DNSEndpoint',
  resource: 'dnsendpoints',
  namespaced: true,
  shortNames: [],
};
