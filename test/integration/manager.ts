// Starting kubefed-controller-manager as a separate process in integration tests, the way a
// user runs it, and watching what it logs.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { KubeObject } from '../../src/json/object.ts';
import { defaultKubeFedConfig } from '../../src/apis/kubefedconfig.ts';
import { freePorts } from '../../src/sandbox/ports.ts';
import { getJson, repoRoot, type TestSandbox } from './fixture.ts';

export interface RunningManager {
  process: ChildProcess;
  healthzUrl: string;
  metricsUrl: string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves once stderr contains `text`; rejects after `timeoutMs` or when the process exits. */
  waitForLog(text: string, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** A KubeFedConfig file with fast health checks and leader election, for tests. */
export async function fastKubeFedConfigFile(
  overrides: {
    failureThreshold?: number;
    /** Cluster available/unavailable delays of 1 s instead of KubeFed's 20 s / 60 s. */
    fastClusterDelays?: boolean;
    /** Feature gates to enable beside the defaults. */
    enableGates?: readonly string[];
    /** Leader election timings instead of lease 3 s, renew 2 s, retry 500 ms. */
    leaderElect?: { leaseDuration: string; renewDeadline: string; retryPeriod: string };
  } = {},
): Promise<string> {
  const config = defaultKubeFedConfig('kube-federation-system', 'Cluster');
  if (overrides.fastClusterDelays === true) {
    // The rest stays defaulted: the Go KubeFed reads this file too, and no webhook defaults it.
    config.spec.controllerDuration = {
      ...config.spec.controllerDuration,
      availableDelay: '1s',
      unavailableDelay: '1s',
    };
  }
  if (overrides.enableGates !== undefined) {
    const gates = new Set(overrides.enableGates);
    const defaulted = config.spec.featureGates ?? [];
    config.spec.featureGates = [
      ...defaulted.map((gate) =>
        gates.has(gate.name) ? { ...gate, configuration: 'Enabled' as const } : gate,
      ),
      // Gates defaulting does not add (the v0.6.1 DNS gates).
      ...[...gates]
        .filter((name) => !defaulted.some((gate) => gate.name === name))
        .map((name) => ({ name, configuration: 'Enabled' as const })),
    ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  config.spec.clusterHealthCheck = {
    period: '1s',
    failureThreshold: overrides.failureThreshold ?? 2,
    successThreshold: 1,
    timeout: '1s',
  };
  config.spec.leaderElect = {
    ...(overrides.leaderElect ?? {
      leaseDuration: '3s',
      renewDeadline: '2s',
      retryPeriod: '500ms',
    }),
    resourceLock: 'configmaps',
  };
  const file = join(await mkdtemp(join(tmpdir(), 'kubefed-config-')), 'kubefedconfig.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

/** How to start the launcher: by default `node bin/kubefed-controller-manager.js` on this Node. */
export interface ManagerLaunch {
  /** The command and its first arguments, the manager's flags follow. */
  command?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** How it finds the host: by default the sandbox's kubeconfig, context host, namespace
   * kube-federation-system; `[]` for the in-cluster service account. */
  hostFlags?: readonly string[];
}

export const managerLauncher = `${repoRoot}bin/kubefed-controller-manager.js`;

export async function startManager(
  sandbox: TestSandbox,
  extraArgs: string[] = [],
  launch: ManagerLaunch = {},
): Promise<RunningManager> {
  const [healthzPort, metricsPort] = await freePorts(2);
  const [command = process.execPath, ...commandArgs] = launch.command ?? [
    process.execPath,
    managerLauncher,
  ];
  const child = spawn(
    command,
    [
      ...commandArgs,
      ...(launch.hostFlags ?? [
        '--kubeconfig',
        sandbox.kubeconfig,
        '--context',
        'host',
        '--kubefed-namespace',
        'kube-federation-system',
      ]),
      `--healthz-addr=127.0.0.1:${String(healthzPort)}`,
      `--metrics-addr=127.0.0.1:${String(metricsPort)}`,
      // Tests read fields of the lines as JSON; a later --logging-format in extraArgs wins.
      '--logging-format=json',
      ...extraArgs,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: launch.env ?? process.env },
  );
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
    for (const l of listeners) l();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      resolve(code);
      for (const l of listeners) l();
    }),
  );
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  return {
    process: child,
    healthzUrl: `http://127.0.0.1:${String(healthzPort)}/healthz`,
    metricsUrl: `http://127.0.0.1:${String(metricsPort)}/metrics`,
    stderr: () => stderr,
    exited,
    waitForLog(text, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (stderr.includes(text)) done(resolve);
          else if (exitCode !== undefined)
            done(() =>
              reject(
                new Error(
                  `controller manager exited (${String(exitCode)}) before logging "${text}":\n${stderr}`,
                ),
              ),
            );
        };
        const timer = setTimeout(
          () =>
            done(() =>
              reject(
                new Error(
                  `no "${text}" in the controller manager's log within ${timeoutMs} ms:\n${stderr}`,
                ),
              ),
            ),
          timeoutMs,
        );
        const done = (then: () => void): void => {
          clearTimeout(timer);
          listeners.delete(check);
          then();
        };
        listeners.add(check);
        check();
      });
    },
    async stop(signal = 'SIGTERM') {
      if (exitCode === undefined) child.kill(signal);
      return exited;
    },
  };
}

/**
 * The host writes a restart of the manager makes when nothing else changed: every type it runs
 * goes `NotRunning` when it stops and `Running` again when the next one leads, one FTC status
 * write each. Read before the restart.
 */
export async function restartWrites(sandbox: TestSandbox): Promise<Record<string, number>> {
  const ftcs = await getJson(sandbox, 'host', [
    '-n',
    'kube-federation-system',
    'federatedtypeconfigs',
  ]);
  const running = ((ftcs?.['items'] ?? []) as KubeObject[]).filter(
    (ftc) =>
      (ftc['status'] as { propagationController?: string } | undefined)?.propagationController ===
      'Running',
  ).length;
  return running > 0 ? { 'host PATCH federatedtypeconfigs/status': 2 * running } : {};
}
