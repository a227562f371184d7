// The side-by-side benchmark's arithmetic (`npm run bench -- --peer kubefed-go`): the order the
// two controller managers run in, the writes it counts, the median of each figure over rounds,
// ours / original ratios and the Markdown table they are printed as. Pure.
import { round } from './stats.ts';
import type { WriteDelta } from './writes.ts';

export type Implementation = 'ours' | 'original';

/** One figure the benchmark reports for each implementation. */
export interface Metric {
  key: string;
  /** Phase and what is measured, as the table's first column shows it. */
  label: string;
}

export const METRICS: readonly Metric[] = [
  { key: 'cold_s', label: 'cold: s until every status propagated' },
  { key: 'cold_rate', label: 'cold: member objects/s' },
  { key: 'cold_cpu_s', label: 'cold: manager CPU-s' },
  { key: 'cold_host_writes_per_object', label: 'cold: host writes/object' },
  { key: 'cold_member_writes_per_object', label: 'cold: member writes/member object' },
  { key: 'steady_p50_ms', label: 'steady: p50 latency ms' },
  { key: 'steady_p99_ms', label: 'steady: p99 latency ms' },
  { key: 'update_s', label: 'update: s until every member updated' },
  { key: 'update_cpu_s', label: 'update: manager CPU-s' },
  { key: 'update_host_writes_per_object', label: 'update: host writes/object' },
  { key: 'noop_member_writes', label: 'no-op resync: member writes' },
  { key: 'noop_host_writes', label: 'no-op resync: host writes' },
  { key: 'noop_cpu_s', label: 'no-op resync: manager CPU-s' },
  { key: 'delete_s', label: 'delete: s until members clean' },
  { key: 'delete_cpu_s', label: 'delete: manager CPU-s' },
  { key: 'rest_rss_mb', label: 'RSS at rest MiB' },
  { key: 'peak_rss_mb', label: 'peak RSS (VmHWM) MiB' },
];

/**
 * Per round, which implementation runs first: ours in odd rounds, the original in even ones
 * (ABBA), so that a drift of the machine's load over the run (a cache warming up, a neighbour
 * starting) falls on both alike rather than always on the second.
 */
export function alternation(rounds: number): Implementation[][] {
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new Error(`rounds must be a whole number of at least 1, not ${String(rounds)}`);
  }
  return Array.from({ length: rounds }, (_, i): Implementation[] =>
    i % 2 === 0 ? ['ours', 'original'] : ['original', 'ours'],
  );
}

/** Median of `values` (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

/**
 * ours / original, rounded to 2 digits; undefined when the original's figure is 0 or missing
 * (e.g. no-op writes, 0 for both): a ratio would say nothing there, the raw figures do.
 */
export function ratio(ours: number, original: number): number | undefined {
  if (original === 0 || !Number.isFinite(original) || !Number.isFinite(ours)) return undefined;
  return round(ours / original, 2);
}

/** The figures of one run: metric key to value. */
export type Figures = Readonly<Record<string, number>>;

export interface Row {
  metric: Metric;
  ours: number;
  original: number;
  ratio: number | undefined;
}

/** Per metric, the median over the runs of each implementation and their ratio. */
export function compare(
  runs: readonly { implementation: Implementation; figures: Figures }[],
  metrics: readonly Metric[] = METRICS,
): Row[] {
  const of = (implementation: Implementation, key: string): number =>
    median(
      runs.filter((r) => r.implementation === implementation).map((r) => r.figures[key] ?? NaN),
    );
  return metrics.map((metric) => {
    const ours = of('ours', metric.key);
    const original = of('original', metric.key);
    return { metric, ours, original, ratio: ratio(ours, original) };
  });
}

const figure = (v: number | undefined): string =>
  v === undefined || Number.isNaN(v) ? '–' : String(round(v, 2));

/**
 * A Markdown table: one row per metric, and per setting (e.g. "defaults", "equal workers") the
 * columns ours, original and ours / original. Every setting must list the same metrics.
 */
export function renderTable(settings: readonly { name: string; rows: readonly Row[] }[]): string {
  const first = settings[0];
  if (first === undefined) throw new Error('no settings to tabulate');
  for (const s of settings) {
    if (s.rows.map((r) => r.metric.key).join() !== first.rows.map((r) => r.metric.key).join()) {
      throw new Error(`setting "${s.name}" lists other metrics than "${first.name}"`);
    }
  }
  const header = [
    'phase: figure',
    ...settings.flatMap((s) => [`${s.name}: ours`, `${s.name}: original`, `${s.name}: ratio`]),
  ];
  const lines = first.rows.map((row, i) => [
    row.metric.label,
    ...settings.flatMap((s) => {
      const r = s.rows[i] as Row;
      return [figure(r.ours), figure(r.original), figure(r.ratio)];
    }),
  ]);
  const cells = [header, header.map((_, i) => (i === 0 ? '---' : '---:')), ...lines];
  return cells.map((c) => `| ${c.join(' | ')} |`).join('\n');
}

/**
 * Host writes of a phase, the leader lock left out: the Go KubeFed renews its lock, a ConfigMap by
 * default, every retry period, and the bench writes no other host ConfigMap (its federated
 * objects are FederatedConfigMaps). Leases and Events are never counted (bench/writes.ts).
 */
export function hostWrites(d: Map<string, WriteDelta>): number {
  const host = d.get('host');
  if (host === undefined) return 0;
  const lock = Object.entries(host.byKey)
    .filter(([k]) => (k.split(' ')[1] ?? '').split('/')[0] === 'configmaps')
    .reduce((n, [, v]) => n + v, 0);
  return host.counted - lock;
}

/** Member writes of a phase (leases and events left out, bench/writes.ts). */
export function memberWrites(d: Map<string, WriteDelta>): number {
  return [...d].filter(([c]) => c !== 'host').reduce((n, [, w]) => n + w.counted, 0);
}
