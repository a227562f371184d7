// A small Prometheus registry (counters, gauges, histograms) rendering the text exposition format
// 0.0.4, plus the metric set KubeFed's controller-manager exposes (spec §12). Output follows the Go
// client byte for byte where it matters to dashboards: families sorted by name, label names sorted,
// `le` last, floats formatted like Go's strconv 'g' (`1e-08`, `+Inf`).

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** One value per label name. */
export type LabelValues<L extends string> = { readonly [K in L]: string };

export interface MetricOptions<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
}

export interface HistogramOptions<L extends string> extends MetricOptions<L> {
  /** Upper bounds, strictly increasing; `+Inf` is implied. */
  buckets: readonly number[];
}

/** Label name and value, in output order. */
type LabelPair = readonly [string, string];
type LabelPairs = readonly LabelPair[];

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Formats a sample value or bucket bound as Go's `strconv.FormatFloat(v, 'g', -1, 64)` does. */
export function formatFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (value === 0) return '0';
  const sign = value < 0 ? '-' : '';
  const [mantissa = '0', exponentText = '0'] = Math.abs(value).toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const digits = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${digits}`;
  }
  const digits = mantissa.replace('.', '');
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  if (digits.length <= exponent + 1) return `${sign}${digits.padEnd(exponent + 1, '0')}`;
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatLabels(pairs: LabelPairs): string {
  if (pairs.length === 0) return '';
  return `{${pairs.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
}

function compareLabelValues(a: LabelPairs, b: LabelPairs): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]?.[1] ?? '';
    const y = b[i]?.[1] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** `count` bounds starting at `start`, each `factor` times the previous (Go's ExponentialBuckets). */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  const buckets: number[] = [];
  for (let i = 0, bound = start; i < count; i++, bound *= factor) buckets.push(bound);
  return buckets;
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

/** Anything the registry can render. */
interface Collectable {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  /** Sample lines, without HELP/TYPE; none means the family is left out. */
  collect(): string[];
}

abstract class LabeledMetric<L extends string, Child> implements Collectable {
  abstract readonly type: MetricType;
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  /** Label names in output order (sorted, as the Go client writes them). */
  readonly #sortedNames: readonly L[];
  readonly #children = new Map<string, { pairs: LabelPair[]; child: Child }>();

  constructor(options: MetricOptions<L>, reserved: readonly string[] = []) {
    if (!METRIC_NAME.test(options.name)) throw new Error(`invalid metric name "${options.name}"`);
    const names = options.labelNames ?? [];
    for (const label of names) {
      if (!LABEL_NAME.test(label) || label.startsWith('__') || reserved.includes(label)) {
        throw new Error(`metric "${options.name}": invalid label name "${label}"`);
      }
    }
    if (new Set(names).size !== names.length) {
      throw new Error(`metric "${options.name}": duplicate label names`);
    }
    this.name = options.name;
    this.help = options.help;
    this.labelNames = Object.freeze([...names]);
    this.#sortedNames = Object.freeze([...names].sort());
  }

  protected abstract newChild(): Child;
  protected abstract sampleLines(pairs: LabelPairs, child: Child): string[];

  /** The series for these label values (created at 0 on first use). */
  labels(values: LabelValues<L>): Child {
    const pairs = this.#pairs(values);
    const id = JSON.stringify(pairs.map(([, value]) => value));
    const existing = this.#children.get(id);
    if (existing !== undefined) return existing.child;
    const child = this.newChild();
    this.#children.set(id, { pairs, child });
    return child;
  }

  /** Drops the series for these label values; returns whether it existed. */
  remove(values: LabelValues<L>): boolean {
    return this.#children.delete(JSON.stringify(this.#pairs(values).map(([, value]) => value)));
  }

  /** Drops every series (an unlabelled metric goes back to 0). */
  reset(): void {
    this.#children.clear();
  }

  /** The series of an unlabelled metric. */
  protected unlabelled(): Child {
    if (this.labelNames.length > 0) {
      throw new Error(`metric "${this.name}" needs labels ${this.labelNames.join(', ')}`);
    }
    return this.labels({} as LabelValues<L>);
  }

  collect(): string[] {
    // An unlabelled metric always has its one series, so it renders as 0 before first use.
    if (this.labelNames.length === 0) this.unlabelled();
    return [...this.#children.values()]
      .sort((a, b) => compareLabelValues(a.pairs, b.pairs))
      .flatMap(({ pairs, child }) => this.sampleLines(pairs, child));
  }

  #pairs(values: LabelValues<L>): LabelPair[] {
    const given = Object.keys(values);
    const missing = this.labelNames.filter((name) => typeof values[name] !== 'string');
    if (missing.length > 0 || given.length !== this.labelNames.length) {
      throw new Error(
        `metric "${this.name}": expected labels [${this.labelNames.join(', ')}], got [${given.join(', ')}]`,
      );
    }
    return this.#sortedNames.map((name) => [name, values[name]] as const);
  }
}

export class CounterChild {
  #value = 0;

  inc(by = 1): void {
    if (!(by >= 0)) throw new Error(`a counter only goes up (inc by ${by})`);
    this.#value += by;
  }

  get value(): number {
    return this.#value;
  }
}

export class Counter<L extends string = never> extends LabeledMetric<L, CounterChild> {
  readonly type = 'counter';

  protected newChild(): CounterChild {
    return new CounterChild();
  }

  protected sampleLines(pairs: LabelPairs, child: CounterChild): string[] {
    return [`${this.name}${formatLabels(pairs)} ${formatFloat(child.value)}`];
  }

  inc(by = 1): void {
    this.unlabelled().inc(by);
  }

  get value(): number {
    return this.unlabelled().value;
  }
}

export class GaugeChild {
  #value = 0;

  set(value: number): void {
    this.#value = value;
  }

  inc(by = 1): void {
    this.#value += by;
  }

  dec(by = 1): void {
    this.#value -= by;
  }

  get value(): number {
    return this.#value;
  }
}

export class Gauge<L extends string = never> extends LabeledMetric<L, GaugeChild> {
  readonly type = 'gauge';

  protected newChild(): GaugeChild {
    return new GaugeChild();
  }

  protected sampleLines(pairs: LabelPairs, child: GaugeChild): string[] {
    return [`${this.name}${formatLabels(pairs)} ${formatFloat(child.value)}`];
  }

  set(value: number): void {
    this.unlabelled().set(value);
  }

  inc(by = 1): void {
    this.unlabelled().inc(by);
  }

  dec(by = 1): void {
    this.unlabelled().dec(by);
  }

  get value(): number {
    return this.unlabelled().value;
  }
}

export class HistogramChild {
  readonly #bounds: readonly number[];
  /** Observations per bucket (not cumulative); the last slot is the `+Inf` bucket. */
  readonly #counts: number[];
  #sum = 0;
  #count = 0;

  constructor(bounds: readonly number[]) {
    this.#bounds = bounds;
    this.#counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(value: number): void {
    // First bucket whose upper bound is >= value (binary search; bounds are sorted).
    let lo = 0;
    let hi = this.#bounds.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.#bounds[mid] ?? Infinity) >= value) hi = mid;
      else lo = mid + 1;
    }
    this.#counts[lo] = (this.#counts[lo] ?? 0) + 1;
    this.#sum += value;
    this.#count++;
  }

  get count(): number {
    return this.#count;
  }

  get sum(): number {
    return this.#sum;
  }

  /** Cumulative counts per upper bound, ending with `+Inf`. */
  buckets(): { le: number; count: number }[] {
    let cumulative = 0;
    return this.#counts.map((n, i) => {
      cumulative += n;
      return { le: this.#bounds[i] ?? Infinity, count: cumulative };
    });
  }
}

