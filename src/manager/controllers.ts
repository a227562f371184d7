// The controllers kubefed-controller-manager can run, by name (Karmada's controller registry):
// `--controllers` selects among them (`*`, `name`, `-name`). Each start function gets the one
// shared context: host clients, the shared host informers and cluster registry, and the process's
// leadership. The manager starts them all while it is still a standby, so that their caches are
// synced when it takes over; they begin work when it leads (`leadership.whenLeading`) and its
// signal ends everything they do. New controllers (status, scheduling, DNS) are one entry here.
import { startServiceStatusController } from '../controllers/servicestatus/controller.ts';
import { startSyncController } from '../controllers/sync/controller.ts';
import { ClusterController } from '../controllers/cluster/cluster-controller.ts';
import { TypeConfigController } from '../controllers/typeconfig/controller.ts';
import { SchedulingController } from '../controllers/scheduling/controller.ts';
import { startDNSEndpointController } from '../controllers/dns/dns-endpoint-controller.ts';
import type { DNSControllerDeps } from '../controllers/dns/deps.ts';
import { startIngressDNSController } from '../controllers/dns/ingress-dns-controller.ts';
import { systemResolver, type HostnameResolver } from '../controllers/dns/resolver.ts';
import { startServiceDNSController } from '../controllers/dns/service-dns-controller.ts';
import { ingressDNSRecordsResource, serviceDNSRecordsResource } from '../apis/resources.ts';
import type { IngressDNSRecord, ServiceDNSRecord } from '../apis/types.ts';
import { ingressDNSEndpoints, serviceDNSEndpoints } from '../federation/dns/dns-endpoints.ts';
import type { KubeClient } from '../kube/client.ts';
import type { ClusterRegistry } from '../multicluster/cluster-registry.ts';
import type { HostInformers } from '../multicluster/host-informers.ts';
import type { EventSink } from '../runtime/events.ts';
import type { Leadership } from '../runtime/leadership.ts';
import type { Logger } from '../runtime/logger.ts';
import type { KubeFedMetrics } from '../runtime/metrics.ts';
import type { RuntimeConfig } from './kubefed-config.ts';

/** What every controller shares, built once by the manager. */
export interface ControllerContext {
  host: KubeClient;
  events: EventSink;
  /** The KubeFed system namespace. */
  namespace: string;
  config: RuntimeConfig;
  logger: Logger;
  metrics: KubeFedMetrics;
  informers: HostInformers;
  clusters: ClusterRegistry;
  /** `--status-collection-window`: member status changes of one object within it make one write. */
  statusCollectionWindowMs: number;
  /** `--pod-unschedulable-threshold`: pods unschedulable this long lower their cluster's capacity. */
  podUnschedulableThresholdMs: number;
  /** The controllers are built on a standby and work while the process leads. */
  leadership: Leadership;
  /** `--max-member-rewrites`: same-content rewrites of a member object before writes stop. */
  maxMemberRewrites: number;
  /** Resolves load-balancer host names for the DNSEndpoint controllers; the system's by default. */
  resolveHostnames?: HostnameResolver;
}

export interface RunningController {
  stop(): Promise<void>;
}

export interface ControllerEntry {
  /**
   * Starts the controller on a standby: it follows what it reads (caches, queue) but reconciles
   * and writes nothing until `ctx.leadership` leads. Undefined when its configuration says it
   * must not run.
   */
  start: (ctx: ControllerContext) => RunningController | undefined;
}

