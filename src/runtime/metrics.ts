// The metric set KubeFed's controller-manager exposes (spec §12), on prom-client. Controllers see
// only the small recording interfaces below, so this is the one module that knows the library.
import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  exponentialBuckets,
} from 'prom-client';

// Callers (the manager, the HTTP server, tests) name the registry without naming the library.
export { Registry as MetricsRegistry } from 'prom-client';

/** One value per label name. */
export type LabelValues<L extends string> = { readonly [K in L]: string };

export interface LabelledCounter<L extends string> {
  labels(values: LabelValues<L>): { inc(by?: number): void };
}

export interface LabelledGauge<L extends string> {
  labels(values: LabelValues<L>): {
    set(value: number): void;
    inc(by?: number): void;
    dec(by?: number): void;
  };
}

export interface LabelledHistogram<L extends string> {
  labels(values: LabelValues<L>): DurationHistogram;
}

export interface DurationHistogram {
  observe(seconds: number): void;
}

/** KubeFed's duration buckets (spec §12, first group). */
export const KUBEFED_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 7.5, 10, 12.5, 15, 17.5, 20, 22.5, 25, 27.5, 30, 50, 75, 100,
  1000,
]);

/** controller-runtime's reconcile time buckets, 5 ms to 60 s. */
export const RECONCILE_TIME_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1,
  1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
]);

/** client-go's workqueue latency buckets: 10 ns to 10 s. */
export const WORKQUEUE_DURATION_BUCKETS: readonly number[] = Object.freeze(
  exponentialBuckets(10e-9, 10, 10),
);

interface Family<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
}

/**
 * Children by label values. As client_golang's `WithLabelValues`, the first `labels()` call creates
 * the series at zero (prom-client would wait for the first value), so dashboards see zeros rather
 * than gaps; label names are sorted so the text does not depend on the caller's key order.
 */
function children<L extends string, C>(
  labelNames: readonly L[],
  create: (labels: LabelValues<L>) => C,
): (values: LabelValues<L>) => C {
  const sorted = [...labelNames].sort();
  const known = new Map<string, C>();
  return (values) => {
    const key = JSON.stringify(sorted.map((name) => values[name]));
    let child = known.get(key);
    if (child === undefined) {
      child = create(
        Object.fromEntries(sorted.map((name) => [name, values[name]])) as LabelValues<L>,
      );
      known.set(key, child);
    }
    return child;
  };
}

function labelledCounter<L extends string>(
  registry: Registry,
  family: Family<L>,
): LabelledCounter<L> {
  const metric = new Counter({ ...family, registers: [registry] });
  return {
    labels: children(family.labelNames, (labels) => {
      metric.inc(labels, 0);
      return metric.labels(labels);
    }),
  };
}

function labelledGauge<L extends string>(registry: Registry, family: Family<L>): LabelledGauge<L> {
  const metric = new Gauge({ ...family, registers: [registry] });
  return {
    labels: children(family.labelNames, (labels) => {
      metric.inc(labels, 0);
      return metric.labels(labels);
    }),
  };
}

function labelledHistogram<L extends string>(
  registry: Registry,
  family: Family<L>,
  buckets: readonly number[],
): LabelledHistogram<L> {
  const metric = new Histogram({ ...family, buckets: [...buckets], registers: [registry] });
  return {
    labels: children(family.labelNames, (labels) => {
      metric.zero(labels);
      return metric.labels(labels);
    }),
  };
}

/** An unlabelled KubeFed duration histogram. */
function kubefedDuration(registry: Registry, name: string, help: string): DurationHistogram {
  return new Histogram({
    name,
    help,
    buckets: [...KUBEFED_DURATION_BUCKETS],
    registers: [registry],
  });
}

function recorder(metric: DurationHistogram): (seconds: number) => void {
  return (seconds) => {
    metric.observe(seconds);
  };
}

// ---- The controller machinery's metrics: controller-runtime's and client-go workqueue's names.

export interface ControllerMetrics {
  reconcileTotal: LabelledCounter<'controller' | 'result'>;
  reconcileErrorsTotal: LabelledCounter<'controller'>;
  reconcileTimeSeconds: LabelledHistogram<'controller'>;
  maxConcurrentReconciles: LabelledGauge<'controller'>;
  activeWorkers: LabelledGauge<'controller'>;
  workQueueDepth: LabelledGauge<'name'>;
  workQueueAddsTotal: LabelledCounter<'name'>;
  workQueueQueueDurationSeconds: LabelledHistogram<'name'>;
  workQueueWorkDurationSeconds: LabelledHistogram<'name'>;
  workQueueRetriesTotal: LabelledCounter<'name'>;
}

