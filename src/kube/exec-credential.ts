// client-go credential plugins (`users[].user.exec`): run the command, read an ExecCredential
// from its stdout, cache it until its expirationTimestamp (or until the server answers 401).
import { spawn } from 'node:child_process';
import type { ExecConfig } from './kubeconfig.ts';
import { isJsonObject } from '../json/object.ts';

const supportedExecApiVersions = [
  'client.authentication.k8s.io/v1',
  'client.authentication.k8s.io/v1beta1',
];

export interface ExecCredential {
  token?: string;
  /** PEM. */
  clientCertificateData?: string;
  clientKeyData?: string;
  /** Epoch milliseconds; absent means valid until the server rejects it. */
  expiresAt?: number;
}

/** What `provideClusterInfo: true` passes to the plugin (ExecCredential `spec.cluster`). */
export interface ExecClusterInfo {
  server: string;
  caData?: string;
  insecureSkipTLSVerify?: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
}

export interface ExecCredentialSourceOptions {
  exec: ExecConfig;
  cluster?: ExecClusterInfo;
  env?: NodeJS.ProcessEnv;
  /** A plugin that hangs must not hang every request: give up after this long. */
  timeoutMs?: number;
  now?: () => number;
}

/** One cached credential per cluster connection; concurrent callers share a single plugin run. */
export class ExecCredentialSource {
  readonly #options: ExecCredentialSourceOptions;
  readonly #now: () => number;
  #cached: ExecCredential | undefined;
  #pending: Promise<ExecCredential> | undefined;

  constructor(options: ExecCredentialSourceOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  async get(): Promise<ExecCredential> {
    const cached = this.#cached;
    if (cached && (cached.expiresAt === undefined || this.#now() < cached.expiresAt)) return cached;
    this.#pending ??= runExecPlugin(this.#options)
      .then((credential) => {
        this.#cached = credential;
        return credential;
      })
      .finally(() => {
        this.#pending = undefined;
      });
    return this.#pending;
  }

  /** Forget the cached credential (the server said 401): the next `get` runs the plugin again. */
  invalidate(): void {
    this.#cached = undefined;
  }
}

/** Run the plugin once and validate its ExecCredential. */
export async function runExecPlugin(options: ExecCredentialSourceOptions): Promise<ExecCredential> {
  const { exec } = options;
  const name = `exec plugin "${exec.command}"`;
  if (!supportedExecApiVersions.includes(exec.apiVersion)) {
    throw new Error(
      `${name}: apiVersion "${exec.apiVersion}" is not supported (use one of ${supportedExecApiVersions.join(', ')})`,
    );
  }
  if (exec.interactiveMode === 'Always') {
    throw new Error(`${name} requires an interactive terminal (interactiveMode: Always)`);
  }
  const spec: Record<string, unknown> = { interactive: false };
  if (exec.provideClusterInfo && options.cluster) spec['cluster'] = clusterSpec(options.cluster);
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
  for (const { name: key, value } of exec.env) env[key] = value;
  env['KUBERNETES_EXEC_INFO'] = JSON.stringify({
    apiVersion: exec.apiVersion,
    kind: 'ExecCredential',
    spec,
  });

  const { stdout } = await runCommand(exec, env, options.timeoutMs ?? 60_000, name);
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new Error(`${name} printed something that is not JSON: ${snippet(stdout)}`);
  }
  return decodeExecCredential(parsed, exec.apiVersion, name);
}

function clusterSpec(cluster: ExecClusterInfo): Record<string, unknown> {
  const spec: Record<string, unknown> = { server: cluster.server };
  if (cluster.tlsServerName) spec['tls-server-name'] = cluster.tlsServerName;
  if (cluster.insecureSkipTLSVerify) spec['insecure-skip-tls-verify'] = true;
  if (cluster.caData) {
    spec['certificate-authority-data'] = Buffer.from(cluster.caData).toString('base64');
  }
  if (cluster.proxyUrl) spec['proxy-url'] = cluster.proxyUrl;
  return spec;
}

/** Validate a plugin's output against the ExecCredential contract. */
export function decodeExecCredential(
  value: unknown,
  expectedApiVersion: string,
  name = 'exec plugin',
): ExecCredential {
  if (!isJsonObject(value) || value['kind'] !== 'ExecCredential') {
    throw new Error(`${name} did not print an ExecCredential`);
  }
  if (value['apiVersion'] !== expectedApiVersion) {
    throw new Error(
      `${name} returned apiVersion ${String(value['apiVersion'])}, but is configured for ${expectedApiVersion}`,
    );
  }
  const status = value['status'];
  if (!isJsonObject(status)) throw new Error(`${name} returned an ExecCredential without status`);
  const credential: ExecCredential = {};
  const token = status['token'];
  const cert = status['clientCertificateData'];
  const key = status['clientKeyData'];
  if (typeof token === 'string' && token !== '') credential.token = token;
  if (typeof cert === 'string' && cert !== '') credential.clientCertificateData = cert;
  if (typeof key === 'string' && key !== '') credential.clientKeyData = key;
  if (
    (credential.clientCertificateData === undefined) !==
    (credential.clientKeyData === undefined)
  ) {
    throw new Error(
      `${name} returned a client certificate without a key, or a key without a certificate`,
    );
  }
  if (credential.token === undefined && credential.clientCertificateData === undefined) {
    throw new Error(`${name} returned neither a token nor a client certificate`);
  }
  const expiration = status['expirationTimestamp'];
  if (typeof expiration === 'string' && expiration !== '') {
    const at = Date.parse(expiration);
    if (Number.isNaN(at))
      throw new Error(`${name} returned an invalid expirationTimestamp "${expiration}"`);
    credential.expiresAt = at;
  }
  return credential;
}

function runCommand(
  exec: ExecConfig,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  name: string,
): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(exec.command, exec.args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    // Our own timer rather than spawn's `timeout`, which outlives a command that failed to start.
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (err.code === 'ENOENT') {
        const hint = exec.installHint ? `\n${exec.installHint.trim()}` : '';
        reject(new Error(`${name} not found${hint}`, { cause: err }));
      } else {
        reject(new Error(`${name} could not be started: ${err.message}`, { cause: err }));
      }
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const errText = Buffer.concat(stderr).toString('utf8').trim();
      if (timedOut) {
        reject(new Error(`${name} did not finish within ${timeoutMs}ms`));
      } else if (signal !== null) {
        reject(new Error(`${name} was killed by ${signal}`));
      } else if (code !== 0) {
        const detail = errText ? `: ${snippet(errText)}` : '';
        reject(new Error(`${name} exited with code ${String(code)}${detail}`));
      } else {
        resolve({ stdout: Buffer.concat(stdout).toString('utf8') });
      }
    });
  });
}

function snippet(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > 300 ? `${trimmed.slice(0, 300)}...` : trimmed;
}
