// The archived Go KubeFed v0.10 as a peer: its controller-manager run against a sandbox host
// and its kubefedctl, built from the Go module proxy by hack/build-go-command.sh (cached). Tests
// and benchmarks compare ours with it and switch between the two on the same host.
//
// What the Go controller-manager needs on the host: the KubeFed CRDs and FederatedTypeConfigs
// (ours are the same: `kubefedctl init` installs them) and a fully defaulted KubeFedConfig
// `kubefed` in its namespace, since no webhook defaults it (`kubefedctl init` writes one; a
// `--kubefed-config` file works too). It has no `--context` flag: it uses the kubeconfig's
// current context, so we hand it a copy of the kubeconfig whose current context is the host's.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { ensureGoCommand } from './binaries.ts';
import { freePorts } from './ports.ts';
import { isAlive, logTail, startDetached, stopProcess } from './processes.ts';

const execFileAsync = promisify(execFile);

export interface GoKubeFedOptions {
  /** The kubeconfig holding the host's context. */
  kubeconfig: string;
  /** The host's context in it (default: its current context). */
  context?: string;
  /** The KubeFed namespace (`--kubefed-namespace`). */
  namespace: string;
  /** A directory for its log and kubeconfig copy; files are named after `name`. */
  dir: string;
  /** Tells replicas apart in file names (default `kubefed-go`). */
  name?: string;
  /** A KubeFedConfig file (`--kubefed-config`) instead of the one in the namespace. */
  kubefedConfigFile?: string;
  /** klog verbosity (`--v`, default 2: its sync controllers log their cache syncs). */
  verbosity?: number;
  /** More flags, e.g. `--rest-config-qps=1000`. */
  extraArgs?: readonly string[];
}

export interface GoKubeFedManager {
  pid: number;
  /** Its klog output (stdout and stderr). */
  log: string;
  healthzUrl: string;
  metricsUrl: string;
  /** Everything logged so far. */
  logText(): string;
  /** Resolves once the log matches; rejects after `timeoutMs` or when the process exits. */
  waitForLog(pattern: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves once it serves /healthz (it does so from start-up on, leader or not). */
  waitForHealthz(timeoutMs?: number): Promise<void>;
  /** The leader's sign: its elector's `promoted as leader`. */
  waitUntilLeading(timeoutMs?: number): Promise<void>;
  isAlive(): boolean;
  /** SIGTERM (SIGKILL after `graceMs`); resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once: a crash, with no chance to release anything. */
  kill(): Promise<void>;
}

/** The directory holding the Go KubeFed's `controller-manager`, `kubefedctl` and `webhook`. */
export function goKubeFedDir(): Promise<string> {
  return ensureGoCommand('kubefed-go');
}

/** Starts the Go controller-manager in the background; it campaigns for leadership at once. */
export async function startGoKubeFed(options: GoKubeFedOptions): Promise<GoKubeFedManager> {
  const name = options.name ?? 'kubefed-go';
  const binary = join(await goKubeFedDir(), 'controller-manager');
  const kubeconfig = join(options.dir, `${name}.kubeconfig`);
  writeFileSync(kubeconfig, withCurrentContext(options.kubeconfig, options.context), {
    mode: 0o600,
  });
  const [healthzPort, metricsPort] = await freePorts(2);
  const log = join(options.dir, `${name}.log`);
  writeFileSync(log, '');
  const args = [
    `--kubeconfig=${kubeconfig}`,
    `--kubefed-namespace=${options.namespace}`,
    `--healthz-addr=127.0.0.1:${String(healthzPort)}`,
    `--metrics-addr=127.0.0.1:${String(metricsPort)}`,
    `--v=${String(options.verbosity ?? 2)}`,
    ...(options.kubefedConfigFile === undefined
      ? []
      : [`--kubefed-config=${options.kubefedConfigFile}`]),
    ...(options.extraArgs ?? []),
  ];
  const { pid } = startDetached(binary, args, log);
  const logText = (): string => readFileSync(log, 'utf8');
  const manager: GoKubeFedManager = {
    pid,
    log,
    healthzUrl: `http://127.0.0.1:${String(healthzPort)}/healthz`,
    metricsUrl: `http://127.0.0.1:${String(metricsPort)}/metrics`,
    logText,
    async waitForLog(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      const matches = (text: string): boolean =>
        typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
      while (!matches(logText())) {
        if (!isAlive(pid)) throw new Error(`Go KubeFed (pid ${pid}) exited:\n${logTail(log)}`);
        if (Date.now() > deadline)
          throw new Error(
            `no ${String(pattern)} in the Go KubeFed's log within ${timeoutMs} ms:\n${logTail(log)}`,
          );
        await sleep(100);
      }
    },
    async waitForHealthz(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          if ((await fetch(manager.healthzUrl)).ok) return;
        } catch {
          // not listening yet
        }
        if (!isAlive(pid)) throw new Error(`Go KubeFed (pid ${pid}) exited:\n${logTail(log)}`);
        if (Date.now() > deadline)
          throw new Error(`Go KubeFed served no /healthz within ${timeoutMs} ms:\n${logTail(log)}`);
        await sleep(100);
      }
    },
    waitUntilLeading(timeoutMs = 60_000) {
      return manager.waitForLog('promoted as leader', timeoutMs);
    },
    isAlive: () => isAlive(pid),
    stop: (graceMs = 10_000) => stopProcess(pid, graceMs),
    async kill() {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        return; // already gone
      }
      while (isAlive(pid)) await sleep(20);
    },
  };
  return manager;
}

export interface GoKubefedctlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the Go kubefedctl with `args`; resolves with its exit code and output. */
export async function runGoKubefedctl(args: readonly string[]): Promise<GoKubefedctlResult> {
  const binary = join(await goKubeFedDir(), 'kubefedctl');
  try {
    const { stdout, stderr } = await execFileAsync(binary, args, { maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === 'number' ? e.code : 1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? String(error),
    };
  }
}

/** The kubeconfig's text with `current-context` set to `context` (unchanged when undefined). */
function withCurrentContext(kubeconfig: string, context: string | undefined): string {
  const text = readFileSync(kubeconfig, 'utf8');
  if (context === undefined) return text;
  const config = parse(text) as { contexts?: { name: string }[]; 'current-context'?: string };
  if (!(config.contexts ?? []).some((c) => c.name === context))
    throw new Error(`context "${context}" not found in ${kubeconfig}`);
  return stringify({ ...config, 'current-context': context });
}
