import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  ClusterDNS,
  ClusterIngressDNS,
  IngressDNSRecord,
  ServiceDNSRecord,
} from '../../../../src/apis/types.ts';
import {
  dedupeAndMergeEndpoints,
  dnsEndpointName,
  hostnameTargets,
  ingressDNSEndpoints,
  planDNSEndpointWrite,
  recordLoadBalancers,
  serviceDNSEndpoints,
} from '../../../../src/federation/dns/dns-endpoints.ts';

const noHostnames = new Map<string, string[]>();
const lb = (...ips: string[]): { ingress: { ip: string }[] } => ({
  ingress: ips.map((ip) => ({ ip })),
});

function serviceRecord(
  dns: ClusterDNS[],
  spec: Partial<ServiceDNSRecord['spec']> = {},
): ServiceDNSRecord {
  return {
    apiVersion: 'multiclusterdns.kubefed.io/v1alpha1',
    kind: 'ServiceDNSRecord',
    metadata: { name: 'nginx', namespace: 'ns' },
    spec: { domainRef: 'fed', ...spec },
    status: { domain: 'example.com', dns },
  };
}

const P = 'nginx.ns.fed.svc';

describe('serviceDNSEndpoints (spec §10.3)', () => {
  it('one healthy cluster: A records at zone, region and global level, TTL 180 by default', () => {
    const record = serviceRecord([
      { cluster: 'c1', loadBalancer: lb('10.0.0.1'), zones: ['z1'], region: 'r1' },
    ]);
    assert.deepEqual(serviceDNSEndpoints(record, noHostnames), [
      { dnsName: `${P}.example.com`, targets: ['10.0.0.1'], recordType: 'A', recordTTL: 180 },
      { dnsName: `${P}.r1.example.com`, targets: ['10.0.0.1'], recordType: 'A', recordTTL: 180 },
      { dnsName: `${P}.z1.r1.example.com`, targets: ['10.0.0.1'], recordType: 'A', recordTTL: 180 },
    ]);
  });

  it('recordTTL sets the TTL of every endpoint; 0 means 180', () => {
    const entry = { cluster: 'c1', loadBalancer: lb('10.0.0.1'), zones: ['z1'], region: 'r1' };
    const ttls = (ttl: number): number[] =>
      serviceDNSEndpoints(
        serviceRecord([entry], { recordTTL: ttl, dnsPrefix: 'www' }),
        noHostnames,
      ).map((e) => e.recordTTL ?? -1);
    assert.deepEqual(ttls(300), [300, 300, 300, 300]);
    assert.deepEqual(ttls(0), [180, 180, 180, 180]);
  });

  it('a cluster without load balancer: zone CNAME to region, region CNAME to global, no global record', () => {
    const record = serviceRecord([
      { cluster: 'c1', loadBalancer: {}, zones: ['z1'], region: 'r1' },
    ]);
    assert.deepEqual(serviceDNSEndpoints(record, noHostnames), [
      {
        dnsName: `${P}.r1.example.com`,
        targets: [`${P}.example.com`],
        recordType: 'CNAME',
        recordTTL: 180,
      },
      {
        dnsName: `${P}.z1.r1.example.com`,
        targets: [`${P}.r1.example.com`],
        recordType: 'CNAME',
        recordTTL: 180,
      },
    ]);
  });

  it('a zone name gets one endpoint per zone of the cluster', () => {
    const record = serviceRecord([
      { cluster: 'c1', loadBalancer: lb('10.0.0.1'), zones: ['z1', 'z2'], region: 'r1' },
    ]);
    const names = serviceDNSEndpoints(record, noHostnames).map((e) => e.dnsName);
    assert.deepEqual(names, [
      `${P}.example.com`,
      `${P}.r1.example.com`,
      `${P}.z1.r1.example.com`,
      `${P}.z2.r1.example.com`,
    ]);
  });

  it('externalName replaces the record name in the prefix and labels every generated endpoint', () => {
    const record = serviceRecord(
      [{ cluster: 'c1', loadBalancer: lb('10.0.0.1'), zones: ['z1'], region: 'r1' }],
      { externalName: 'web', dnsPrefix: 'www' },
    );
    const endpoints = serviceDNSEndpoints(record, noHostnames);
    assert.deepEqual(
      endpoints.map((e) => [e.dnsName, e.labels]),
      [
        ['web.ns.fed.svc.example.com', { serviceName: 'nginx' }],
        ['web.ns.fed.svc.r1.example.com', { serviceName: 'nginx' }],
        ['web.ns.fed.svc.z1.r1.example.com', { serviceName: 'nginx' }],
        // The dnsPrefix CNAME carries no labels.
        ['www.example.com', undefined],
      ],
    );
    assert.deepEqual(endpoints[3]?.targets, ['web.ns.fed.svc.example.com']);
  });

  it('without externalName no endpoint has labels', () => {
    const record = serviceRecord([
      { cluster: 'c1', loadBalancer: lb('10.0.0.1'), zones: ['z1'], region: 'r1' },
    ]);
    assert.ok(serviceDNSEndpoints(record, noHostnames).every((e) => !('labels' in e)));
  });

  it('dnsPrefix adds a CNAME <dnsPrefix>.<domain> to the global name, even before any address', () => {
    const record = serviceRecord([], { dnsPrefix: 'www' });
    assert.deepEqual(serviceDNSEndpoints(record, noHostnames), [
      {
        dnsName: 'www.example.com',
        targets: [`${P}.example.com`],
        recordType: 'CNAME',
        recordTTL: 180,
      },
    ]);
  });

  it('the domain part comes from status.domain, the federation part from spec.domainRef', () => {
    const record = serviceRecord([{ cluster: 'c1', loadBalancer: lb('10.0.0.1') }]);
    record.status = { ...record.status, domain: 'other.org' };
    record.spec.domainRef = 'myfed';
    assert.deepEqual(
      serviceDNSEndpoints(record, noHostnames).map((e) => e.dnsName),
      ['nginx.ns.myfed.svc.other.org'],
    );
  });

  it('no status.domain yet: nothing to publish', () => {
    const record = serviceRecord([{ cluster: 'c1', loadBalancer: lb('10.0.0.1') }], {
      dnsPrefix: 'www',
    });
    record.status = { dns: record.status?.dns ?? [] };
    assert.deepEqual(serviceDNSEndpoints(record, noHostnames), []);
  });

  it('a cluster without region gets only the global name; one without zones no zone name', () => {
    const record = serviceRecord([
      { cluster: 'c1', loadBalancer: lb('10.0.0.1'), zones: ['z1'] },
      { cluster: 'c2', loadBalancer: lb('10.0.0.2'), region: 'r2' },
    ]);
    assert.deepEqual(
      serviceDNSEndpoints(record, noHostnames).map((e) => [e.dnsName, e.targets]),
      [
        [`${P}.example.com`, ['10.0.0.1', '10.0.0.2']],
        [`${P}.r2.example.com`, ['10.0.0.2']],
      ],
    );
  });

  it('targets: per ingress point its IP then its host name; host names replaced by their addresses, sorted and unique', () => {
    const record = serviceRecord([
      {
        cluster: 'c1',
        loadBalancer: {
          ingress: [
            { ip: '10.0.0.9', hostname: 'lb.example.net' },
            { hostname: 'lb2.example.net' },
          ],
        },
        zones: ['z1'],
        region: 'r1',
      },
    ]);
    assert.deepEqual(hostnameTargets(recordLoadBalancers(record)), [
      'lb.example.net',
      'lb2.example.net',
    ]);
    const resolved = new Map([
      ['lb.example.net', ['10.0.0.3', '10.0.0.9']],
      ['lb2.example.net', ['10.0.0.1']],
    ]);
    const global = serviceDNSEndpoints(record, resolved)[0];
    assert.deepEqual(global?.targets, ['10.0.0.1', '10.0.0.3', '10.0.0.9']);
  });

  it('a host name that was not resolved is an error, not a silent gap', () => {
    const record = serviceRecord([
      { cluster: 'c1', loadBalancer: { ingress: [{ hostname: 'lb.example.net' }] } },
    ]);
    assert.throws(() => serviceDNSEndpoints(record, noHostnames), /lb\.example\.net/);
  });

  // The worked example of docs/userguide.md ("How records become DNS names"), line for line.
  it('worked example: three clusters, two regions, one without load balancer', () => {
    const record: ServiceDNSRecord = {
      metadata: { name: 'nginx', namespace: 'demo' },
      spec: { domainRef: 'myfed', dnsPrefix: 'nginx' },
      status: {
        domain: 'example.com',
        dns: [
          {
            cluster: 'c1',
            loadBalancer: lb('10.0.0.1'),
            zones: ['us-east1-b'],
            region: 'us-east1',
          },
          {
            cluster: 'c2',
            loadBalancer: lb('10.0.0.2'),
            zones: ['us-east1-c'],
            region: 'us-east1',
          },
          { cluster: 'c3', loadBalancer: {}, zones: ['eu-west1-b'], region: 'eu-west1' },
        ],
      },
    };
    const table = serviceDNSEndpoints(record, noHostnames).map(
      (e) => `${e.dnsName ?? ''} ${e.recordType ?? ''} ${(e.targets ?? []).join(' ')}`,
    );
    const p = 'nginx.demo.myfed.svc';
    assert.deepEqual(table, [
      `${p}.eu-west1-b.eu-west1.example.com CNAME ${p}.eu-west1.example.com`,
      `${p}.eu-west1.example.com CNAME ${p}.example.com`,
      `${p}.example.com A 10.0.0.1 10.0.0.2`,
      `${p}.us-east1-b.us-east1.example.com A 10.0.0.1`,
      `${p}.us-east1-c.us-east1.example.com A 10.0.0.2`,
      `${p}.us-east1.example.com A 10.0.0.1 10.0.0.2`,
      `nginx.example.com CNAME ${p}.example.com`,
    ]);
  });

  it('worked example: a zone shared by a healthy and an unhealthy cluster keeps the A record', () => {
    const record = serviceRecord([
      { cluster: 'c1', loadBalancer: {}, zones: ['z1'], region: 'r1' },
      { cluster: 'c2', loadBalancer: lb('10.0.0.2'), zones: ['z1'], region: 'r1' },
    ]);
    assert.deepEqual(
      serviceDNSEndpoints(record, noHostnames).map((e) => [e.dnsName, e.recordType, e.targets]),
      [
        [`${P}.example.com`, 'A', ['10.0.0.2']],
        [`${P}.r1.example.com`, 'A', ['10.0.0.2']],
        [`${P}.z1.r1.example.com`, 'A', ['10.0.0.2']],
      ],
    );
  });

  it('no cluster has an address: only CNAMEs, and no global name at all', () => {
    const record = serviceRecord([
      { cluster: 'c1', loadBalancer: {}, zones: ['z1'], region: 'r1' },
      { cluster: 'c2', loadBalancer: {}, zones: ['z2'], region: 'r1' },
    ]);
    const endpoints = serviceDNSEndpoints(record, noHostnames);
    assert.ok(endpoints.every((e) => e.recordType === 'CNAME'));
    assert.ok(!endpoints.some((e) => e.dnsName === `${P}.example.com`));
    // The two clusters' CNAMEs of the shared region merge into one.
    assert.equal(endpoints.filter((e) => e.dnsName === `${P}.r1.example.com`).length, 1);
  });
});

