// The multi-cluster DNS controllers (spec §10) in a running controller manager with the
// CrossClusterServiceDiscovery and FederatedIngress gates on, on the sandbox (member1 and member2
// joined with `--region` and `--zones`). The member load balancers' addresses come from the
// sandbox's load-balancer role, as from a cloud provider; the ready endpoints are EndpointSlices. No DNS server is
// needed: the DNSEndpoints are what external-dns would publish.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { stringify } from 'yaml';
import type { KubeObject } from '../../src/json/object.ts';
import {
  createFederatedNamespace,
  deleteFederatedNamespace,
  eventually,
  getJson,
  kubectl,
  runCli,
  testSandbox,
  unjoinClusters,
} from './fixture.ts';
import { fastKubeFedConfigFile, startManager, type RunningManager } from './manager.ts';

const sandbox = testSandbox();
let manager: RunningManager;
const common = ['--kubeconfig', sandbox.kubeconfig, '--host-cluster-context', 'host'];
const members = ['member1', 'member2'];
const topology: Record<string, { region: string; zones: string[] }> = {
  member1: { region: 'r1', zones: ['r1-a'] },
  member2: { region: 'r2', zones: ['r2-a', 'r2-b'] },
};
const kfns = 'kube-federation-system';
const ns = `dns-${Date.now().toString(36)}`;
const domainName = `fed${Date.now().toString(36)}`;
/** The names of Service `web`: <name>.<namespace>.<Domain name>.svc[.<zone>][.<region>].<domain>. */
const prefix = `web.${ns}.${domainName}.svc`;
/** The addresses the sandbox's load-balancer role gave the member Services `web`, by cluster. */
const lbAddress: Record<string, string> = {};

const apply = (objects: KubeObject[]): Promise<string> =>
  kubectl(
    sandbox,
    ['--context', 'host', 'apply', '-f', '-'],
    objects.map((o) => stringify(o)).join('---\n'),
  );

/**
 * The address the sandbox's load-balancer role writes into a member object's
 * `status.loadBalancer` (through the status subresource, as a cloud provider's controller does).
 */
async function loadBalancerAddress(cluster: string, resource: string): Promise<string> {
  return eventually(async () => {
    const obj = await getJson(sandbox, cluster, ['-n', ns, resource, 'web']);
    const status = obj?.['status'] as
      { loadBalancer?: { ingress?: { ip?: string }[] } } | undefined;
    const ingress = status?.loadBalancer?.ingress;
    return ingress?.[0]?.ip;
  });
}

/** A ready endpoint for Service `web` in a member, labelled managed like the Service. */
function endpointSlice(): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'web-test',
      namespace: ns,
      labels: {
        'kubernetes.io/service-name': 'web',
        'kubefed.io/managed': 'true',
        'endpointslice.kubernetes.io/managed-by': 'dns-controllers-test',
      },
    },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.244.0.5'], conditions: { ready: true } }],
    ports: [{ port: 80, protocol: 'TCP' }],
  };
}

async function until<T>(read: () => Promise<T>, expected: T, timeoutMs = 60_000): Promise<void> {
  let last: T | undefined;
  try {
    await eventually(async () => {
      last = await read();
      return isDeepStrictEqual(last, expected) ? true : undefined;
    }, timeoutMs);
  } catch (error) {
    assert.deepEqual(last, expected, String(error));
  }
}

const recordStatus = async (resource: string): Promise<unknown> =>
  (await getJson(sandbox, 'host', ['-n', ns, resource, 'web']))?.['status'];

/** The DNSEndpoint's endpoints as `name type targets` lines; undefined when it does not exist. */
async function dnsEndpoint(name: string): Promise<string[] | undefined> {
  const endpoint = await getJson(sandbox, 'host', ['-n', ns, 'dnsendpoints', name]);
  if (endpoint === undefined) return undefined;
  const list = (endpoint['spec'] as { endpoints?: Record<string, unknown>[] }).endpoints ?? [];
  return list.map(
    (e) =>
      `${String(e['dnsName'])} ${String(e['recordType'])} ${(e['targets'] as string[]).join(',')} ttl=${String(e['recordTTL'])}`,
  );
}

