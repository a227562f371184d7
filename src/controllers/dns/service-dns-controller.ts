// The ServiceDNS controller (spec §10.1): fills each ServiceDNSRecord's status with, per cluster,
// its region, zones and the load balancer of the member Service of the same namespace and name.
// It follows the records and the Domains on the host, the managed member Services and their
// EndpointSlices through federated informers, and the KubeFedClusters (readiness, region, zones);
// handlers only enqueue keys. The pass decides with the pure core (`federation/dns/`), writes the
// status only when it changed, and reports clusters it cannot publish fully as Events.
//
// EndpointSlices (`discovery.k8s.io/v1`), not Endpoints: the v1 Endpoints API is deprecated since
// Kubernetes 1.33. The EndpointSlice controller copies the Service's labels to its slices, so the
// managed label selects them as it selects the Service.
import { isDeepStrictEqual } from 'node:util';
import { domainsResource, serviceDNSRecordsResource } from '../../apis/resources.ts';
import type { Domain, ServiceDNSRecord } from '../../apis/types.ts';
import { readyEndpointCount, serviceRecordStatus } from '../../federation/dns/record-status.ts';
import type { KubeObject } from '../../json/object.ts';
import { isCancelled, isConflict, isNotFound } from '../../kube/errors.ts';
import type { Informer } from '../../kube/informer.ts';
import type { ResourceRef } from '../../kube/resource.ts';
import type { FederatedInformer } from '../../multicluster/federated-informer.ts';
import type { EventRecorder } from '../../runtime/events.ts';
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

export const servicesResource: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'services',
  namespaced: true,
};
export const endpointSlicesResource: ResourceRef = {
  group: 'discovery.k8s.io',
  version: 'v1',
  resource: 'endpointslices',
  namespaced: true,
};
/** The label the EndpointSlice controller puts on each slice: the name of its Service. */
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** After a conflict: soon, once the watch has the newer copy. */
const STALE_CACHE_REQUEUE_MS = 200;

/** What a pass reads and writes through. */
export interface ServiceDNSContext {
  host: DNSControllerDeps['host'];
  kubefedNamespace: string;
  records: Pick<Informer, 'hasSynced' | 'get'>;
  domains: Pick<Informer, 'hasSynced' | 'get'>;
  clusters: DNSControllerDeps['clusters'];
  services: FederatedInformer;
  slices: FederatedInformer;
  events: EventRecorder;
  logger: Logger;
}

export function startServiceDNSController(deps: DNSControllerDeps): RunningDNSController {
  const controller = recordStatusController(deps, {
    name: 'servicedns',
    records: serviceDNSRecordsResource,
    reconcile: (key, signal) => reconcileServiceDNS(ctx, key, signal),
  });
  // Any Domain change may change any record's domain (spec §10.1).
  const domains = controller.followed.follow(domainsResource, deps.kubefedNamespace, {
    onAdd: controller.enqueueAll,
    onUpdate: controller.enqueueAll,
    onDelete: controller.enqueueAll,
  });
  const ctx: ServiceDNSContext = {
    host: deps.host,
    kubefedNamespace: deps.kubefedNamespace,
    records: controller.records,
    domains,
    clusters: deps.clusters,
    services: controller.members(servicesResource),
    slices: controller.members(endpointSlicesResource, serviceKeyOfSlice),
    events: deps.events.recorder('servicedns-controller'),
    logger: controller.logger,
  };
  return controller.start();
}

export async function reconcileServiceDNS(
  ctx: ServiceDNSContext,
  key: string,
  signal: AbortSignal,
): Promise<ReconcileResult> {
  if (!cachesSynced([ctx.records, ctx.domains], [ctx.services, ctx.slices])) {
    return ReconcileResult.NotSynced;
  }
  const record = ctx.records.get(key) as ServiceDNSRecord | undefined;
  if (record === undefined) return ReconcileResult.AllOK;
  const domainRef = record.spec.domainRef;
  const domain = ctx.domains.get(`${ctx.kubefedNamespace}/${domainRef}`) as Domain | undefined;
  if (domain === undefined) {
    // A Domain event queues every record again.
    ctx.events.record(
      record,
      'Warning',
      'DomainNotFound',
      `Domain "${domainRef}" (spec.domainRef) was not found in namespace ${ctx.kubefedNamespace}: create it (multiclusterdns.kubefed.io/v1alpha1 Domain with the DNS zone in its "domain" field) or correct spec.domainRef`,
    );
    return ReconcileResult.AllOK;
  }
  const clusters = clusterViews(ctx.clusters);
  const services = new Map<string, ReturnType<typeof observeMember>>();
  const readyEndpoints = new Map<string, number>();
  const namespace = record.metadata?.namespace ?? '';
  const name = record.metadata?.name ?? '';
  for (const cluster of clusters) {
    if (!cluster.ready) continue;
    // Without its slices (their cache failed: no access, say) the cluster counts as unread, not
    // as a Service without endpoints: its entry stays as it was.
    const slicesRead = ctx.slices.cache(cluster.name).state === 'synced';
    services.set(
      cluster.name,
      slicesRead ? observeMember(ctx.services, cluster.name, key) : { known: false },
    );
    readyEndpoints.set(
      cluster.name,
      readyEndpointCount(slicesOf(ctx.slices, cluster.name, namespace, name)),
    );
  }
  const { status, problems } = serviceRecordStatus({
    domain: domain.domain,
    allowServiceWithoutEndpoints: record.spec.allowServiceWithoutEndpoints === true,
    clusters,
    services,
    readyEndpoints,
    previous: record.status,
  });
  if (isDeepStrictEqual(record.status ?? {}, status)) return ReconcileResult.AllOK;

  const logger = ctx.logger.child({ object: key });
  logger.v(2).info('Updating ServiceDNSRecord status', { clusters: status.dns?.length ?? 0 });
  try {
    await ctx.host.updateStatus(serviceDNSRecordsResource, { ...record, status }, { signal });
  } catch (error) {
    if (isCancelled(signal)) return ReconcileResult.Error;
    if (isConflict(error)) return requeueAfter(STALE_CACHE_REQUEUE_MS);
    if (isNotFound(error)) return ReconcileResult.AllOK;
    logger.error('Updating the ServiceDNSRecord status failed; retrying with backoff', error);
    return ReconcileResult.Error;
  }
  // Reported when the status changes, so an unchanged problem is not repeated every pass.
  for (const problem of problems) {
    ctx.events.record(record, 'Warning', problem.reason, problem.message);
  }
  return ReconcileResult.AllOK;
}

/** The member EndpointSlices of Service `namespace/name` in one cluster. */
function slicesOf(
  slices: Pick<FederatedInformer, 'cache'>,
  cluster: string,
  namespace: string,
  name: string,
): KubeObject[] {
  const cache = slices.cache(cluster);
  if (cache.state !== 'synced') return [];
  return cache
    .list()
    .filter(
      (s) =>
        s.metadata?.namespace === namespace && s.metadata.labels?.[SERVICE_NAME_LABEL] === name,
    );
}

/** A slice's events concern its Service: `ns/<service name>`. */
function serviceKeyOfSlice(slice: KubeObject): string {
  const service = slice.metadata?.labels?.[SERVICE_NAME_LABEL] ?? slice.metadata?.name ?? '';
  return `${slice.metadata?.namespace ?? ''}/${service}`;
}