describe('ingressDNSEndpoints (spec §10.3)', () => {
  const ingressRecord = (
    hosts: string[],
    dns: ClusterIngressDNS[],
    recordTTL?: number,
  ): IngressDNSRecord => ({
    metadata: { name: 'web', namespace: 'ns' },
    spec: { hosts, ...(recordTTL === undefined ? {} : { recordTTL }) },
    status: { dns },
  });

  it('one A record per host with every cluster’s addresses, sorted and unique', () => {
    const record = ingressRecord(
      ['b.example.com', 'a.example.com'],
      [
        { cluster: 'c1', loadBalancer: lb('10.0.0.2') },
        { cluster: 'c2', loadBalancer: lb('10.0.0.1', '10.0.0.2') },
      ],
    );
    assert.deepEqual(ingressDNSEndpoints(record, noHostnames), [
      {
        dnsName: 'a.example.com',
        targets: ['10.0.0.1', '10.0.0.2'],
        recordType: 'A',
        recordTTL: 180,
      },
      {
        dnsName: 'b.example.com',
        targets: ['10.0.0.1', '10.0.0.2'],
        recordType: 'A',
        recordTTL: 180,
      },
    ]);
  });

  it('no address in any cluster: no endpoint', () => {
    const record = ingressRecord(['a.example.com'], [{ cluster: 'c1', loadBalancer: {} }]);
    assert.deepEqual(ingressDNSEndpoints(record, noHostnames), []);
  });

  it('recordTTL and resolved host names', () => {
    const record = ingressRecord(
      ['a.example.com', 'a.example.com'],
      [{ cluster: 'c1', loadBalancer: { ingress: [{ hostname: 'lb.example.net' }] } }],
      60,
    );
    assert.deepEqual(ingressDNSEndpoints(record, new Map([['lb.example.net', ['10.1.1.1']]])), [
      { dnsName: 'a.example.com', targets: ['10.1.1.1'], recordType: 'A', recordTTL: 60 },
    ]);
  });
});

