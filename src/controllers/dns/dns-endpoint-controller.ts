// The DNSEndpoint controllers (spec §10.3), one for ServiceDNSRecords and one for
// IngressDNSRecords: keep, for each record, the DNSEndpoint `<kind>-<record>` in its namespace
// whose endpoints the pure core computes from the record's status, for external-dns to publish.
// Both follow the records and the DNSEndpoints through shared host informers (so an unchanged
// record costs no request, and a DNSEndpoint edited or deleted by someone else is put back),
// create or update only when the endpoints differ, and delete the DNSEndpoint with its record.
import { MULTICLUSTER_DNS_V1ALPHA1 } from '../../apis/constants.ts';
import { dnsEndpointsResource, type KubeFedResource } from '../../apis/resources.ts';
import type {
  DNSEndpoint,
  DNSEndpointRecord,
  IngressDNSRecord,
  ServiceDNSRecord,
} from '../../apis/types.ts';
import {
  dnsEndpointName,
  hostnameTargets,
  planDNSEndpointWrite,
  recordLoadBalancers,
  type ResolvedHostnames,
} from '../../federation/dns/dns-endpoints.ts';
import { qualifiedName, type KubeObject } from '../../json/object.ts';
import {
  errorMessage,
  isAlreadyExists,
  isCancelled,
  isConflict,
  isNotFound,
} from '../../kube/errors.ts';
import type { Informer } from '../../kube/informer.ts';
import type { EventRecorder } from '../../runtime/events.ts';
import type { Logger } from '../../runtime/logger.ts';
import { ReconcileResult, ReconcileWorker, requeueAfter } from '../../runtime/reconcile-worker.ts';
import {
  cachesSynced,
  FollowedInformers,
  type DNSControllerDeps,
  type RunningDNSController,
} from './deps.ts';
import type { HostnameResolver } from './resolver.ts';

type DNSRecord = ServiceDNSRecord | IngressDNSRecord;

export interface DNSEndpointControllerOptions<R extends DNSRecord> {
  kind: 'service' | 'ingress';
  /** ServiceDNSRecords or IngressDNSRecords. */
  records: KubeFedResource;
  endpointsOf: (record: R, resolved: ResolvedHostnames) => DNSEndpointRecord[];
  resolve: HostnameResolver;
  /** First retry delay after a failure (doubling up to 300 s); KubeFed's 5 s by default. */
  initialRetryMs?: number;
}

const STALE_CACHE_REQUEUE_MS = 200;
const NOT_SYNCED_DELAY_MS = 1_000;

export interface DNSEndpointContext<R extends DNSRecord> {
  kind: 'service' | 'ingress';
  host: DNSControllerDeps['host'];
  records: Pick<Informer, 'hasSynced' | 'get'>;
  dnsEndpoints: Pick<Informer, 'hasSynced' | 'get'>;
  endpointsOf: (record: R, resolved: ResolvedHostnames) => DNSEndpointRecord[];
  resolve: HostnameResolver;
  events: EventRecorder;
  logger: Logger;
}

export function startDNSEndpointController<R extends DNSRecord>(
  deps: DNSControllerDeps,
  options: DNSEndpointControllerOptions<R>,
): RunningDNSController {
  const name = `${options.kind}-dnsendpoint`;
  const logger = deps.logger.child({ controller: name });
  const worker = new ReconcileWorker({
    name,
    logger,
    metrics: deps.metrics,
    // KubeFed's DNSEndpoint controllers: 2 workers, per-item backoff 5 s → 300 s. Unlike them we
    // never drop a key after 5 failures: a record whose endpoints cannot be written keeps trying.
    maxConcurrentReconciles: 2,
    backoff: { initialMs: options.initialRetryMs ?? 5_000, maxMs: 300_000 },
    clusterSyncDelayMs: NOT_SYNCED_DELAY_MS,
    signal: deps.leadership.signal,
    isLeading: () => deps.leadership.isLeading(),
    reconcile: (key, signal) => reconcileDNSEndpoint(ctx, key, signal),
  });
  const enqueue = (obj: KubeObject): void => worker.enqueue(qualifiedName(obj));
  const followed = new FollowedInformers(deps.informers);
  const records = followed.follow(options.records, deps.targetNamespace, {
    onAdd: enqueue,
    onUpdate: (_old, obj) => enqueue(obj),
    onDelete: enqueue,
  });
  // A DNSEndpoint changed or deleted by someone else: its record's pass puts it back. Only
  // DNSEndpoints of existing records: others may be someone else's.
  const prefix = `${options.kind}-`;
  const enqueueRecordOf = (endpoint: KubeObject): void => {
    const endpointName = endpoint.metadata?.name ?? '';
    if (!endpointName.startsWith(prefix)) return;
    const key = `${endpoint.metadata?.namespace ?? ''}/${endpointName.slice(prefix.length)}`;
    if (records.get(key) !== undefined) worker.enqueue(key);
  };
  const dnsEndpoints = followed.follow(dnsEndpointsResource, deps.targetNamespace, {
    onUpdate: (_old, obj) => enqueueRecordOf(obj),
    onDelete: enqueueRecordOf,
  });
  const ctx: DNSEndpointContext<R> = {
    kind: options.kind,
    host: deps.host,
    records,
    dnsEndpoints,
    endpointsOf: options.endpointsOf,
    resolve: options.resolve,
    events: deps.events.recorder(`${name}-controller`),
    logger,
  };
  const cancelLeading = deps.leadership.whenLeading(() => {
    worker.start();
    for (const key of records.keys()) worker.enqueue(key);
  });
  return {
    async stop() {
      cancelLeading();
      followed.removeHandlers();
      await worker.stop();
      await followed.release();
    },
  };
}