export function registerControllerMetrics(registry: Registry): ControllerMetrics {
  const controller = ['controller'] as const;
  const name = ['name'] as const;
  return {
    reconcileTotal: labelledCounter(registry, {
      name: 'controller_runtime_reconcile_total',
      help: 'Total number of reconciliations per controller',
      labelNames: ['controller', 'result'],
    }),
    reconcileErrorsTotal: labelledCounter(registry, {
      name: 'controller_runtime_reconcile_errors_total',
      help: 'Total number of reconciliation errors per controller',
      labelNames: controller,
    }),
    reconcileTimeSeconds: labelledHistogram(
      registry,
      {
        name: 'controller_runtime_reconcile_time_seconds',
        help: 'Length of time per reconciliation per controller',
        labelNames: controller,
      },
      RECONCILE_TIME_BUCKETS,
    ),
    maxConcurrentReconciles: labelledGauge(registry, {
      name: 'controller_runtime_max_concurrent_reconciles',
      help: 'Maximum number of concurrent reconciles per controller',
      labelNames: controller,
    }),
    activeWorkers: labelledGauge(registry, {
      name: 'controller_runtime_active_workers',
      help: 'Number of currently used workers per controller',
      labelNames: controller,
    }),
    workQueueDepth: labelledGauge(registry, {
      name: 'workqueue_depth',
      help: 'Current depth of workqueue',
      labelNames: name,
    }),
    workQueueAddsTotal: labelledCounter(registry, {
      name: 'workqueue_adds_total',
      help: 'Total number of adds handled by workqueue',
      labelNames: name,
    }),
    workQueueQueueDurationSeconds: labelledHistogram(
      registry,
      {
        name: 'workqueue_queue_duration_seconds',
        help: 'How long in seconds an item stays in workqueue before being requested.',
        labelNames: name,
      },
      WORKQUEUE_DURATION_BUCKETS,
    ),
    workQueueWorkDurationSeconds: labelledHistogram(
      registry,
      {
        name: 'workqueue_work_duration_seconds',
        help: 'How long in seconds processing an item from workqueue takes.',
        labelNames: name,
      },
      WORKQUEUE_DURATION_BUCKETS,
    ),
    workQueueRetriesTotal: labelledCounter(registry, {
      name: 'workqueue_retries_total',
      help: 'Total number of retries handled by workqueue',
      labelNames: name,
    }),
  };
}

// ---- KubeFed's own metrics (pkg/metrics of KubeFed v0.10).

export const ClusterState = {
  Ready: 'ready',
  NotReady: 'notready',
  Offline: 'offline',
} as const;
export type ClusterState = (typeof ClusterState)[keyof typeof ClusterState];

/**
 * `kubefedcluster_total` and `joined_cluster_total`. Change them only through
 * `recordClusterState` and `forgetClusterState`, which keep the count equal to the clusters that
 * have state series.
 */
export interface ClusterStateGauge {
  readonly byState: {
    set(labels: LabelValues<'cluster' | 'state'>, value: number): void;
    remove(labels: LabelValues<'cluster' | 'state'>): void;
  };
  readonly joined: { set(value: number): void };
  readonly clusters: Set<string>;
}

export interface KubeFedMetrics extends ControllerMetrics {
  /** Pass to `recordClusterState` and `forgetClusterState`. */
  kubefedClusterTotal: ClusterStateGauge;
  clusterHealthStatusDuration: DurationHistogram;
  clusterClientConnectionDuration: DurationHistogram;
  /**
   * Call once per sync reconcile of a federated object that exists, with the reconcile's duration
   * (reconcile_federated_resources_duration_seconds; deprecated in KubeFed, still exposed).
   */
  recordFederatedResourceReconcile(seconds: number): void;
  joinClusterDuration: DurationHistogram;
  unjoinClusterDuration: DurationHistogram;
  dispatchOperationDuration: LabelledHistogram<'action'>;
  /** Deprecated in KubeFed, replaced by controller_runtime_reconcile_time_seconds. */
  controllerReconcileDuration: LabelledHistogram<'controller'>;
  /** kubefed-ts: status subresource writes of federated objects, per sync controller. */
  federatedStatusWrites: LabelledCounter<'controller'>;
  /**
   * kubefed-ts: from the first member status change a pass had not collected yet to the end of the
   * pass that collected it (written, or found unchanged).
   */
  statusCollectionDuration: LabelledHistogram<'controller'>;
}