describe('dedupeAndMergeEndpoints', () => {
  it('sorts by name, drops empty targets and endpoints left without targets', () => {
    assert.deepEqual(
      dedupeAndMergeEndpoints([
        { dnsName: 'b', targets: ['1.1.1.1', ''], recordType: 'A' },
        { dnsName: 'c', targets: [''], recordType: 'CNAME' },
        { dnsName: 'a', targets: [], recordType: 'A' },
        { dnsName: 'A', targets: ['x'], recordType: 'CNAME' },
      ]),
      [
        { dnsName: 'A', targets: ['x'], recordType: 'CNAME' },
        { dnsName: 'b', targets: ['1.1.1.1'], recordType: 'A' },
      ],
    );
  });

  it('same name, same type: targets joined, sorted, unique', () => {
    assert.deepEqual(
      dedupeAndMergeEndpoints([
        { dnsName: 'n', targets: ['3.3.3.3', '1.1.1.1'], recordType: 'A', recordTTL: 5 },
        { dnsName: 'n', targets: ['2.2.2.2', '1.1.1.1'], recordType: 'A', recordTTL: 5 },
      ]),
      [{ dnsName: 'n', targets: ['1.1.1.1', '2.2.2.2', '3.3.3.3'], recordType: 'A', recordTTL: 5 }],
    );
  });

  it('same name, A and CNAME: the A record wins, in either order', () => {
    const a = { dnsName: 'n', targets: ['1.1.1.1'], recordType: 'A' };
    const cname = { dnsName: 'n', targets: ['up'], recordType: 'CNAME' };
    assert.deepEqual(dedupeAndMergeEndpoints([a, cname]), [a]);
    assert.deepEqual(dedupeAndMergeEndpoints([cname, a]), [a]);
    assert.deepEqual(dedupeAndMergeEndpoints([cname, a, cname]), [a]);
  });

  it('does not change its input', () => {
    const input = [
      { dnsName: 'n', targets: ['2', ''], recordType: 'A' },
      { dnsName: 'n', targets: ['1'], recordType: 'A' },
    ];
    const copy = structuredClone(input);
    dedupeAndMergeEndpoints(input);
    assert.deepEqual(input, copy);
  });
});

