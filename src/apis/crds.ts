// The one source of truth for the CRDs of KubeFed's own kinds; `npm run generate` writes them to
// config/crds/. Federated types (types.kubefed.io) are generated per target type elsewhere.
import {
  clusterPropagatedVersionCRD,
  federatedServiceStatusCRD,
  federatedTypeConfigCRD,
  kubeFedClusterCRD,
  kubeFedConfigCRD,
  propagatedVersionCRD,
} from './crds/core.ts';
import { dnsEndpointCRD, domainCRD, ingressDNSRecordCRD, serviceDNSRecordCRD } from './crds/dns.ts';
import type { CustomResourceDefinition } from './crds/openapi.ts';
import { replicaSchedulingPreferenceCRD } from './crds/scheduling.ts';

export type {
  CustomResourceDefinition,
  CustomResourceDefinitionVersion,
  JSONSchemaProps,
  PrinterColumn,
} from './crds/openapi.ts';

/** Every CRD of KubeFed's own kinds, in a stable order (core, scheduling, DNS). */
export function kubefedCRDs(): CustomResourceDefinition[] {
  return [
    kubeFedClusterCRD(),
    kubeFedConfigCRD(),
    federatedTypeConfigCRD(),
    propagatedVersionCRD(),
    clusterPropagatedVersionCRD(),
    federatedServiceStatusCRD(),
    replicaSchedulingPreferenceCRD(),
    domainCRD(),
    serviceDNSRecordCRD(),
    ingressDNSRecordCRD(),
    dnsEndpointCRD(),
  ];
}