export class Histogram<L extends string = never> extends LabeledMetric<L, HistogramChild> {
  readonly type = 'histogram';
  readonly buckets: readonly number[];

  constructor(options: HistogramOptions<L>) {
    super(options, ['le']);
    const bounds = options.buckets.filter((b) => b !== Infinity);
    if (
      bounds.length === 0 ||
      bounds.some((b, i) => Number.isNaN(b) || (i > 0 && b <= (bounds[i - 1] ?? b)))
    ) {
      throw new Error(`metric "${options.name}": buckets must be strictly increasing numbers`);
    }
    this.buckets = Object.freeze(bounds);
  }

  protected newChild(): HistogramChild {
    return new HistogramChild(this.buckets);
  }

  protected sampleLines(pairs: LabelPairs, child: HistogramChild): string[] {
    const lines = child
      .buckets()
      .map(
        ({ le, count }) =>
          `${this.name}_bucket${formatLabels([...pairs, ['le', formatFloat(le)]])} ${formatFloat(count)}`,
      );
    const labels = formatLabels(pairs);
    lines.push(`${this.name}_sum${labels} ${formatFloat(child.sum)}`);
    lines.push(`${this.name}_count${labels} ${formatFloat(child.count)}`);
    return lines;
  }

  observe(value: number): void {
    this.unlabelled().observe(value);
  }
}