export const controllerRegistry: Readonly<Record<string, ControllerEntry>> = {
  kubefedcluster: {
    start(ctx) {
      const controller = new ClusterController({
        host: ctx.host,
        clusters: ctx.clusters,
        options: ctx.config.healthCheck,
        logger: ctx.logger.child({ controller: 'kubefedcluster' }),
        metrics: ctx.metrics,
        events: ctx.events.recorder('kubefedcluster-controller'),
        signal: ctx.leadership.signal,
        topologyFromNodes: ctx.config.featureGates.get('CrossClusterServiceDiscovery') === true,
      });
      // The leader probes; a standby reads the health it publishes (the clusters' conditions).
      const cancelLeading = ctx.leadership.whenLeading(() => controller.start());
      return {
        stop: () => {
          cancelLeading();
          return controller.stop();
        },
      };
    },
  },
  replicaschedulingpreference: {
    start(ctx) {
      const { config, logger } = ctx;
      if (config.featureGates.get('SchedulerPreferences') === false) {
        logger.info(
          'Feature gate SchedulerPreferences is disabled: ReplicaSchedulingPreferences have no effect',
        );
        return undefined;
      }
      const controller = new SchedulingController({
        host: ctx.host,
        events: ctx.events,
        kubefedNamespace: ctx.namespace,
        targetNamespace: config.scope === 'Namespaced' ? ctx.namespace : undefined,
        logger,
        metrics: ctx.metrics,
        // KubeFed's RSP controller has one worker.
        maxConcurrentReconciles: 1,
        informers: ctx.informers,
        clusters: ctx.clusters,
        leadership: ctx.leadership,
        clusterAvailableDelayMs: config.clusterAvailableDelayMs,
        clusterUnavailableDelayMs: config.clusterUnavailableDelayMs,
        unschedulableThresholdMs: ctx.podUnschedulableThresholdMs,
        memberEventDelayMs: ctx.statusCollectionWindowMs,
      });
      controller.start();
      return controller;
    },
  },
  // Multi-cluster DNS (spec §10, as v0.6.1): off unless its gate is on. Each entry runs the
  // record status controller and the DNSEndpoint controller of its kind.
  servicedns: {
    start(ctx) {
      if (ctx.config.featureGates.get('CrossClusterServiceDiscovery') !== true) {
        ctx.logger.info(
          'Feature gate CrossClusterServiceDiscovery is disabled: ServiceDNSRecords have no effect',
        );
        return undefined;
      }
      ctx.logger.info(
        'Feature gate CrossClusterServiceDiscovery is enabled: starting the ServiceDNS and service DNSEndpoint controllers',
      );
      const deps = dnsDeps(ctx);
      return together([
        startServiceDNSController(deps),
        startDNSEndpointController<ServiceDNSRecord>(deps, {
          kind: 'service',
          records: serviceDNSRecordsResource,
          endpointsOf: serviceDNSEndpoints,
          resolve: ctx.resolveHostnames ?? systemResolver,
        }),
      ]);
    },
  },
  ingressdns: {
    start(ctx) {
      if (ctx.config.featureGates.get('FederatedIngress') !== true) {
        ctx.logger.info(
          'Feature gate FederatedIngress is disabled: IngressDNSRecords have no effect',
        );
        return undefined;
      }
      ctx.logger.info(
        'Feature gate FederatedIngress is enabled: starting the IngressDNS and ingress DNSEndpoint controllers',
      );
      const deps = dnsDeps(ctx);
      return together([
        startIngressDNSController(deps),
        startDNSEndpointController<IngressDNSRecord>(deps, {
          kind: 'ingress',
          records: ingressDNSRecordsResource,
          endpointsOf: ingressDNSEndpoints,
          resolve: ctx.resolveHostnames ?? systemResolver,
        }),
      ]);
    },
  },
  federatedtypeconfig: {
    start(ctx) {
      const { config, logger } = ctx;
      if (config.featureGates.get('PushReconciler') === false) {
        logger.info('Feature gate PushReconciler is disabled: no type is propagated');
        return undefined;
      }
      const limitedScope = config.scope === 'Namespaced';
      const targetNamespace = limitedScope ? ctx.namespace : undefined;
      const controller = new TypeConfigController({
        host: ctx.host,
        informers: ctx.informers,
        namespace: ctx.namespace,
        leadership: ctx.leadership,
        limitedScope,
        rawResourceStatusCollection:
          config.featureGates.get('RawResourceStatusCollection') === true,
        logger: logger.child({ controller: 'federatedtypeconfig' }),
        events: ctx.events.recorder('federatedtypeconfig-controller'),
        metrics: ctx.metrics,
        startSyncController: (ftc) =>
          startSyncController(ftc, {
            host: ctx.host,
            events: ctx.events,
            kubefedNamespace: ctx.namespace,
            targetNamespace,
            logger,
            metrics: ctx.metrics,
            maxConcurrentReconciles: config.syncMaxConcurrentReconciles,
            informers: ctx.informers,
            clusters: ctx.clusters,
            leadership: ctx.leadership,
            skipAdoptingResources: config.skipAdoptingResources,
            clusterAvailableDelayMs: config.clusterAvailableDelayMs,
            clusterUnavailableDelayMs: config.clusterUnavailableDelayMs,
            rawResourceStatusCollection:
              config.featureGates.get('RawResourceStatusCollection') === true,
            statusCollectionWindowMs: ctx.statusCollectionWindowMs,
            maxMemberRewrites: ctx.maxMemberRewrites,
          }),
        startStatusController: (ftc) =>
          startServiceStatusController(ftc, {
            host: ctx.host,
            targetNamespace,
            logger,
            metrics: ctx.metrics,
            maxConcurrentReconciles: config.statusMaxConcurrentReconciles,
            informers: ctx.informers,
            clusters: ctx.clusters,
            leadership: ctx.leadership,
            clusterAvailableDelayMs: config.clusterAvailableDelayMs,
            clusterUnavailableDelayMs: config.clusterUnavailableDelayMs,
          }),
      });
      controller.start();
      return controller;
    },
  },
};

function dnsDeps(ctx: ControllerContext): DNSControllerDeps {
  return {
    host: ctx.host,
    events: ctx.events,
    kubefedNamespace: ctx.namespace,
    targetNamespace: ctx.config.scope === 'Namespaced' ? ctx.namespace : undefined,
    logger: ctx.logger,
    metrics: ctx.metrics,
    informers: ctx.informers,
    clusters: ctx.clusters,
    leadership: ctx.leadership,
  };
}

/** Stops controllers started together, in parallel. */
function together(controllers: RunningController[]): RunningController {
  return {
    async stop() {
      await Promise.all(controllers.map((c) => c.stop()));
    },
  };
}

export const knownControllers: readonly string[] = Object.keys(controllerRegistry);
