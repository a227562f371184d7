// kubefed-controller-manager as a separate process, started the way a user runs it, plus what
// the benchmark samples from it: CPU time and resident memory from /proc/<pid>, and its metrics.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePorts } from '../src/sandbox/ports.ts';
import { processCpuSeconds } from './process-cpu.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface ManagerProcess {
  pid: number;
  spawnedAt: number;
  /** Resolves with performance.now() when stderr first contains `text`. */
  waitForLog(text: string, timeoutMs?: number): Promise<number>;
  stderr(): string;
  /** Calls `fn` once the process has exited (at once if it has); `asked`: after `stop()`. */
  onExit(fn: (asked: boolean) => void): void;
  /** user + system CPU seconds so far. */
  cpuSeconds(): number;
  /** VmHWM and VmRSS in MiB. */
  memory(): { hwmMb: number; rssMb: number };
  /** Its own `GET /metrics` (Prometheus text). */
  scrapeMetrics(): Promise<string>;
  stop(): Promise<void>;
}

/** VmHWM and VmRSS of `pid` in MiB, from /proc/<pid>/status; undefined once it has exited. */
export function processMemory(pid: number): { hwmMb: number; rssMb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
    const kb = (field: string): number =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { hwmMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
  } catch {
    return undefined;
  }
}

export async function startManager(opts: {
  kubeconfig: string;
  configFile: string;
  nodeArgs?: string[];
  managerArgs?: string[];
}): Promise<ManagerProcess> {
  const [healthzPort, metricsPort] = await freePorts(2);
  const spawnedAt = performance.now();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(opts.nodeArgs ?? []),
      `${repoRoot}bin/kubefed-controller-manager.js`,
      '--kubeconfig',
      opts.kubeconfig,
      '--context',
      'host',
      '--kubefed-namespace',
      'kube-federation-system',
      '--kubefed-config',
      opts.configFile,
      `--healthz-addr=127.0.0.1:${String(healthzPort)}`,
      `--metrics-addr=127.0.0.1:${String(metricsPort)}`,
      ...(opts.managerArgs ?? []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], cwd: repoRoot },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('kubefed-controller-manager did not start');
  let stderr = '';
  let exitCode: number | null | undefined;
  let stopAsked = false;
  const listeners = new Set<() => void>();
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    // Keep the tail only: a long run logs a lot.
    stderr = (stderr + chunk).slice(-1_000_000);
    for (const l of listeners) l();
  });
  const exited = new Promise<void>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code;
      resolve();
      for (const l of listeners) l();
    }),
  );
  let lastCpu = 0;
  let lastMem = { hwmMb: 0, rssMb: 0 };
  return {
    pid,
    spawnedAt,
    stderr: () => stderr,
    onExit(fn) {
      void exited.then(() => fn(stopAsked));
    },
    waitForLog(text, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(
            new Error(
              `no "${text}" from the controller manager in ${timeoutMs} ms:\n${stderr.slice(-4000)}`,
            ),
          );
        }, timeoutMs);
        function check(): void {
          if (stderr.includes(text)) {
            clearTimeout(timer);
            listeners.delete(check);
            resolve(performance.now());
          } else if (exitCode !== undefined) {
            clearTimeout(timer);
            listeners.delete(check);
            reject(
              new Error(`controller manager exited (${String(exitCode)}):\n${stderr.slice(-4000)}`),
            );
          }
        }
        listeners.add(check);
        check();
      });
    },
    cpuSeconds() {
      lastCpu = processCpuSeconds(pid) ?? lastCpu; // exited: keep the last reading
      return lastCpu;
    },
    memory() {
      lastMem = processMemory(pid) ?? lastMem; // exited: keep the last reading
      return lastMem;
    },
    async scrapeMetrics() {
      const res = await fetch(`http://127.0.0.1:${String(metricsPort)}/metrics`);
      if (!res.ok) throw new Error(`controller manager /metrics: HTTP ${String(res.status)}`);
      return res.text();
    },
    async stop() {
      stopAsked = true;
      if (exitCode === undefined) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