/** An unlabelled counter or gauge whose value is read when the registry renders. */
class ValueReader implements Collectable {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly #read: () => number;

  constructor(type: 'counter' | 'gauge', options: MetricOptions<never>, read: () => number) {
    if (!METRIC_NAME.test(options.name)) throw new Error(`invalid metric name "${options.name}"`);
    this.type = type;
    this.name = options.name;
    this.help = options.help;
    this.#read = read;
  }

  collect(): string[] {
    return [`${this.name} ${formatFloat(this.#read())}`];
  }
}

export class MetricsRegistry {
  readonly #metrics = new Map<string, Collectable>();

  counter<L extends string = never>(options: MetricOptions<L>): Counter<L> {
    return this.#register(new Counter(options));
  }

  gauge<L extends string = never>(options: MetricOptions<L>): Gauge<L> {
    return this.#register(new Gauge(options));
  }

  histogram<L extends string = never>(options: HistogramOptions<L>): Histogram<L> {
    return this.#register(new Histogram(options));
  }

  /** A counter whose value `read` returns at render time (for totals kept elsewhere). */
  counterFunc(options: MetricOptions<never>, read: () => number): void {
    this.#register(new ValueReader('counter', options, read));
  }

  /** A gauge whose value `read` returns at render time. */
  gaugeFunc(options: MetricOptions<never>, read: () => number): void {
    this.#register(new ValueReader('gauge', options, read));
  }

  /** Every metric in the text exposition format 0.0.4, families sorted by name. */
  render(): string {
    const out: string[] = [];
    for (const name of [...this.#metrics.keys()].sort()) {
      const metric = this.#metrics.get(name);
      if (metric === undefined) continue;
      const samples = metric.collect();
      if (samples.length === 0) continue;
      out.push(`# HELP ${name} ${escapeHelp(metric.help)}`, `# TYPE ${name} ${metric.type}`);
      out.push(...samples);
    }
    return out.length === 0 ? '' : `${out.join('\n')}\n`;
  }

  #register<M extends Collectable>(metric: M): M {
    if (this.#metrics.has(metric.name)) {
      throw new Error(`metric "${metric.name}" is already registered`);
    }
    this.#metrics.set(metric.name, metric);
    return metric;
  }
}

// ---- The controller machinery's metrics: controller-runtime's and client-go workqueue's names.

export interface ControllerMetrics {
  reconcileTotal: Counter<'controller' | 'result'>;
  reconcileErrorsTotal: Counter<'controller'>;
  reconcileTimeSeconds: Histogram<'controller'>;
  maxConcurrentReconciles: Gauge<'controller'>;
  activeWorkers: Gauge<'controller'>;
  workQueueDepth: Gauge<'name'>;
  workQueueAddsTotal: Counter<'name'>;
  workQueueQueueDurationSeconds: Histogram<'name'>;
  workQueueWorkDurationSeconds: Histogram<'name'>;
  workQueueRetriesTotal: Counter<'name'>;
}