export async function reconcileDNSEndpoint<R extends DNSRecord>(
  ctx: DNSEndpointContext<R>,
  key: string,
  signal: AbortSignal,
): Promise<ReconcileResult> {
  if (!cachesSynced([ctx.records, ctx.dnsEndpoints], [])) return ReconcileResult.NotSynced;
  const slash = key.indexOf('/');
  const namespace = key.slice(0, slash);
  const name = dnsEndpointName(ctx.kind, key.slice(slash + 1));
  const logger = ctx.logger.child({ object: `${namespace}/${name}` });
  const record = ctx.records.get(key) as R | undefined;
  const existing = ctx.dnsEndpoints.get(`${namespace}/${name}`) as DNSEndpoint | undefined;

  let desired: DNSEndpointRecord[] | undefined;
  if (record !== undefined) {
    try {
      const resolved = await ctx.resolve(hostnameTargets(recordLoadBalancers(record)));
      desired = ctx.endpointsOf(record, resolved);
    } catch (error) {
      if (isCancelled(signal)) return ReconcileResult.Error;
      const message = `Computing the DNS endpoints failed; retrying with backoff: ${errorMessage(error)}`;
      logger.error('Computing the DNS endpoints failed; retrying with backoff', error);
      ctx.events.record(record, 'Warning', 'DNSEndpointsFailed', message);
      return ReconcileResult.Error;
    }
  }
  const write = planDNSEndpointWrite(
    desired,
    existing === undefined ? undefined : { endpoints: existing.spec.endpoints },
  );
  try {
    switch (write.action) {
      case 'none':
        return ReconcileResult.AllOK;
      case 'create':
        logger.v(2).info('Creating DNSEndpoint', { endpoints: write.endpoints.length });
        await ctx.host.create(
          dnsEndpointsResource,
          {
            apiVersion: MULTICLUSTER_DNS_V1ALPHA1,
            kind: 'DNSEndpoint',
            metadata: { name, namespace },
            spec: { endpoints: write.endpoints },
          },
          { signal },
        );
        return ReconcileResult.AllOK;
      case 'update':
        logger.v(2).info('Updating DNSEndpoint', { endpoints: write.endpoints.length });
        await ctx.host.update(
          dnsEndpointsResource,
          { ...existing, spec: { ...existing?.spec, endpoints: write.endpoints } },
          { signal },
        );
        return ReconcileResult.AllOK;
      case 'delete':
        logger.v(2).info('Deleting DNSEndpoint of a deleted record');
        await ctx.host.delete(dnsEndpointsResource, name, { namespace, signal });
        return ReconcileResult.AllOK;
    }
  } catch (error) {
    if (isCancelled(signal)) return ReconcileResult.Error;
    if (write.action === 'delete' && isNotFound(error)) return ReconcileResult.AllOK;
    // Our cache is behind the server; its watch event brings the newer copy.
    if (isConflict(error) || isAlreadyExists(error) || isNotFound(error)) {
      return requeueAfter(STALE_CACHE_REQUEUE_MS);
    }
    logger.error(`Writing the DNSEndpoint failed (${write.action}); retrying with backoff`, error);
    return ReconcileResult.Error;
  }
}
