import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../../src/json/object.ts';
import {
  ingressRecordStatus,
  readyEndpointCount,
  serviceRecordStatus,
  type ClusterView,
  type MemberObservation,
  type ServiceRecordInput,
} from '../../../../src/federation/dns/record-status.ts';
import { recordLoadBalancer } from '../../../../src/federation/dns/load-balancer.ts';

const service = (ingress: unknown[] | undefined, type = 'LoadBalancer'): KubeObject => ({
  metadata: { name: 'nginx', namespace: 'ns' },
  spec: { type },
  status: { loadBalancer: ingress === undefined ? {} : { ingress } },
});
const seen = (object: KubeObject | undefined): MemberObservation => ({ known: true, object });
const ready = (name: string, region = `r-${name}`, zones = [`z-${name}`]): ClusterView => ({
  name,
  ready: true,
  region,
  zones,
});

function input(over: Partial<ServiceRecordInput>): ServiceRecordInput {
  return {
    domain: 'example.com',
    allowServiceWithoutEndpoints: false,
    clusters: [],
    services: new Map(),
    readyEndpoints: new Map(),
    previous: undefined,
    ...over,
  };
}

describe('serviceRecordStatus (spec §10.1)', () => {
  it('one entry per ready cluster, sorted by cluster, with region, zones and the sorted load balancer', () => {
    const { status, problems } = serviceRecordStatus(
      input({
        clusters: [ready('c2'), ready('c1')],
        services: new Map([
          [
            'c1',
            seen(
              service([
                { ip: '10.0.0.9' },
                { ip: '10.0.0.1', hostname: 'b' },
                { ip: '10.0.0.1', hostname: 'a' },
              ]),
            ),
          ],
          ['c2', seen(undefined)],
        ]),
        readyEndpoints: new Map([
          ['c1', 1],
          ['c2', 1],
        ]),
      }),
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(status, {
      domain: 'example.com',
      dns: [
        {
          cluster: 'c1',
          loadBalancer: {
            ingress: [
              { ip: '10.0.0.1', hostname: 'a' },
              { ip: '10.0.0.1', hostname: 'b' },
              { ip: '10.0.0.9' },
            ],
          },
          zones: ['z-c1'],
          region: 'r-c1',
        },
        // Service absent in c2: an empty load balancer.
        { cluster: 'c2', loadBalancer: {}, zones: ['z-c2'], region: 'r-c2' },
      ],
    });
  });

  it('no entry: no dns field (Go omitempty)', () => {
    assert.deepEqual(serviceRecordStatus(input({})).status, { domain: 'example.com' });
    assert.deepEqual(
      ingressRecordStatus({ clusters: [], ingresses: new Map(), previous: undefined }),
      {},
    );
  });

  it('JSON fidelity: an entry without load balancer serialises as "loadBalancer":{} in Go field order', () => {
    const { status } = serviceRecordStatus(
      input({ clusters: [ready('c1')], services: new Map([['c1', seen(service([]))]]) }),
    );
    assert.equal(
      JSON.stringify(status),
      '{"domain":"example.com","dns":[{"cluster":"c1","loadBalancer":{},"zones":["z-c1"],"region":"r-c1"}]}',
    );
  });

  it('only ip and hostname of each ingress point are kept (the CRD schema prunes the rest)', () => {
    assert.deepEqual(
      recordLoadBalancer({ ingress: [{ ip: '10.0.0.1', ipMode: 'VIP', ports: [{ port: 80 }] }] }),
      { ingress: [{ ip: '10.0.0.1' }] },
    );
    assert.deepEqual(recordLoadBalancer({ ingress: [{}, 'x', null] }), {});
    assert.deepEqual(recordLoadBalancer(undefined), {});
  });

  it('a Service without ready endpoints gets no address unless allowServiceWithoutEndpoints', () => {
    const base = {
      clusters: [ready('c1')],
      services: new Map([['c1', seen(service([{ ip: '10.0.0.1' }]))]]),
      readyEndpoints: new Map([['c1', 0]]),
    };
    assert.deepEqual(serviceRecordStatus(input(base)).status.dns?.[0]?.loadBalancer, {});
    assert.deepEqual(
      serviceRecordStatus(input({ ...base, allowServiceWithoutEndpoints: true })).status.dns?.[0]
        ?.loadBalancer,
      { ingress: [{ ip: '10.0.0.1' }] },
    );
  });

  it('fixed v0.6.1 defect: an unready cluster keeps its previous entry, without load balancer', () => {
    const previous = {
      domain: 'example.com',
      dns: [
        {
          cluster: 'c1',
          loadBalancer: { ingress: [{ ip: '10.0.0.1' }] },
          zones: ['z1'],
          region: 'r1',
        },
        {
          cluster: 'gone',
          loadBalancer: { ingress: [{ ip: '10.0.0.3' }] },
          zones: ['z3'],
          region: 'r3',
        },
      ],
    };
    const { status } = serviceRecordStatus(
      input({
        // Unjoined clusters ("gone") are dropped; an unready one with no previous entry adds none.
        clusters: [
          { name: 'c1', ready: false, region: 'new', zones: ['new'] },
          { name: 'c4', ready: false },
        ],
        previous,
      }),
    );
    assert.deepEqual(status.dns, [
      { cluster: 'c1', loadBalancer: {}, zones: ['z1'], region: 'r1' },
    ]);
  });

  it('a ready cluster whose member cache cannot be read keeps its previous entry as it was', () => {
    const entry = {
      cluster: 'c1',
      loadBalancer: { ingress: [{ ip: '10.0.0.1' }] },
      zones: ['z1'],
      region: 'r1',
    };
    const { status } = serviceRecordStatus(
      input({
        clusters: [ready('c1'), ready('c2')],
        services: new Map([
          ['c1', { known: false }],
          ['c2', { known: false }],
        ]),
        previous: { domain: 'example.com', dns: [entry] },
      }),
    );
    assert.deepEqual(status.dns, [entry]);
  });

  it('fixed v0.6.1 defect: a ready cluster without region or zones is published and reported, not blocking', () => {
    const { status, problems } = serviceRecordStatus(
      input({
        clusters: [
          { name: 'bare', ready: true },
          { name: 'noZones', ready: true, region: 'r1', zones: [] },
          ready('ok'),
        ],
        services: new Map([
          ['bare', seen(service([{ ip: '10.0.0.1' }]))],
          ['noZones', seen(service([{ ip: '10.0.0.2' }]))],
          ['ok', seen(service([{ ip: '10.0.0.3' }]))],
        ]),
        readyEndpoints: new Map([
          ['bare', 1],
          ['noZones', 1],
          ['ok', 1],
        ]),
      }),
    );
    assert.deepEqual(status.dns, [
      { cluster: 'bare', loadBalancer: { ingress: [{ ip: '10.0.0.1' }] } },
      { cluster: 'noZones', loadBalancer: { ingress: [{ ip: '10.0.0.2' }] }, region: 'r1' },
      {
        cluster: 'ok',
        loadBalancer: { ingress: [{ ip: '10.0.0.3' }] },
        zones: ['z-ok'],
        region: 'r-ok',
      },
    ]);
    assert.deepEqual(
      problems.map((p) => [p.cluster, p.reason]),
      [
        ['bare', 'ClusterTopologyUnknown'],
        ['noZones', 'ClusterTopologyUnknown'],
      ],
    );
    assert.match(problems[0]?.message ?? '', /kubefedctl join bare --region REGION --zones/);
  });

  it('issue 370: a Service of another type has no address and is reported', () => {
    const { status, problems } = serviceRecordStatus(
      input({
        clusters: [ready('c1')],
        services: new Map([['c1', seen(service(undefined, 'NodePort'))]]),
        readyEndpoints: new Map([['c1', 3]]),
      }),
    );
    assert.deepEqual(status.dns?.[0]?.loadBalancer, {});
    assert.deepEqual(
      problems.map((p) => p.reason),
      ['ServiceNotLoadBalancer'],
    );
    assert.match(problems[0]?.message ?? '', /ns\/nginx in cluster "c1" has type NodePort/);
    // No type at all is ClusterIP.
    const untyped: KubeObject = { metadata: { name: 'nginx', namespace: 'ns' }, spec: {} };
    assert.match(
      serviceRecordStatus(
        input({ clusters: [ready('c1')], services: new Map([['c1', seen(untyped)]]) }),
      ).problems[0]?.message ?? '',
      /type ClusterIP/,
    );
  });
});

describe('ingressRecordStatus (spec §10.2)', () => {
  const ingress = (ip: string): KubeObject => ({
    status: { loadBalancer: { ingress: [{ ip, ports: [] }] } },
  });

  it('every ready cluster with its Ingress load balancer or {}; unready clusters are left out', () => {
    const status = ingressRecordStatus({
      clusters: [ready('c3'), ready('c1'), { name: 'c2', ready: false }],
      ingresses: new Map([
        ['c1', seen(ingress('10.0.0.1'))],
        ['c3', seen(undefined)],
      ]),
      previous: { dns: [{ cluster: 'c2', loadBalancer: { ingress: [{ ip: '10.0.0.2' }] } }] },
    });
    assert.deepEqual(status, {
      dns: [
        { cluster: 'c1', loadBalancer: { ingress: [{ ip: '10.0.0.1' }] } },
        { cluster: 'c3', loadBalancer: {} },
      ],
    });
  });

  it('a ready cluster whose cache cannot be read keeps its previous entry', () => {
    const entry = { cluster: 'c1', loadBalancer: { ingress: [{ ip: '10.0.0.1' }] } };
    assert.deepEqual(
      ingressRecordStatus({
        clusters: [ready('c1')],
        ingresses: new Map(),
        previous: { dns: [entry] },
      }),
      { dns: [entry] },
    );
  });
});

describe('readyEndpointCount', () => {
  it('counts addresses of endpoints not marked unready, across slices', () => {
    const slices: KubeObject[] = [
      {
        endpoints: [
          { addresses: ['10.1.0.1'], conditions: { ready: true } },
          { addresses: ['10.1.0.2'] },
          { addresses: ['10.1.0.3'], conditions: { ready: false } },
        ],
      },
      { endpoints: [{ addresses: ['10.1.0.4', '10.1.0.5'], conditions: {} }] },
      { endpoints: null },
      {},
    ];
    assert.equal(readyEndpointCount(slices), 4);
    assert.equal(readyEndpointCount([]), 0);
  });
});