export function registerControllerMetrics(registry: MetricsRegistry): ControllerMetrics {
  const controller = ['controller'] as const;
  const name = ['name'] as const;
  return {
    reconcileTotal: registry.counter({
      name: 'controller_runtime_reconcile_total',
      help: 'Total number of reconciliations per controller',
      labelNames: ['controller', 'result'],
    }),
    reconcileErrorsTotal: registry.counter({
      name: 'controller_runtime_reconcile_errors_total',
      help: 'Total number of reconciliation errors per controller',
      labelNames: controller,
    }),
    reconcileTimeSeconds: registry.histogram({
      name: 'controller_runtime_reconcile_time_seconds',
      help: 'Length of time per reconciliation per controller',
      labelNames: controller,
      buckets: RECONCILE_TIME_BUCKETS,
    }),
    maxConcurrentReconciles: registry.gauge({
      name: 'controller_runtime_max_concurrent_reconciles',
      help: 'Maximum number of concurrent reconciles per controller',
      labelNames: controller,
    }),
    activeWorkers: registry.gauge({
      name: 'controller_runtime_active_workers',
      help: 'Number of currently used workers per controller',
      labelNames: controller,
    }),
    workQueueDepth: registry.gauge({
      name: 'workqueue_depth',
      help: 'Current depth of workqueue',
      labelNames: name,
    }),
    workQueueAddsTotal: registry.counter({
      name: 'workqueue_adds_total',
      help: 'Total number of adds handled by workqueue',
      labelNames: name,
    }),
    workQueueQueueDurationSeconds: registry.histogram({
      name: 'workqueue_queue_duration_seconds',
      help: 'How long in seconds an item stays in workqueue before being requested.',
      labelNames: name,
      buckets: WORKQUEUE_DURATION_BUCKETS,
    }),
    workQueueWorkDurationSeconds: registry.histogram({
      name: 'workqueue_work_duration_seconds',
      help: 'How long in seconds processing an item from workqueue takes.',
      labelNames: name,
      buckets: WORKQUEUE_DURATION_BUCKETS,
    }),
    workQueueRetriesTotal: registry.counter({
      name: 'workqueue_retries_total',
      help: 'Total number of retries handled by workqueue',
      labelNames: name,
    }),
  };
}

// ---- Process metrics, read at render time.

export interface ProcessStats {
  residentMemoryBytes(): number;
  cpuSeconds(): number;
  startTimeSeconds(): number;
  heapUsedBytes(): number;
}

/** Statistics of this Node.js process. */
export function nodeProcessStats(): ProcessStats {
  const startTimeSeconds = performance.timeOrigin / 1000;
  return {
    residentMemoryBytes: () => process.memoryUsage.rss(),
    cpuSeconds: () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1e6;
    },
    startTimeSeconds: () => startTimeSeconds,
    heapUsedBytes: () => process.memoryUsage().heapUsed,
  };
}

export function registerProcessMetrics(
  registry: MetricsRegistry,
  stats: ProcessStats = nodeProcessStats(),
): void {
  registry.gaugeFunc(
    { name: 'process_resident_memory_bytes', help: 'Resident memory size in bytes.' },
    () => stats.residentMemoryBytes(),
  );
  registry.counterFunc(
    { name: 'process_cpu_seconds_total', help: 'Total user and system CPU time spent in seconds.' },
    () => stats.cpuSeconds(),
  );
  registry.gaugeFunc(
    {
      name: 'process_start_time_seconds',
      help: 'Start time of the process since unix epoch in seconds.',
    },
    () => stats.startTimeSeconds(),
  );
  registry.gaugeFunc({ name: 'nodejs_heap_used_bytes', help: 'V8 heap in use, in bytes.' }, () =>
    stats.heapUsedBytes(),
  );
}

// ---- KubeFed's own metrics (pkg/metrics of KubeFed v0.10).

