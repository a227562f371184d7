// One valid object of each KubeFed kind, and objects the CRD schemas must refuse, for tests that
// apply them to a real apiserver. Invalid samples only break fields validated on create: a status
// sent with a create is dropped when the kind has a status subresource, so it proves nothing.
import {
  CORE_V1ALPHA1,
  CORE_V1BETA1,
  MULTICLUSTER_DNS_V1ALPHA1,
  SCHEDULING_V1ALPHA1,
} from './constants.ts';
import { defaultKubeFedConfig } from './kubefedconfig.ts';
import type {
  DNSEndpoint,
  Domain,
  FederatedServiceStatus,
  FederatedTypeConfig,
  IngressDNSRecord,
  KubeFedCluster,
  PropagatedVersion,
  ReplicaSchedulingPreference,
  ServiceDNSRecord,
} from './types.ts';
import type { KubeObject } from '../json/object.ts';

export interface InvalidSample {
  /** What the schema must object to. */
  why: string;
  object: KubeObject;
}

/** A valid object of every KubeFed kind; namespaced ones in `namespace`. */
export function sampleObjects(namespace: string): KubeObject[] {
  const cluster: KubeFedCluster = {
    apiVersion: CORE_V1BETA1,
    kind: 'KubeFedCluster',
    metadata: { name: 'sample-cluster', namespace },
    spec: {
      apiEndpoint: 'https://127.0.0.1:6443',
      caBundle: Buffer.from('not a real CA').toString('base64'),
      secretRef: { name: 'sample-cluster-token' },
      disabledTLSValidations: ['SubjectName'],
      proxyURL: '',
    },
  };
  const typeConfig: FederatedTypeConfig = {
    apiVersion: CORE_V1BETA1,
    kind: 'FederatedTypeConfig',
    metadata: { name: 'deployments.apps', namespace },
    spec: {
      targetType: {
        group: 'apps',
        version: 'v1',
        kind: 'Deployment',
        pluralName: 'deployments',
        scope: 'Namespaced',
      },
      propagation: 'Enabled',
      federatedType: {
        group: 'types.kubefed.io',
        version: 'v1beta1',
        kind: 'FederatedDeployment',
        pluralName: 'federateddeployments',
        scope: 'Namespaced',
      },
    },
  };
  const versionStatus = {
    templateVersion: '',
    overridesVersion: '',
    clusterVersions: [{ clusterName: 'member1', version: 'gen:1' }],
  };
  const propagatedVersion: PropagatedVersion = {
    apiVersion: CORE_V1ALPHA1,
    kind: 'PropagatedVersion',
    metadata: { name: 'deployment-sample', namespace },
    status: versionStatus,
  };
  const clusterPropagatedVersion: PropagatedVersion = {
    apiVersion: CORE_V1ALPHA1,
    kind: 'ClusterPropagatedVersion',
    metadata: { name: `clusterrole-sample-${namespace}` },
    status: versionStatus,
  };
  const serviceStatus: FederatedServiceStatus = {
    apiVersion: CORE_V1ALPHA1,
    kind: 'FederatedServiceStatus',
    metadata: { name: 'sample-service', namespace },
    clusterStatus: [
      { clusterName: 'member1', status: { loadBalancer: { ingress: [{ ip: '10.0.0.1' }] } } },
    ],
  };
  const preference: ReplicaSchedulingPreference = {
    apiVersion: SCHEDULING_V1ALPHA1,
    kind: 'ReplicaSchedulingPreference',
    metadata: { name: 'sample-deployment', namespace },
    spec: {
      targetKind: 'FederatedDeployment',
      totalReplicas: 10,
      rebalance: true,
      intersectWithClusterSelector: false,
      clusters: { '*': { weight: 1 }, member1: { minReplicas: 2, maxReplicas: 6, weight: 2 } },
    },
  };
  const domain: Domain = {
    apiVersion: MULTICLUSTER_DNS_V1ALPHA1,
    kind: 'Domain',
    metadata: { name: 'sample-federation', namespace },
    domain: 'example.com',
    nameServer: 'ns1.example.com',
  };
  const serviceRecord: ServiceDNSRecord = {
    apiVersion: MULTICLUSTER_DNS_V1ALPHA1,
    kind: 'ServiceDNSRecord',
    metadata: { name: 'sample-service', namespace },
    spec: { domainRef: 'sample-federation', recordTTL: 300, dnsPrefix: 'www' },
  };
  const ingressRecord: IngressDNSRecord = {
    apiVersion: MULTICLUSTER_DNS_V1ALPHA1,
    kind: 'IngressDNSRecord',
    metadata: { name: 'sample-ingress', namespace },
    spec: { hosts: ['www.example.com'], recordTTL: 300 },
  };
  const endpoint: DNSEndpoint = {
    apiVersion: MULTICLUSTER_DNS_V1ALPHA1,
    kind: 'DNSEndpoint',
    metadata: { name: 'service-sample-service', namespace },
    spec: {
      endpoints: [
        {
          dnsName: 'sample-service.ns.sample-federation.svc.example.com',
          targets: ['10.0.0.1'],
          recordType: 'A',
          recordTTL: 300,
          labels: { owner: 'kubefed' },
        },
      ],
    },
  };
  return [
    cluster,
    defaultKubeFedConfig(namespace, 'Namespaced'),
    typeConfig,
    propagatedVersion,
    clusterPropagatedVersion,
    serviceStatus,
    preference,
    domain,
    serviceRecord,
    ingressRecord,
    endpoint,
  ];
}