describe('planDNSEndpointWrite', () => {
  const endpoints = [{ dnsName: 'n', targets: ['1.1.1.1'], recordType: 'A', recordTTL: 180 }];

  it('creates a missing DNSEndpoint, even with no endpoints', () => {
    assert.deepEqual(planDNSEndpointWrite(endpoints, undefined), { action: 'create', endpoints });
    assert.deepEqual(planDNSEndpointWrite([], undefined), { action: 'create', endpoints: [] });
  });

  it('updates only when the endpoints differ', () => {
    assert.deepEqual(planDNSEndpointWrite(endpoints, { endpoints: structuredClone(endpoints) }), {
      action: 'none',
    });
    assert.deepEqual(planDNSEndpointWrite([], { endpoints: undefined }), { action: 'none' });
    const changed = [{ ...endpoints[0], targets: ['2.2.2.2'] }];
    assert.deepEqual(planDNSEndpointWrite(changed, { endpoints }), {
      action: 'update',
      endpoints: changed,
    });
    assert.equal(
      planDNSEndpointWrite([{ ...endpoints[0], labels: { serviceName: 'x' } }], { endpoints })
        .action,
      'update',
    );
  });

  it('deletes the DNSEndpoint of a deleted record', () => {
    assert.deepEqual(planDNSEndpointWrite(undefined, { endpoints }), { action: 'delete' });
    assert.deepEqual(planDNSEndpointWrite(undefined, undefined), { action: 'none' });
  });

  it('names: <kind>-<record>', () => {
    assert.equal(dnsEndpointName('service', 'nginx'), 'service-nginx');
    assert.equal(dnsEndpointName('ingress', 'web'), 'ingress-web');
  });
});
