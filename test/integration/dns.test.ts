// The real DNS path of the sandbox (`up --dns`, which npm test uses): the load-balancer role gives
// member Services of type LoadBalancer and Ingresses an address of their cluster's loopback block,
// external-dns publishes the host's DNSEndpoints to the sandbox's etcd, and CoreDNS answers `dig`
// from there. Then end to end, with the controller manager's DNS controllers: a FederatedService
// with a ServiceDNSRecord and a FederatedIngress with an IngressDNSRecord resolve to the members'
// addresses, and removing a member's Service or stopping the member changes the answers.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import type { KubeObject } from '../../src/json/object.ts';
import { sandboxPaths } from '../../src/sandbox/layout.ts';
import { readState } from '../../src/sandbox/state.ts';
import { dig, sandboxDns, type SandboxDns } from './dig.ts';
import {
  createFederatedNamespace,
  deleteFederatedNamespace,
  eventually,
  getJson,
  joinClusters,
  kubectl,
  runCli,
  testSandbox,
  unjoinClusters,
} from './fixture.ts';
import { fastKubeFedConfigFile, startManager, type RunningManager } from './manager.ts';

const sandbox = testSandbox();
const common = ['--kubeconfig', sandbox.kubeconfig, '--host-cluster-context', 'host'];
const ns = `dns-${Date.now().toString(36)}`;
const members = ['member1', 'member2'];
/** What external-dns needs at most to publish a change: an event sync is at most 1 s apart. */
const PUBLISH_BOUND_MS = 15_000;
/**
 * From a member's outage (or its Service's removal) to the new answer: health checks every 1 s
 * with 2 failures (this test's KubeFedConfig), the DNS controllers, then external-dns.
 */
const FAILOVER_BOUND_MS = 30_000;

async function apply(context: string, objects: readonly KubeObject[]): Promise<void> {
  await kubectl(
    sandbox,
    ['--context', context, 'apply', '-f', '-'],
    objects.map((o) => stringify(o)).join('---\n'),
  );
}

/** The addresses in an object's `status.loadBalancer.ingress`, once there are some. */
async function loadBalancerIps(context: string, resource: string, name: string): Promise<string[]> {
  return loadBalancerIpsIn(context, ns, resource, name);
}

async function loadBalancerIpsIn(
  context: string,
  namespace: string,
  resource: string,
  name: string,
): Promise<string[]> {
  return eventually(async () => {
    const obj = await getJson(sandbox, context, ['-n', namespace, resource, name]);
    const status = obj?.['status'] as
      { loadBalancer?: { ingress?: { ip?: string }[] } } | undefined;
    const ips = (status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip ? [i.ip] : []));
    return ips.length > 0 ? ips : undefined;
  }, 30_000);
}

/** Polls `dig` until the answer for `name` is `expected`; resolves with how long that took. */
async function answerBecomes(
  dns: SandboxDns,
  name: string,
  expected: readonly string[],
  timeoutMs = PUBLISH_BOUND_MS,
): Promise<number> {
  const start = Date.now();
  let last: string[] = [];
  try {
    await eventually(async () => {
      last = await dig(dns, name);
      return JSON.stringify(last) === JSON.stringify([...expected].sort()) ? true : undefined;
    }, timeoutMs);
  } catch {
    assert.deepEqual(last, [...expected].sort(), `dig ${name} within ${timeoutMs} ms`);
  }
  return Date.now() - start;
}