/** Objects the schemas must refuse on create, each with the reason. */
export function invalidSamples(namespace: string): InvalidSample[] {
  const valid = sampleObjects(namespace);
  const samples: InvalidSample[] = [];
  /** Adds a copy of the valid sample of `kind`, broken by `breakIt` and renamed to be unique. */
  const broken = (kind: string, why: string, breakIt: (object: JsonObject) => void): void => {
    const template = valid.find((object) => object.kind === kind);
    if (!template) throw new Error(`no valid sample of kind ${kind}`);
    const object = structuredClone(template);
    object.metadata = { ...object.metadata, name: `invalid-${samples.length}` };
    breakIt(object);
    samples.push({ why, object });
  };

  broken('KubeFedCluster', 'spec is required', (o) => delete o['spec']);
  broken('KubeFedCluster', 'spec.apiEndpoint is required', (o) => delete spec(o)['apiEndpoint']);
  broken('KubeFedCluster', 'spec.secretRef.name is required', (o) => {
    spec(o)['secretRef'] = {};
  });
  broken('KubeFedCluster', 'spec.disabledTLSValidations entries are an enum', (o) => {
    spec(o)['disabledTLSValidations'] = ['Everything'];
  });
  broken('KubeFedCluster', 'spec.caBundle is base64', (o) => {
    spec(o)['caBundle'] = 'not base64!';
  });

  broken('KubeFedConfig', 'spec.scope is required', (o) => delete spec(o)['scope']);
  broken('KubeFedConfig', 'spec.scope is Cluster or Namespaced', (o) => {
    spec(o)['scope'] = 'Global';
  });
  broken('KubeFedConfig', 'spec.leaderElect.resourceLock is configmaps or endpoints', (o) => {
    spec(o)['leaderElect'] = { resourceLock: 'leases' };
  });
  broken('KubeFedConfig', 'spec.featureGates[].configuration is Enabled or Disabled', (o) => {
    spec(o)['featureGates'] = [{ name: 'PushReconciler', configuration: 'On' }];
  });
  broken('KubeFedConfig', 'spec.featureGates[].name is a known gate', (o) => {
    spec(o)['featureGates'] = [{ name: 'NoSuchGate', configuration: 'Enabled' }];
  });
  broken('KubeFedConfig', 'spec.syncController.adoptResources is Enabled or Disabled', (o) => {
    spec(o)['syncController'] = { adoptResources: 'Maybe' };
  });
  broken('KubeFedConfig', 'spec.clusterHealthCheck.failureThreshold is an integer', (o) => {
    spec(o)['clusterHealthCheck'] = { failureThreshold: 'three' };
  });

  broken('FederatedTypeConfig', 'spec is required', (o) => delete o['spec']);
  broken('FederatedTypeConfig', 'spec.propagation is required', (o) => {
    delete spec(o)['propagation'];
  });
  broken('FederatedTypeConfig', 'spec.propagation is Enabled or Disabled', (o) => {
    spec(o)['propagation'] = 'Sometimes';
  });
  broken('FederatedTypeConfig', 'spec.targetType.pluralName is required', (o) => {
    delete field(spec(o), 'targetType')['pluralName'];
  });
  broken('FederatedTypeConfig', 'spec.federatedType.scope is Cluster or Namespaced', (o) => {
    field(spec(o), 'federatedType')['scope'] = 'Global';
  });
  broken('FederatedTypeConfig', 'spec.statusCollection is Enabled or Disabled', (o) => {
    spec(o)['statusCollection'] = 'Always';
  });

  broken('FederatedServiceStatus', 'clusterStatus[].clusterName is required', (o) => {
    o['clusterStatus'] = [{ status: {} }];
  });

  broken('ReplicaSchedulingPreference', 'spec.targetKind is required', (o) => {
    delete spec(o)['targetKind'];
  });
  broken('ReplicaSchedulingPreference', 'spec.totalReplicas is required', (o) => {
    delete spec(o)['totalReplicas'];
  });
  broken('ReplicaSchedulingPreference', 'spec.clusters values are objects', (o) => {
    spec(o)['clusters'] = { member1: 3 };
  });

  broken('Domain', 'domain is required', (o) => delete o['domain']);
  broken('ServiceDNSRecord', 'spec.domainRef is required', (o) => delete spec(o)['domainRef']);
  broken('IngressDNSRecord', 'spec.hosts is a list', (o) => {
    spec(o)['hosts'] = 'www.example.com';
  });
  broken('DNSEndpoint', 'spec.endpoints[].labels values are strings', (o) => {
    spec(o)['endpoints'] = [{ dnsName: 'a.example.com', labels: { weight: 3 } }];
  });
  return samples;
}

type JsonObject = Record<string, unknown>;

function spec(object: JsonObject): JsonObject {
  return field(object, 'spec');
}

function field(object: JsonObject, name: string): JsonObject {
  const value = object[name];
  if (typeof value !== 'object' || value === null) throw new Error(`sample has no object ${name}`);
  return value as JsonObject;
}
