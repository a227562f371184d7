// The IngressDNS controller (spec §10.2): fills each IngressDNSRecord's status with, per ready
// cluster, the load balancer of the member Ingress of the same namespace and name. Member
// Ingresses are read as `networking.k8s.io/v1` (v0.6.1 read `extensions/v1beta1`, which
// Kubernetes no longer serves since 1.22), through a federated informer that sees managed ones
// only. Handlers only enqueue keys; the pass writes the status only when it changed.
import { isDeepStrictEqual } from 'node:util';
import { ingressDNSRecordsResource } from '../../apis/resources.ts';
import type { IngressDNSRecord } from '../../apis/types.ts';
import { ingressRecordStatus } from '../../federation/dns/record-status.ts';
import { isCancelled, isConflict, isNotFound } from '../../kube/errors.ts';
import type { Informer } from '../../kube/informer.ts';
import type { ResourceRef } from '../../kube/resource.ts';
import type { FederatedInformer } from '../../multicluster/federated-informer.ts';
import type { Logger } from '../../runtime/logger.ts';
import { ReconcileResult, requeueAfter } from '../../runtime/reconcile-worker.ts';
import {
  cachesSynced,
  clusterViews,
  observeMember,
  type DNSControllerDeps,
  type RunningDNSController,
} from './deps.ts';
import { recordStatusController } from './record-status-controller.ts';

export const ingressesResource: ResourceRef = {
  group: 'networking.k8s.io',
  version: 'v1',
  resource: 'ingresses',
  namespaced: true,
};

const STALE_CACHE_REQUEUE_MS = 200;

export interface IngressDNSContext {
  host: DNSControllerDeps['host'];
  records: Pick<Informer, 'hasSynced' | 'get'>;
  clusters: DNSControllerDeps['clusters'];
  ingresses: FederatedInformer;
  logger: Logger;
}

export function startIngressDNSController(deps: DNSControllerDeps): RunningDNSController {
  const controller = recordStatusController(deps, {
    name: 'ingressdns',
    records: ingressDNSRecordsResource,
    reconcile: (key, signal) => reconcileIngressDNS(ctx, key, signal),
  });
  const ctx: IngressDNSContext = {
    host: deps.host,
    records: controller.records,
    clusters: deps.clusters,
    ingresses: controller.members(ingressesResource),
    logger: controller.logger,
  };
  return controller.start();
}

export async function reconcileIngressDNS(
  ctx: IngressDNSContext,
  key: string,
  signal: AbortSignal,
): Promise<ReconcileResult> {
  if (!cachesSynced([ctx.records], [ctx.ingresses])) return ReconcileResult.NotSynced;
  const record = ctx.records.get(key) as IngressDNSRecord | undefined;
  if (record === undefined) return ReconcileResult.AllOK;
  const clusters = clusterViews(ctx.clusters);
  const ingresses = new Map(
    clusters
      .filter((c) => c.ready)
      .map((c) => [c.name, observeMember(ctx.ingresses, c.name, key)] as const),
  );
  const status = ingressRecordStatus({ clusters, ingresses, previous: record.status });
  if (isDeepStrictEqual(record.status ?? {}, status)) return ReconcileResult.AllOK;

  const logger = ctx.logger.child({ object: key });
  logger.v(2).info('Updating IngressDNSRecord status', { clusters: status.dns?.length ?? 0 });
  try {
    await ctx.host.updateStatus(ingressDNSRecordsResource, { ...record, status }, { signal });
    return ReconcileResult.AllOK;
  } catch (error) {
    if (isCancelled(signal)) return ReconcileResult.Error;
    if (isConflict(error)) return requeueAfter(STALE_CACHE_REQUEUE_MS);
    if (isNotFound(error)) return ReconcileResult.AllOK;
    logger.error('Updating the IngressDNSRecord status failed; retrying with backoff', error);
    return ReconcileResult.Error;
  }
}