describe('sandbox DNS: load balancer, external-dns and CoreDNS', { timeout: 5 * 60_000 }, () => {
  let dns: SandboxDns;
  const addresses: Record<string, string> = {};

  before(async () => {
    dns = await sandboxDns(sandbox);
    const init = await runCli('kubefedctl', ['init', ...common]);
    assert.equal(init.code, 0, init.stderr);
    for (const context of ['host', ...members]) {
      await kubectl(sandbox, ['--context', context, 'create', 'namespace', ns]);
    }
  });

  after(async () => {
    for (const context of ['host', ...members]) {
      await kubectl(sandbox, ['--context', context, 'delete', 'namespace', ns, '--wait=false']);
    }
  });

  it("gives LoadBalancer Services and Ingresses an address of their cluster's block", async () => {
    for (const [i, context] of members.entries()) {
      await apply(context, [
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'web', namespace: ns },
          spec: { type: 'LoadBalancer', ports: [{ port: 80 }], selector: { app: 'web' } },
        },
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'internal', namespace: ns },
          spec: { type: 'ClusterIP', ports: [{ port: 80 }], selector: { app: 'web' } },
        },
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: { name: 'web', namespace: ns },
          spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } },
        },
      ]);
      const [service, ...moreService] = await loadBalancerIps(context, 'service', 'web');
      const [ingress, ...moreIngress] = await loadBalancerIps(context, 'ingress', 'web');
      const block = `127.${101 + i}.`;
      assert.ok(service?.startsWith(block), `${context} Service got ${String(service)}`);
      assert.ok(ingress?.startsWith(block), `${context} Ingress got ${String(ingress)}`);
      assert.notEqual(service, ingress);
      assert.deepEqual([moreService, moreIngress], [[], []], 'one address each');
      addresses[context] = service ?? '';
    }
    const internal = await getJson(sandbox, 'member1', ['-n', ns, 'service', 'internal']);
    assert.deepEqual(internal?.['status'], { loadBalancer: {} }, 'a ClusterIP Service gets none');
  });

  it('publishes a DNSEndpoint through external-dns to CoreDNS and follows its changes', async (t) => {
    const [a1 = '', a2 = ''] = members.map((m) => addresses[m] ?? '');
    const name = `hand.${ns}`;
    const endpoint = (targets: string[]): KubeObject => ({
      apiVersion: 'multiclusterdns.kubefed.io/v1alpha1',
      kind: 'DNSEndpoint',
      metadata: { name: 'hand', namespace: ns },
      spec: {
        endpoints: [
          { dnsName: `${name}.${dns.zone}`, recordType: 'A', recordTTL: 5, targets },
          {
            dnsName: `alias.${ns}.${dns.zone}`,
            recordType: 'CNAME',
            recordTTL: 5,
            targets: [`${name}.${dns.zone}`],
          },
        ],
      },
    });
    await apply('host', [endpoint([a1, a2])]);
    const published = await answerBecomes(dns, name, [`A ${a1}`, `A ${a2}`], 60_000);
    await answerBecomes(dns, `alias.${ns}`, [`CNAME ${name}.${dns.zone}.`, `A ${a1}`, `A ${a2}`]);

    await apply('host', [endpoint([a2])]);
    const changed = await answerBecomes(dns, name, [`A ${a2}`]);

    await kubectl(sandbox, ['--context', 'host', '-n', ns, 'delete', 'dnsendpoint', 'hand']);
    const removed = await answerBecomes(dns, name, []);
    await answerBecomes(dns, `alias.${ns}`, []);
    t.diagnostic(
      `DNSEndpoint to dig answer: created ${published} ms, changed ${changed} ms, deleted ${removed} ms`,
    );
  });
});

/** A KubeFedConfig file with fast health checks and both DNS gates on (they are not among the defaults). */
async function dnsKubeFedConfigFile(): Promise<string> {
  const file = await fastKubeFedConfigFile({ fastClusterDelays: true });
  const config = parse(readFileSync(file, 'utf8')) as {
    spec: { featureGates: { name: string; configuration: string }[] };
  };
  for (const name of ['CrossClusterServiceDiscovery', 'FederatedIngress']) {
    config.spec.featureGates.push({ name, configuration: 'Enabled' });
  }
  writeFileSync(file, stringify(config));
  return file;
}

