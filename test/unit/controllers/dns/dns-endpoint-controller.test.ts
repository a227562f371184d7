// One pass of a DNSEndpoint controller over fake caches and a recording host: what it writes, and
// what each host answer or resolver failure turns into.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  DNSEndpoint,
  DNSEndpointRecord,
  ServiceDNSRecord,
} from '../../../../src/apis/types.ts';
import {
  reconcileDNSEndpoint,
  type DNSEndpointContext,
} from '../../../../src/controllers/dns/dns-endpoint-controller.ts';
import { serviceDNSEndpoints } from '../../../../src/federation/dns/dns-endpoints.ts';
import type { KubeObject } from '../../../../src/json/object.ts';
import { ApiError } from '../../../../src/kube/errors.ts';
import { Logger } from '../../../../src/runtime/logger.ts';
import { ReconcileResult, requeueAfter } from '../../../../src/runtime/reconcile-worker.ts';

const record: ServiceDNSRecord = {
  metadata: { name: 'web', namespace: 'ns' },
  spec: { domainRef: 'fed' },
  status: {
    domain: 'example.com',
    dns: [{ cluster: 'c1', loadBalancer: { ingress: [{ hostname: 'lb.example.net' }] } }],
  },
};
const desired = [
  { dnsName: 'web.ns.fed.svc.example.com', targets: ['10.0.0.1'], recordType: 'A', recordTTL: 180 },
];

function apiError(statusCode: number, reason: string): ApiError {
  return new ApiError(
    statusCode,
    { kind: 'Status', status: 'Failure', reason, message: reason, code: statusCode },
    { cluster: 'host', verb: 'POST', path: '/', server: 'https://127.0.0.1' },
  );
}

function context(options: {
  record?: ServiceDNSRecord;
  existing?: DNSEndpoint;
  fail?: ApiError;
  resolve?: DNSEndpointContext<ServiceDNSRecord>['resolve'];
}) {
  const writes: { verb: string; object: unknown }[] = [];
  const events: string[] = [];
  const write = (verb: string) => (_ref: unknown, object: unknown) => {
    writes.push({ verb, object });
    return options.fail ? Promise.reject(options.fail) : Promise.resolve(object as KubeObject);
  };
  const cache = (key: string, value: KubeObject | undefined) => ({
    hasSynced: () => true,
    get: (k: string) => (k === key ? value : undefined),
  });
  const ctx: DNSEndpointContext<ServiceDNSRecord> = {
    kind: 'service',
    host: {
      create: write('create'),
      update: write('update'),
      delete: write('delete'),
    } as unknown as DNSEndpointContext<ServiceDNSRecord>['host'],
    records: cache('ns/web', options.record),
    dnsEndpoints: cache('ns/service-web', options.existing),
    endpointsOf: serviceDNSEndpoints,
    resolve:
      options.resolve ?? ((names) => Promise.resolve(new Map(names.map((n) => [n, ['10.0.0.1']])))),
    events: {
      record: (_obj: KubeObject, type: string, reason: string) => events.push(`${type} ${reason}`),
    } as unknown as DNSEndpointContext<ServiceDNSRecord>['events'],
    logger: new Logger({ sink: () => undefined }),
  };
  return { ctx, writes, events };
}

const signal = new AbortController().signal;
const existing = (endpoints: DNSEndpointRecord[]): DNSEndpoint => ({
  metadata: { name: 'service-web', namespace: 'ns', resourceVersion: '5' },
  spec: { endpoints },
});

describe('reconcileDNSEndpoint', () => {
  it('creates service-<record> with the resolved endpoints', async () => {
    const { ctx, writes } = context({ record });
    assert.equal(await reconcileDNSEndpoint(ctx, 'ns/web', signal), ReconcileResult.AllOK);
    assert.deepEqual(writes, [
      {
        verb: 'create',
        object: {
          apiVersion: 'multiclusterdns.kubefed.io/v1alpha1',
          kind: 'DNSEndpoint',
          metadata: { name: 'service-web', namespace: 'ns' },
          spec: { endpoints: desired },
        },
      },
    ]);
  });

  it('writes nothing when the endpoints are the same; updates over the cached copy when not', async () => {
    const same = context({ record, existing: existing(desired) });
    assert.equal(await reconcileDNSEndpoint(same.ctx, 'ns/web', signal), ReconcileResult.AllOK);
    assert.deepEqual(same.writes, []);
    const stale = context({ record, existing: existing([]) });
    await reconcileDNSEndpoint(stale.ctx, 'ns/web', signal);
    assert.deepEqual(stale.writes, [
      {
        verb: 'update',
        object: { ...existing([]), spec: { endpoints: desired } },
      },
    ]);
  });

  it('deletes the DNSEndpoint of a deleted record; already gone is fine', async () => {
    const gone = context({ existing: existing(desired), fail: apiError(404, 'NotFound') });
    assert.equal(await reconcileDNSEndpoint(gone.ctx, 'ns/web', signal), ReconcileResult.AllOK);
    assert.deepEqual(
      gone.writes.map((w) => w.verb),
      ['delete'],
    );
  });

  it('a stale cache (conflict, already exists) comes back soon; other failures back off', async () => {
    const conflict = context({ record, existing: existing([]), fail: apiError(409, 'Conflict') });
    assert.deepEqual(await reconcileDNSEndpoint(conflict.ctx, 'ns/web', signal), requeueAfter(200));
    const exists = context({ record, fail: apiError(409, 'AlreadyExists') });
    assert.deepEqual(await reconcileDNSEndpoint(exists.ctx, 'ns/web', signal), requeueAfter(200));
    const forbidden = context({ record, fail: apiError(403, 'Forbidden') });
    assert.equal(
      await reconcileDNSEndpoint(forbidden.ctx, 'ns/web', signal),
      ReconcileResult.Error,
    );
  });

  it('a load-balancer host name that does not resolve: a Warning Event and a retry, nothing written', async () => {
    const { ctx, writes, events } = context({
      record,
      resolve: () => Promise.reject(new Error('resolving load balancer host name lb.example.net')),
    });
    assert.equal(await reconcileDNSEndpoint(ctx, 'ns/web', signal), ReconcileResult.Error);
    assert.deepEqual(writes, []);
    assert.deepEqual(events, ['Warning DNSEndpointsFailed']);
  });

  it('waits for its caches', async () => {
    const { ctx } = context({ record });
    ctx.records = { hasSynced: () => false, get: () => undefined };
    assert.equal(await reconcileDNSEndpoint(ctx, 'ns/web', signal), ReconcileResult.NotSynced);
  });
});