export const ClusterState = {
  Ready: 'ready',
  NotReady: 'notready',
  Offline: 'offline',
} as const;
export type ClusterState = (typeof ClusterState)[keyof typeof ClusterState];

export interface KubeFedMetrics extends ControllerMetrics {
  /** 1 for the cluster's current state, 0 for the other two; see `recordClusterState`. */
  kubefedClusterTotal: Gauge<'state' | 'cluster'>;
  joinedClusterTotal: Gauge;
  clusterHealthStatusDuration: Histogram;
  clusterClientConnectionDuration: Histogram;
  /** Deprecated in KubeFed, replaced by controller_runtime_reconcile_time_seconds. */
  reconcileFederatedResourcesDuration: Histogram;
  joinClusterDuration: Histogram;
  unjoinClusterDuration: Histogram;
  dispatchOperationDuration: Histogram<'action'>;
  /** Deprecated in KubeFed, replaced by controller_runtime_reconcile_time_seconds. */
  controllerReconcileDuration: Histogram<'controller'>;
}

/** Registers every metric of spec §12 (the deprecated summary excepted) and the process metrics. */
export function registerKubeFedMetrics(
  registry: MetricsRegistry,
  processStats: ProcessStats = nodeProcessStats(),
): KubeFedMetrics {
  registerProcessMetrics(registry, processStats);
  const duration = (name: string, help: string): Histogram =>
    registry.histogram({ name, help, buckets: KUBEFED_DURATION_BUCKETS });
  return {
    ...registerControllerMetrics(registry),
    kubefedClusterTotal: registry.gauge({
      name: 'kubefedcluster_total',
      help: 'Number of total kubefed cluster in a specific state.',
      labelNames: ['state', 'cluster'],
    }),
    joinedClusterTotal: registry.gauge({
      name: 'joined_cluster_total',
      help: 'Number of total joined clusters.',
    }),
    clusterHealthStatusDuration: duration(
      'cluster_health_status_duration_seconds',
      'Time taken for the cluster health periodic function.',
    ),
    clusterClientConnectionDuration: duration(
      'cluster_client_connection_duration_seconds',
      'Time taken for the cluster client connection function.',
    ),
    reconcileFederatedResourcesDuration: duration(
      'reconcile_federated_resources_duration_seconds',
      '[Deprecated] Time taken to reconcile federated resources in the target clusters. Replaced by controller_runtime_reconcile_time_seconds.',
    ),
    joinClusterDuration: duration('join_cluster_duration_seconds', 'Time taken to join a cluster.'),
    unjoinClusterDuration: duration(
      'unjoin_cluster_duration_seconds',
      'Time taken to unjoin a cluster.',
    ),
    dispatchOperationDuration: registry.histogram({
      name: 'dispatch_operation_duration_seconds',
      help: 'Time taken to run dispatch operation.',
      labelNames: ['action'],
      buckets: KUBEFED_DURATION_BUCKETS,
    }),
    controllerReconcileDuration: registry.histogram({
      name: 'controller_runtime_reconcile_duration_seconds',
      help: '[Deprecated] Time taken by various parts of Kubefed controllers reconciliation loops. Replaced by controller_runtime_reconcile_time_seconds.',
      labelNames: ['controller'],
      buckets: KUBEFED_DURATION_BUCKETS,
    }),
  };
}

/** Sets `kubefedcluster_total` to 1 for the cluster's state and 0 for the others, as KubeFed does. */
export function recordClusterState(
  gauge: Gauge<'state' | 'cluster'>,
  cluster: string,
  state: ClusterState,
): void {
  for (const each of Object.values(ClusterState)) {
    gauge.labels({ state: each, cluster }).set(each === state ? 1 : 0);
  }
}

/** Drops a removed cluster's `kubefedcluster_total` series. */
export function forgetClusterState(gauge: Gauge<'state' | 'cluster'>, cluster: string): void {
  for (const state of Object.values(ClusterState)) gauge.remove({ state, cluster });
}
