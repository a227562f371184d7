// What the metrics registry costs the controller manager: resident memory and V8 heap of a fresh
// Node process that imports and registers the KubeFed metrics and fills 51 labelled series, and the
// time to render /metrics. prom-client (src/runtime/metrics.ts) against the hand-written registry
// it replaced, read from git at REFERENCE; a process that imports no registry gives the baseline.
// Each is measured in a bare process and in one that has first loaded the manager's client stack
// (src/kube/client.ts: node:http, node:https, undici, ...), which the manager always holds, so
// that what a registry's imports share with it is not charged to the registry. Each variant runs
// in RUNS fresh processes; the table shows medians. `node bench/metrics-cost.ts`
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The last commit with the hand-written registry. */
const REFERENCE = 'f33018e';
const RUNS = 5;
const RENDERS = 1000;
const CONTROLLERS = ['federatedtypeconfig', 'federatedconfigmap', 'federateddeployment'];
const CLUSTERS = ['host', 'member1', 'member2'];
/** As bin/kubefed-controller-manager.js runs the manager. */
const MANAGER_NODE_FLAGS = ['--max-semi-space-size=2', '--optimize-for-size'];

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

interface Sample {
  rssMb: number;
  heapUsedMb: number;
  renderUs: number;
  bytes: number;
}

/** What both registries' modules offer, as far as this benchmark uses it. */
interface MetricsModule {
  MetricsRegistry: new () => { render?: () => string; metrics?: () => Promise<string> };
  registerKubeFedMetrics(registry: object): RecordingMetrics;
  recordClusterState(gauge: unknown, cluster: string, state: 'ready' | 'offline'): void;
}

interface Labelled<L extends string, C> {
  labels(values: Record<L, string>): C;
}
type Count = Labelled<string, { inc(): void }>;
type Observe = Labelled<string, { observe(seconds: number): void }>;
type Assign = Labelled<string, { set(value: number): void }>;

interface RecordingMetrics {
  kubefedClusterTotal: unknown;
  reconcileTotal: Count;
  reconcileErrorsTotal: Count;
  reconcileTimeSeconds: Observe;
  maxConcurrentReconciles: Assign;
  activeWorkers: Assign;
  workQueueDepth: Assign;
  workQueueAddsTotal: Count;
  workQueueQueueDurationSeconds: Observe;
  workQueueWorkDurationSeconds: Observe;
  workQueueRetriesTotal: Count;
  dispatchOperationDuration: Observe;
}

/** 9 cluster-state series, 13 per controller (39), 3 dispatch actions: 51. */
function fillSeries(mod: MetricsModule, m: RecordingMetrics): void {
  for (const cluster of CLUSTERS) mod.recordClusterState(m.kubefedClusterTotal, cluster, 'ready');
  for (const controller of CONTROLLERS) {
    for (const result of ['success', 'error', 'needs_recheck', 'not_synced']) {
      m.reconcileTotal.labels({ controller, result }).inc();
    }
    m.reconcileErrorsTotal.labels({ controller }).inc();
    m.reconcileTimeSeconds.labels({ controller }).observe(0.02);
    m.maxConcurrentReconciles.labels({ controller }).set(8);
    m.activeWorkers.labels({ controller }).set(1);
    const name = { name: controller };
    m.workQueueDepth.labels(name).set(3);
    m.workQueueAddsTotal.labels(name).inc();
    m.workQueueQueueDurationSeconds.labels(name).observe(0.001);
    m.workQueueWorkDurationSeconds.labels(name).observe(0.02);
    m.workQueueRetriesTotal.labels(name).inc();
  }
  for (const action of ['create', 'update', 'delete']) {
    m.dispatchOperationDuration.labels({ action }).observe(0.05);
  }
}

async function measure(modulePath: string | undefined, clientStack: boolean): Promise<Sample> {
  if (clientStack) await import('../src/kube/client.ts');
  let render: () => string | Promise<string> = () => '';
  if (modulePath !== undefined) {
    const mod = (await import(pathToFileURL(modulePath).href)) as MetricsModule;
    const registry = new mod.MetricsRegistry();
    fillSeries(mod, mod.registerKubeFedMetrics(registry));
    const { metrics, render: renderSync } = registry;
    render = metrics ? () => metrics.call(registry) : () => renderSync?.call(registry) ?? '';
  }
  const text = await render();
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const memory = process.memoryUsage();
  const renders: number[] = [];
  for (let i = 0; i < RENDERS; i++) {
    const started = performance.now();
    await render();
    renders.push(performance.now() - started);
  }
  return {
    rssMb: memory.rss / 2 ** 20,
    heapUsedMb: memory.heapUsed / 2 ** 20,
    // Past warm-up: the second half of the renders.
    renderUs: median(renders.slice(RENDERS / 2)) * 1000,
    bytes: Buffer.byteLength(text),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function runChild(modulePath: string | undefined, clientStack: boolean): Sample {
  const args = [
    ...MANAGER_NODE_FLAGS,
    '--expose-gc',
    fileURLToPath(import.meta.url),
    '--child',
    modulePath ?? '',
    clientStack ? 'client-stack' : 'bare',
  ];
  const out = execFileSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8' });
  return JSON.parse(out) as Sample;
}

function medianSample(samples: Sample[]): Sample {
  const of = (key: keyof Sample): number => median(samples.map((s) => s[key]));
  return {
    rssMb: of('rssMb'),
    heapUsedMb: of('heapUsedMb'),
    renderUs: of('renderUs'),
    bytes: of('bytes'),
  };
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'metrics-cost-'));
  try {
    const handWritten = join(dir, 'metrics.ts');
    writeFileSync(
      handWritten,
      execFileSync('git', ['show', `${REFERENCE}:src/runtime/metrics.ts`], { cwd: repoRoot }),
    );
    const variants: [string, string | undefined][] = [
      ['none (baseline)', undefined],
      [`hand-written (${REFERENCE})`, handWritten],
      ['prom-client', join(repoRoot, 'src/runtime/metrics.ts')],
    ];
    const rows = [false, true].flatMap((clientStack) =>
      variants.map(([label, path]) => {
        const runs = Array.from({ length: RUNS }, () => runChild(path, clientStack));
        const s = medianSample(runs);
        return {
          process: clientStack ? 'with client stack' : 'bare',
          registry: label,
          rss_mb: s.rssMb.toFixed(1),
          heap_used_mb: s.heapUsedMb.toFixed(2),
          render_us: s.renderUs.toFixed(0),
          metrics_bytes: s.bytes,
        };
      }),
    );
    console.table(rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  const [path, context] = process.argv.slice(3);
  const sample = await measure(path === '' ? undefined : path, context === 'client-stack');
  process.stdout.write(JSON.stringify(sample));
} else {
  main();
}