const entry = (cluster: string, ips: string[]): Record<string, unknown> => ({
  cluster,
  loadBalancer: ips.length > 0 ? { ingress: ips.map((ip) => ({ ip })) } : {},
  zones: topology[cluster]?.zones,
  region: topology[cluster]?.region,
});

describe('multi-cluster DNS controllers', { timeout: 10 * 60_000 }, () => {
  let enabledIngresses = false;

  before(async () => {
    const init = await runCli('kubefedctl', ['init', ...common]);
    assert.equal(init.code, 0, init.stderr);
    for (const cluster of members) {
      const { region, zones } = topology[cluster] ?? { region: '', zones: [] };
      const join = await runCli('kubefedctl', [
        'join',
        cluster,
        '--cluster-context',
        cluster,
        '--error-on-existing=false',
        '--region',
        region,
        '--zones',
        zones.join(','),
        ...common,
      ]);
      assert.equal(join.code, 0, join.stderr);
    }
    if (
      (await getJson(sandbox, 'host', ['-n', kfns, 'ftc', 'ingresses.networking.k8s.io'])) ===
      undefined
    ) {
      const enable = await runCli('kubefedctl', [
        'enable',
        'ingresses.networking.k8s.io',
        ...common,
      ]);
      assert.equal(enable.code, 0, enable.stderr);
      enabledIngresses = true;
    }
    const configFile = await fastKubeFedConfigFile({
      fastClusterDelays: true,
      enableGates: ['CrossClusterServiceDiscovery', 'FederatedIngress'],
    });
    manager = await startManager(sandbox, ['--kubefed-config', configFile, '--v', '2']);
    await manager.waitForLog('promoted as leader', 60_000);
    await createFederatedNamespace(sandbox, ns);
    await apply([
      {
        apiVersion: 'multiclusterdns.kubefed.io/v1alpha1',
        kind: 'Domain',
        metadata: { name: domainName, namespace: kfns },
        domain: 'example.com',
      },
    ]);
  });

  after(async () => {
    try {
      await kubectl(sandbox, [
        '--context',
        'host',
        '-n',
        kfns,
        'delete',
        'domains',
        domainName,
        '--ignore-not-found',
      ]);
      await kubectl(sandbox, [
        '--context',
        'host',
        '-n',
        ns,
        'delete',
        'servicednsrecords,ingressdnsrecords,dnsendpoints',
        '--all',
      ]);
      await deleteFederatedNamespace(sandbox, ns);
    } finally {
      await manager.stop();
      await unjoinClusters(sandbox, [...members, 'host']);
      if (enabledIngresses) {
        await runCli('kubefedctl', [
          'disable',
          'ingresses.networking.k8s.io',
          '--delete-crd',
          ...common,
        ]);
      }
    }
  });

  it('logs that the gates start the DNS controllers', async () => {
    await manager.waitForLog('Feature gate CrossClusterServiceDiscovery is enabled', 5_000);
    await manager.waitForLog('Feature gate FederatedIngress is enabled', 5_000);
  });

  it('publishes the region and zones given to kubefedctl join in the clusters’ status', async () => {
    for (const cluster of members) {
      await until(async () => {
        const kfc = await getJson(sandbox, 'host', ['-n', kfns, 'kubefedclusters', cluster]);
        const status = kfc?.['status'] as { region?: string; zones?: string[] } | undefined;
        return { region: status?.region, zones: status?.zones };
      }, topology[cluster]);
    }
  });

  it('ServiceDNSRecord: status per cluster and the service-<name> DNSEndpoint, CNAMEs where no address', async () => {
    await apply([
      {
        apiVersion: 'types.kubefed.io/v1beta1',
        kind: 'FederatedService',
        metadata: { name: 'web', namespace: ns },
        spec: {
          template: {
            spec: {
              type: 'LoadBalancer',
              selector: { app: 'web' },
              ports: [{ port: 80, protocol: 'TCP' }],
            },
          },
          placement: { clusters: members.map((name) => ({ name })) },
        },
      },
    ]);
    for (const cluster of members) {
      lbAddress[cluster] = await loadBalancerAddress(cluster, 'service');
    }
    // Only member1 has a ready endpoint: member2's address is not routable yet.
    await kubectl(
      sandbox,
      ['--context', 'member1', 'apply', '-f', '-'],
      stringify(endpointSlice()),
    );
    await apply([
      {
        apiVersion: 'multiclusterdns.kubefed.io/v1alpha1',
        kind: 'ServiceDNSRecord',
        metadata: { name: 'web', namespace: ns },
        spec: { domainRef: domainName, recordTTL: 300 },
      },
    ]);
    await until(() => recordStatus('servicednsrecords'), {
      domain: 'example.com',
      dns: [entry('member1', [lbAddress['member1'] ?? '']), entry('member2', [])],
    });
    await until(
      () => dnsEndpoint('service-web'),
      [
        `${prefix}.example.com A ${lbAddress['member1']} ttl=300`,
        `${prefix}.r1-a.r1.example.com A ${lbAddress['member1']} ttl=300`,
        `${prefix}.r1.example.com A ${lbAddress['member1']} ttl=300`,
        `${prefix}.r2-a.r2.example.com CNAME ${prefix}.r2.example.com ttl=300`,
        `${prefix}.r2-b.r2.example.com CNAME ${prefix}.r2.example.com ttl=300`,
        `${prefix}.r2.example.com CNAME ${prefix}.example.com ttl=300`,
      ],
    );

    // A ready endpoint in member2: its address is published at every level.
    await kubectl(
      sandbox,
      ['--context', 'member2', 'apply', '-f', '-'],
      stringify(endpointSlice()),
    );
    await until(
      () => dnsEndpoint('service-web'),
      [
        `${prefix}.example.com A ${lbAddress['member1']},${lbAddress['member2']} ttl=300`,
        `${prefix}.r1-a.r1.example.com A ${lbAddress['member1']} ttl=300`,
        `${prefix}.r1.example.com A ${lbAddress['member1']} ttl=300`,
        `${prefix}.r2-a.r2.example.com A ${lbAddress['member2']} ttl=300`,
        `${prefix}.r2-b.r2.example.com A ${lbAddress['member2']} ttl=300`,
        `${prefix}.r2.example.com A ${lbAddress['member2']} ttl=300`,
      ],
    );
  });

  it('a member that is not ready keeps its entry without address: its names become CNAMEs', async () => {
    const kfc = await getJson(sandbox, 'host', ['-n', kfns, 'kubefedclusters', 'member2']);
    const endpoint = (kfc?.['spec'] as { apiEndpoint: string }).apiEndpoint;
    const patchEndpoint = (apiEndpoint: string): Promise<string> =>
      kubectl(sandbox, [
        '--context',
        'host',
        '-n',
        kfns,
        'patch',
        'kubefedclusters',
        'member2',
        '--type=merge',
        '-p',
        JSON.stringify({ spec: { apiEndpoint } }),
      ]);
    // Nothing listens on port 1: the health check finds member2 offline.
    await patchEndpoint('https://127.0.0.1:1');
    try {
      await until(() => recordStatus('servicednsrecords'), {
        domain: 'example.com',
        dns: [entry('member1', [lbAddress['member1'] ?? '']), entry('member2', [])],
      });
      await until(
        () => dnsEndpoint('service-web'),
        [
          `${prefix}.example.com A ${lbAddress['member1']} ttl=300`,
          `${prefix}.r1-a.r1.example.com A ${lbAddress['member1']} ttl=300`,
          `${prefix}.r1.example.com A ${lbAddress['member1']} ttl=300`,
          `${prefix}.r2-a.r2.example.com CNAME ${prefix}.r2.example.com ttl=300`,
          `${prefix}.r2-b.r2.example.com CNAME ${prefix}.r2.example.com ttl=300`,
          `${prefix}.r2.example.com CNAME ${prefix}.example.com ttl=300`,
        ],
      );
    } finally {
      await patchEndpoint(endpoint);
    }
    await until(() => recordStatus('servicednsrecords'), {
      domain: 'example.com',
      dns: [
        entry('member1', [lbAddress['member1'] ?? '']),
        entry('member2', [lbAddress['member2'] ?? '']),
      ],
    });
  });

  it('IngressDNSRecord: networking.k8s.io/v1 member Ingresses, one A record per host', async () => {
    await apply([
      {
        apiVersion: 'types.kubefed.io/v1beta1',
        kind: 'FederatedIngress',
        metadata: { name: 'web', namespace: ns },
        spec: {
          template: {
            spec: {
              rules: [
                {
                  host: 'web.example.com',
                  http: {
                    paths: [
                      {
                        path: '/',
                        pathType: 'Prefix',
                        backend: { service: { name: 'web', port: { number: 80 } } },
                      },
                    ],
                  },
                },
              ],
            },
          },
          placement: { clusters: members.map((name) => ({ name })) },
        },
      },
    ]);
    const ingressAddress: Record<string, string> = {};
    for (const cluster of members) {
      ingressAddress[cluster] = await loadBalancerAddress(cluster, 'ingress');
    }
    await apply([
      {
        apiVersion: 'multiclusterdns.kubefed.io/v1alpha1',
        kind: 'IngressDNSRecord',
        metadata: { name: 'web', namespace: ns },
        spec: { hosts: ['web.example.com'] },
      },
    ]);
    await until(() => recordStatus('ingressdnsrecords'), {
      dns: members.map((cluster) => ({
        cluster,
        loadBalancer: { ingress: [{ ip: ingressAddress[cluster] }] },
      })),
    });
    await until(
      () => dnsEndpoint('ingress-web'),
      [`web.example.com A ${ingressAddress['member1']},${ingressAddress['member2']} ttl=180`],
    );

    // member2's Ingress, and its load balancer, go: only member1's address is left.
    await kubectl(sandbox, [
      '--context',
      'host',
      '-n',
      ns,
      'patch',
      'federatedingresses',
      'web',
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { placement: { clusters: [{ name: 'member1' }] } } }),
    ]);
    await until(
      () => dnsEndpoint('ingress-web'),
      [`web.example.com A ${ingressAddress['member1']} ttl=180`],
    );
  });

  it('deleting a record deletes its DNSEndpoint', async () => {
    await kubectl(sandbox, ['--context', 'host', '-n', ns, 'delete', 'ingressdnsrecords', 'web']);
    await until(() => dnsEndpoint('ingress-web'), undefined);
    await kubectl(sandbox, ['--context', 'host', '-n', ns, 'delete', 'servicednsrecords', 'web']);
    await until(() => dnsEndpoint('service-web'), undefined);
  });

  it('without join flags, reads region and zones from the nodes’ topology labels', async () => {
    const nodes = ['host-node-1', 'host-node-2'];
    const label = (node: string, labels: string[]): Promise<string> =>
      kubectl(sandbox, ['--context', 'host', 'label', 'node', node, '--overwrite', ...labels]);
    try {
      await label('host-node-1', [
        'topology.kubernetes.io/region=r0',
        'topology.kubernetes.io/zone=r0-b',
      ]);
      await label('host-node-2', [
        'topology.kubernetes.io/region=r0',
        'topology.kubernetes.io/zone=r0-a',
      ]);
      const join = await runCli('kubefedctl', [
        'join',
        'host',
        '--cluster-context',
        'host',
        '--error-on-existing=false',
        ...common,
      ]);
      assert.equal(join.code, 0, join.stderr);
      await until(
        async () => {
          const kfc = await getJson(sandbox, 'host', ['-n', kfns, 'kubefedclusters', 'host']);
          const status = kfc?.['status'] as { region?: string; zones?: string[] } | undefined;
          return { region: status?.region, zones: status?.zones };
        },
        { region: 'r0', zones: ['r0-a', 'r0-b'] },
      );
    } finally {
      for (const node of nodes) {
        await label(node, ['topology.kubernetes.io/region-', 'topology.kubernetes.io/zone-']);
      }
    }
  });
});
