// CRDs of multiclusterdns.kubefed.io as KubeFed v0.6.1 shipped them (the last release with
// multi-cluster DNS), served through apiextensions.k8s.io/v1. None has a short name; all but
// Domain have a status subresource.
import {
  dnsEndpointsResource,
  domainsResource,
  ingressDNSRecordsResource,
  serviceDNSRecordsResource,
} from '../resources.ts';
import * as schema from './openapi.ts';
import type { CustomResourceDefinition, JSONSchemaProps } from './openapi.ts';

/** core/v1 LoadBalancerStatus as the DNS records keep it: IPs and hostnames only. */
function loadBalancerSchema(description: string): JSONSchemaProps {
  return schema.object(
    {
      ingress: schema.arrayOf(schema.object({ ip: schema.string(), hostname: schema.string() })),
    },
    { description },
  );
}

const recordTTL = schema.int64('TTL of the DNS records in seconds; 0 or absent means 180.');

export function domainCRD(): CustomResourceDefinition {
  return schema.customResourceDefinition(domainsResource, {
    statusSubresource: false,
    schema: schema.object(
      {
        domain: schema.string('DNS zone of the federation.'),
        nameServer: schema.string('Authoritative name server of the zone.'),
      },
      {
        required: ['domain'],
        description: 'A DNS zone for multi-cluster DNS; its name is the federation name.',
      },
    ),
  });
}

export function serviceDNSRecordCRD(): CustomResourceDefinition {
  return schema.customResourceDefinition(serviceDNSRecordsResource, {
    statusSubresource: true,
    schema: schema.object(
      {
        spec: schema.object(
          {
            domainRef: schema.string('Name of a Domain in the KubeFed namespace.'),
            recordTTL,
            dnsPrefix: schema.string('Adds a CNAME <dnsPrefix>.<domain> to the global name.'),
            externalName: schema.string('Replaces the service name in generated DNS names.'),
            allowServiceWithoutEndpoints: schema.boolean(
              'Also publish clusters whose Service has no ready endpoints.',
            ),
          },
          { required: ['domainRef'] },
        ),
        status: schema.object({
          domain: schema.string(),
          dns: schema.arrayOf(
            schema.object({
              cluster: schema.string(),
              loadBalancer: loadBalancerSchema('Load balancer of the Service in that cluster.'),
              zones: schema.arrayOf(schema.string()),
              region: schema.string(),
            }),
          ),
        }),
      },
      {
        description:
          'DNS records for the Service of the same namespace and name in every member cluster.',
      },
    ),
  });
}

export function ingressDNSRecordCRD(): CustomResourceDefinition {
  return schema.customResourceDefinition(ingressDNSRecordsResource, {
    statusSubresource: true,
    schema: schema.object(
      {
        spec: schema.object({
          hosts: schema.arrayOf(schema.string(), 'Host names to publish.'),
          recordTTL,
        }),
        status: schema.object({
          dns: schema.arrayOf(
            schema.object({
              cluster: schema.string(),
              loadBalancer: loadBalancerSchema('Load balancer of the Ingress in that cluster.'),
            }),
          ),
        }),
      },
      {
        description:
          'DNS records for the Ingress of the same namespace and name in every member cluster.',
      },
    ),
  });
}

export function dnsEndpointCRD(): CustomResourceDefinition {
  return schema.customResourceDefinition(dnsEndpointsResource, {
    statusSubresource: true,
    schema: schema.object(
      {
        spec: schema.object({
          endpoints: schema.arrayOf(
            schema.object({
              dnsName: schema.string('Fully qualified name of the record.'),
              targets: schema.arrayOf(schema.string()),
              // Any record type external-dns knows; KubeFed itself writes A and CNAME.
              recordType: schema.string(),
              recordTTL: schema.int64(),
              labels: schema.mapOf(schema.string()),
            }),
          ),
        }),
        status: schema.object({ observedGeneration: schema.int64() }),
      },
      { description: 'DNS records in the format of the external-dns CRD source.' },
    ),
  });
}