/**
 * Registers every metric of spec §12 (the deprecated summary excepted) and prom-client's default
 * process and Node.js metrics.
 */
export function registerKubeFedMetrics(registry: Registry): KubeFedMetrics {
  // prom-client samples event-loop delay every 10 ms by default: 100 wake-ups a second cost an
  // idle manager about 1 % of a core. 100 ms still shows the lags that matter to a controller.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
  return {
    ...registerControllerMetrics(registry),
    kubefedClusterTotal: registerClusterStateGauge(registry),
    clusterHealthStatusDuration: kubefedDuration(
      registry,
      'cluster_health_status_duration_seconds',
      'Time taken for the cluster health periodic function.',
    ),
    clusterClientConnectionDuration: kubefedDuration(
      registry,
      'cluster_client_connection_duration_seconds',
      'Time taken for the cluster client connection function.',
    ),
    recordFederatedResourceReconcile: recorder(
      kubefedDuration(
        registry,
        'reconcile_federated_resources_duration_seconds',
        '[Deprecated] Time taken to reconcile federated resources in the target clusters. Replaced by controller_runtime_reconcile_time_seconds.',
      ),
    ),
    joinClusterDuration: kubefedDuration(
      registry,
      'join_cluster_duration_seconds',
      'Time taken to join a cluster.',
    ),
    unjoinClusterDuration: kubefedDuration(
      registry,
      'unjoin_cluster_duration_seconds',
      'Time taken to unjoin a cluster.',
    ),
    dispatchOperationDuration: labelledHistogram(
      registry,
      {
        name: 'dispatch_operation_duration_seconds',
        help: 'Time taken to run dispatch operation.',
        labelNames: ['action'],
      },
      KUBEFED_DURATION_BUCKETS,
    ),
    controllerReconcileDuration: labelledHistogram(
      registry,
      {
        name: 'controller_runtime_reconcile_duration_seconds',
        help: '[Deprecated] Time taken by various parts of Kubefed controllers reconciliation loops. Replaced by controller_runtime_reconcile_time_seconds.',
        labelNames: ['controller'],
      },
      KUBEFED_DURATION_BUCKETS,
    ),
    federatedStatusWrites: labelledCounter(registry, {
      name: 'federated_status_writes_total',
      help: 'Number of status updates of federated objects written by the sync controllers.',
      labelNames: ['controller'],
    }),
    statusCollectionDuration: labelledHistogram(
      registry,
      {
        name: 'status_collection_duration_seconds',
        help: "Time from a member object's status change to the sync pass that collected it into the federated object's status.",
        labelNames: ['controller'],
      },
      KUBEFED_DURATION_BUCKETS,
    ),
  };
}

function registerClusterStateGauge(registry: Registry): ClusterStateGauge {
  return {
    byState: new Gauge({
      name: 'kubefedcluster_total',
      help: 'Number of total kubefed cluster in a specific state.',
      labelNames: ['cluster', 'state'],
      registers: [registry],
    }),
    // KubeFed only counts joins in the kubefedctl process, so its controller-manager always
    // exposes 0; here it is the number of KubeFedClusters the cluster controller knows.
    joined: new Gauge({
      name: 'joined_cluster_total',
      help: 'Number of total joined clusters.',
      registers: [registry],
    }),
    clusters: new Set(),
  };
}

/** Sets `kubefedcluster_total` to 1 for the cluster's state and 0 for the others, as KubeFed does. */
export function recordClusterState(
  gauge: ClusterStateGauge,
  cluster: string,
  state: ClusterState,
): void {
  for (const each of Object.values(ClusterState)) {
    gauge.byState.set({ cluster, state: each }, each === state ? 1 : 0);
  }
  gauge.clusters.add(cluster);
  gauge.joined.set(gauge.clusters.size);
}

/** Drops every series of a removed cluster, and counts it out of `joined_cluster_total`. */
export function forgetClusterState(gauge: ClusterStateGauge, cluster: string): void {
  for (const state of Object.values(ClusterState)) gauge.byState.remove({ cluster, state });
  gauge.clusters.delete(cluster);
  gauge.joined.set(gauge.clusters.size);
}