describe('multi-cluster DNS end to end', { timeout: 10 * 60_000 }, () => {
  const kfns = 'kube-federation-system';
  const fedNs = `dnsfed-${Date.now().toString(36)}`;
  let dns: SandboxDns;
  let manager: RunningManager;
  const service = { member1: '', member2: '' };
  const ingress = { member1: '', member2: '' };
  const web = `web.${fedNs}.fed.svc`;
  // Where `up` put the members (by default region1/region1-a and region2/region2-a).
  const [where1, where2] = members.map((name) => {
    const topology = readState(sandboxPaths(sandbox.dir).state)?.clusters.find(
      (c) => c.name === name,
    )?.topology;
    if (!topology) throw new Error(`the sandbox has no region and zones for ${name}`);
    return { region: topology.region, zone: topology.zones[0] ?? '' };
  });
  const names = {
    global: web,
    region1: `${web}.${where1?.region ?? ''}`,
    zone1: `${web}.${where1?.zone ?? ''}.${where1?.region ?? ''}`,
    region2: `${web}.${where2?.region ?? ''}`,
    zone2: `${web}.${where2?.zone ?? ''}.${where2?.region ?? ''}`,
  };
  const shop = `shop.${fedNs}`;

  const federatedService = (placed: readonly string[]): KubeObject => ({
    apiVersion: 'types.kubefed.io/v1beta1',
    kind: 'FederatedService',
    metadata: { name: 'web', namespace: fedNs },
    spec: {
      template: {
        spec: { type: 'LoadBalancer', ports: [{ port: 80 }], selector: { app: 'web' } },
      },
      placement: { clusters: placed.map((name) => ({ name })) },
    },
  });

  before(async () => {
    dns = await sandboxDns(sandbox);
    const init = await runCli('kubefedctl', ['init', ...common]);
    assert.equal(init.code, 0, init.stderr);
    await joinClusters(sandbox, members);
    manager = await startManager(sandbox, ['--kubefed-config', await dnsKubeFedConfigFile()]);
    await manager.waitForLog('promoted as leader', 60_000);
    await createFederatedNamespace(sandbox, fedNs);
  });

  after(async () => {
    try {
      await kubectl(sandbox, [
        '--context',
        'host',
        '-n',
        fedNs,
        'delete',
        'servicednsrecords,ingressdnsrecords',
        '--all',
      ]);
      await kubectl(sandbox, ['--context', 'host', '-n', kfns, 'delete', 'domain', 'fed']);
      await deleteFederatedNamespace(sandbox, fedNs);
    } finally {
      await manager.stop();
      await unjoinClusters(sandbox, members);
    }
  });

  it("resolves a ServiceDNSRecord to the members' addresses: global, region and zone names", async () => {
    await apply('host', [
      federatedService(members),
      {
        apiVersion: 'multiclusterdns.kubefed.io/v1alpha1',
        kind: 'Domain',
        metadata: { name: 'fed', namespace: kfns },
        domain: dns.zone,
      },
      {
        apiVersion: 'multiclusterdns.kubefed.io/v1alpha1',
        kind: 'ServiceDNSRecord',
        metadata: { name: 'web', namespace: fedNs },
        // No pods behind the Service in this test: publish it all the same.
        spec: { domainRef: 'fed', recordTTL: 5, allowServiceWithoutEndpoints: true },
      },
    ]);
    for (const member of members) {
      const [ip = ''] = await loadBalancerIpsIn(member, fedNs, 'service', 'web');
      service[member as keyof typeof service] = ip;
    }
    await answerBecomes(
      dns,
      names.global,
      [`A ${service.member1}`, `A ${service.member2}`],
      60_000,
    );
    await answerBecomes(dns, names.region1, [`A ${service.member1}`]);
    await answerBecomes(dns, names.zone1, [`A ${service.member1}`]);
    await answerBecomes(dns, names.region2, [`A ${service.member2}`]);
    await answerBecomes(dns, names.zone2, [`A ${service.member2}`]);
  });

  it("resolves an IngressDNSRecord to the members' Ingress addresses", async () => {
    await apply('host', [
      {
        apiVersion: 'types.kubefed.io/v1beta1',
        kind: 'FederatedIngress',
        metadata: { name: 'shop', namespace: fedNs },
        spec: {
          template: {
            spec: {
              rules: [
                {
                  host: `${shop}.${dns.zone}`,
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
      {
        apiVersion: 'multiclusterdns.kubefed.io/v1alpha1',
        kind: 'IngressDNSRecord',
        metadata: { name: 'shop', namespace: fedNs },
        spec: { hosts: [`${shop}.${dns.zone}`], recordTTL: 5 },
      },
    ]);
    for (const member of members) {
      const [ip = ''] = await loadBalancerIpsIn(member, fedNs, 'ingress', 'shop');
      ingress[member as keyof typeof ingress] = ip;
    }
    await answerBecomes(dns, shop, [`A ${ingress.member1}`, `A ${ingress.member2}`], 60_000);
  });

  it("falls back to CNAMEs when a member's Service is removed", async (t) => {
    await apply('host', [federatedService(['member1'])]);
    const took = await answerBecomes(
      dns,
      names.zone2,
      [
        `CNAME ${names.region2}.${dns.zone}.`,
        `CNAME ${names.global}.${dns.zone}.`,
        `A ${service.member1}`,
      ],
      FAILOVER_BOUND_MS,
    );
    await answerBecomes(dns, names.global, [`A ${service.member1}`]);
    await answerBecomes(dns, names.zone1, [`A ${service.member1}`]);
    t.diagnostic(`member2's Service removed: its zone name is a CNAME chain after ${took} ms`);
    await apply('host', [federatedService(members)]);
    // The Service is a new one: the load balancer may give it another address.
    [service.member2 = ''] = await loadBalancerIpsIn('member2', fedNs, 'service', 'web');
    await answerBecomes(dns, names.zone2, [`A ${service.member2}`], FAILOVER_BOUND_MS);
  });

  it('answers with the remaining member while one is stopped', async (t) => {
    // From the stop command on: kube-apiserver fails its readiness checks while it shuts down.
    const stoppedAt = Date.now();
    await runSandbox(['stop', 'member2']);
    try {
      await answerBecomes(dns, shop, [`A ${ingress.member1}`], FAILOVER_BOUND_MS);
      const ingressTook = Date.now() - stoppedAt;
      await answerBecomes(
        dns,
        names.region2,
        [`CNAME ${names.global}.${dns.zone}.`, `A ${service.member1}`],
        FAILOVER_BOUND_MS,
      );
      const serviceTook = Date.now() - stoppedAt;
      assert.ok(serviceTook < FAILOVER_BOUND_MS, `${serviceTook} ms`);
      await answerBecomes(dns, names.global, [`A ${service.member1}`]);
      t.diagnostic(
        `member2 stopped: the ingress name answers member1 alone after ${ingressTook} ms, member2's region name is a CNAME after ${serviceTook} ms`,
      );
    } finally {
      await runSandbox(['start', 'member2']);
    }
    await answerBecomes(dns, shop, [`A ${ingress.member1}`, `A ${ingress.member2}`], 60_000);
    await answerBecomes(
      dns,
      names.global,
      [`A ${service.member1}`, `A ${service.member2}`],
      60_000,
    );
  });
});

async function runSandbox(args: string[]): Promise<void> {
  const run = await runCli('kubefed-sandbox', [...args, '--dir', sandbox.dir]);
  assert.equal(run.code, 0, run.stderr);
}
