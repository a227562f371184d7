// Kubeconfig loading with client-go's rules: `--kubeconfig` wins; else every file of `$KUBECONFIG`
// (path-list, first definition of a name wins); else `~/.kube/config`. Relative file references
// are resolved against the directory of the kubeconfig that holds them, at load time.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { parse } from 'yaml';
import { isJsonObject } from '../json/object.ts';
import { errorMessage } from './errors.ts';

/** `users[].user.exec`: a client-go credential plugin. */
export interface ExecConfig {
  apiVersion: string;
  command: string;
  args: string[];
  env: { name: string; value: string }[];
  installHint?: string;
  provideClusterInfo: boolean;
  interactiveMode?: string;
}

/** Everything needed to talk to one cluster, with file references already read into data. */
export interface ClusterConnectionConfig {
  /** Base URL, e.g. `https://127.0.0.1:6443` (may carry a path prefix). */
  server: string;
  /** PEM bundle of CAs to trust instead of the system's. */
  caData?: string;
  insecureSkipTLSVerify?: boolean;
  /**
   * KubeFedCluster `spec.disabledTLSValidations`: `*` (no verification), `SubjectName`,
   * `ValidityPeriod`. Not a kubeconfig field.
   */
  disabledTLSValidations?: string[];
  /** SNI and certificate-name override (`tls-server-name`). */
  tlsServerName?: string;
  token?: string;
  /** Re-read periodically (rotated service-account tokens); wins over `token`, as in client-go. */
  tokenFile?: string;
  username?: string;
  password?: string;
  /** PEM client certificate and key. */
  clientCertData?: string;
  clientKeyData?: string;
  exec?: ExecConfig;
  proxyUrl?: string;
  /** The context's default namespace, if any. */
  namespace?: string;
  /** Name of the kubeconfig context this came from (absent for in-cluster config). */
  contextName?: string;
}

interface ClusterEntry {
  server?: string;
  caData?: string;
  caFile?: string;
  insecureSkipTLSVerify?: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
}

interface UserEntry {
  token?: string;
  tokenFile?: string;
  username?: string;
  password?: string;
  clientCertData?: string;
  clientCertFile?: string;
  clientKeyData?: string;
  clientKeyFile?: string;
  exec?: ExecConfig;
  authProvider?: string;
}

interface ContextEntry {
  cluster: string;
  user: string;
  namespace?: string;
}

interface Named<T> {
  value: T;
  /** The kubeconfig file that defined it. */
  source: string;
}

/** One or more kubeconfig files merged; relative paths already made absolute. */
export interface Kubeconfig {
  /** The files it was read from, in precedence order. */
  sources: string[];
  currentContext?: string;
  clusters: Map<string, Named<ClusterEntry>>;
  users: Map<string, Named<UserEntry>>;
  contexts: Map<string, Named<ContextEntry>>;
}

export interface KubeconfigLoadOptions {
  /** Explicit file (`--kubeconfig`): must exist; `$KUBECONFIG` is then ignored. */
  path?: string | undefined;
  env?: NodeJS.ProcessEnv;
  homeDir?: string;
}

/** The files the loading rules consider, and whether a missing one is an error. */
export function kubeconfigPaths(options: KubeconfigLoadOptions = {}): {
  paths: string[];
  explicit: boolean;
} {
  if (options.path) return { paths: [resolve(options.path)], explicit: true };
  const fromEnv = (options.env ?? process.env)['KUBECONFIG'];
  if (fromEnv) {
    const paths = [
      ...new Set(
        fromEnv
          .split(delimiter)
          .filter((p) => p !== '')
          .map((p) => resolve(p)),
      ),
    ];
    if (paths.length > 0) return { paths, explicit: false };
  }
  return { paths: [join(options.homeDir ?? homedir(), '.kube', 'config')], explicit: false };
}

export function loadKubeconfig(options: KubeconfigLoadOptions = {}): Kubeconfig {
  const { paths, explicit } = kubeconfigPaths(options);
  const parsed: Kubeconfig[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if (!explicit && errorCode(err) === 'ENOENT') continue;
      throw new Error(`cannot read kubeconfig ${path}: ${describeFsError(err)}`, { cause: err });
    }
    parsed.push(parseKubeconfig(text, path));
  }
  if (parsed.length === 0) {
    throw new Error(`no kubeconfig found (looked for ${paths.join(delimiter)})`);
  }
  return mergeKubeconfigs(parsed);
}

/** Parse one kubeconfig document; relative paths are resolved against `sourcePath`'s directory. */
export function parseKubeconfig(text: string, sourcePath: string): Kubeconfig {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new Error(`kubeconfig ${sourcePath} is not valid YAML: ${String(err)}`, { cause: err });
  }
  const config: Kubeconfig = {
    sources: [sourcePath],
    clusters: new Map(),
    users: new Map(),
    contexts: new Map(),
  };
  if (doc === null || doc === undefined) return config;
  const reader = new FieldReader(`kubeconfig ${sourcePath}`);
  const root = reader.object(doc, '');
  const baseDir = dirname(sourcePath);
  const current = reader.string(root, 'current-context', '');
  if (current) config.currentContext = current;

  for (const [name, body, where] of reader.namedList(root, 'clusters', 'cluster')) {
    const server = reader.string(body, 'server', where);
    const caData = reader.string(body, 'certificate-authority-data', where);
    const caFile = reader.string(body, 'certificate-authority', where);
    const insecure = reader.boolean(body, 'insecure-skip-tls-verify', where);
    const tlsServerName = reader.string(body, 'tls-server-name', where);
    const proxyUrl = reader.string(body, 'proxy-url', where);
    const entry: ClusterEntry = {};
    if (server) entry.server = server;
    if (caData) entry.caData = decodeBase64(caData);
    if (caFile) entry.caFile = resolvePath(baseDir, caFile);
    if (insecure !== undefined) entry.insecureSkipTLSVerify = insecure;
    if (tlsServerName) entry.tlsServerName = tlsServerName;
    if (proxyUrl) entry.proxyUrl = proxyUrl;
    addFirst(config.clusters, name, { value: entry, source: sourcePath });
  }

  for (const [name, body, where] of reader.namedList(root, 'users', 'user')) {
    const entry: UserEntry = {};
    const token = reader.string(body, 'token', where);
    const tokenFile = reader.string(body, 'tokenFile', where);
    const username = reader.string(body, 'username', where);
    const password = reader.string(body, 'password', where);
    const certData = reader.string(body, 'client-certificate-data', where);
    const certFile = reader.string(body, 'client-certificate', where);
    const keyData = reader.string(body, 'client-key-data', where);
    const keyFile = reader.string(body, 'client-key', where);
    if (token) entry.token = token;
    if (tokenFile) entry.tokenFile = resolvePath(baseDir, tokenFile);
    if (username) entry.username = username;
    if (password) entry.password = password;
    if (certData) entry.clientCertData = decodeBase64(certData);
    if (certFile) entry.clientCertFile = resolvePath(baseDir, certFile);
    if (keyData) entry.clientKeyData = decodeBase64(keyData);
    if (keyFile) entry.clientKeyFile = resolvePath(baseDir, keyFile);
    if (body['exec'] !== undefined && body['exec'] !== null) {
      entry.exec = readExec(
        reader,
        reader.object(body['exec'], `${where}.exec`),
        `${where}.exec`,
        baseDir,
      );
    }
    if (isJsonObject(body['auth-provider'])) {
      entry.authProvider =
        reader.string(body['auth-provider'], 'name', `${where}.auth-provider`) ?? '';
    }
    addFirst(config.users, name, { value: entry, source: sourcePath });
  }

  for (const [name, body, where] of reader.namedList(root, 'contexts', 'context')) {
    const entry: ContextEntry = {
      cluster: reader.string(body, 'cluster', where) ?? '',
      user: reader.string(body, 'user', where) ?? '',
    };
    const namespace = reader.string(body, 'namespace', where);
    if (namespace) entry.namespace = namespace;
    addFirst(config.contexts, name, { value: entry, source: sourcePath });
  }
  return config;
}

function readExec(
  reader: FieldReader,
  exec: Record<string, unknown>,
  where: string,
  baseDir: string,
): ExecConfig {
  const command = reader.string(exec, 'command', where);
  if (!command) throw reader.error(`${where}.command is required`);
  const apiVersion = reader.string(exec, 'apiVersion', where);
  if (!apiVersion) throw reader.error(`${where}.apiVersion is required`);
  const argsValue = exec['args'] ?? [];
  if (!Array.isArray(argsValue) || !argsValue.every((a) => typeof a === 'string')) {
    throw reader.error(`${where}.args must be a list of strings`);
  }
  const envValue = exec['env'] ?? [];
  if (!Array.isArray(envValue)) throw reader.error(`${where}.env must be a list`);
  const env = envValue.map((item, i) => {
    const entry = reader.object(item, `${where}.env[${i}]`);
    return {
      name: reader.string(entry, 'name', `${where}.env[${i}]`) ?? '',
      value: reader.string(entry, 'value', `${where}.env[${i}]`) ?? '',
    };
  });
  const result: ExecConfig = {
    apiVersion,
    // client-go resolves the command against the kubeconfig's directory only when it is a path,
    // not a bare name looked up in $PATH.
    command:
      command.includes(sep) || command.includes('/') ? resolvePath(baseDir, command) : command,
    args: argsValue,
    env,
    provideClusterInfo: reader.boolean(exec, 'provideClusterInfo', where) ?? false,
  };
  const installHint = reader.string(exec, 'installHint', where);
  if (installHint) result.installHint = installHint;
  const interactiveMode = reader.string(exec, 'interactiveMode', where);
  if (interactiveMode) result.interactiveMode = interactiveMode;
  return result;
}

/** Merge kubeconfigs in precedence order: the first definition of each name wins. */
function mergeKubeconfigs(configs: Kubeconfig[]): Kubeconfig {
  const merged: Kubeconfig = {
    sources: [],
    clusters: new Map(),
    users: new Map(),
    contexts: new Map(),
  };
  for (const config of configs) {
    merged.sources.push(...config.sources);
    if (merged.currentContext === undefined && config.currentContext !== undefined) {
      merged.currentContext = config.currentContext;
    }
    for (const [name, entry] of config.clusters) addFirst(merged.clusters, name, entry);
    for (const [name, entry] of config.users) addFirst(merged.users, name, entry);
    for (const [name, entry] of config.contexts) addFirst(merged.contexts, name, entry);
  }
  return merged;
}

/** Context names, sorted, for messages and completions. */
function contextNames(config: Kubeconfig): string[] {
  return [...config.contexts.keys()].sort();
}

/**
 * The connection config of a context (default: current-context), with every referenced file
 * (certificate-authority, client-certificate, client-key) read into data.
 */
export function resolveContext(config: Kubeconfig, contextName?: string): ClusterConnectionConfig {
  const where = `kubeconfig ${config.sources.join(delimiter)}`;
  const available = `(available: ${contextNames(config).join(', ') || 'none'})`;
  const name = contextName || config.currentContext;
  if (!name)
    throw new Error(`${where} has no current-context and no context was given ${available}`);
  const context = config.contexts.get(name)?.value;
  if (!context) throw new Error(`context "${name}" not found in ${where} ${available}`);
  const cluster = config.clusters.get(context.cluster)?.value;
  if (!cluster) {
    throw new Error(
      `context "${name}" in ${where} refers to cluster "${context.cluster}", which is not defined`,
    );
  }
  if (!cluster.server) throw new Error(`cluster "${context.cluster}" in ${where} has no server`);
  let user: UserEntry = {};
  if (context.user) {
    const found = config.users.get(context.user)?.value;
    if (!found) {
      throw new Error(
        `context "${name}" in ${where} refers to user "${context.user}", which is not defined`,
      );
    }
    user = found;
  }
  if (user.authProvider !== undefined) {
    throw new Error(
      `user "${context.user}" in ${where} uses auth-provider "${user.authProvider}", which is not ` +
        'supported; use an exec credential plugin instead',
    );
  }

  const result: ClusterConnectionConfig = { server: cluster.server, contextName: name };
  const caData =
    cluster.caData ?? readReferencedFile(cluster.caFile, 'certificate-authority', where);
  if (caData !== undefined) result.caData = caData;
  if (cluster.insecureSkipTLSVerify) result.insecureSkipTLSVerify = true;
  if (cluster.tlsServerName) result.tlsServerName = cluster.tlsServerName;
  if (cluster.proxyUrl) result.proxyUrl = cluster.proxyUrl;
  if (user.token) result.token = user.token;
  if (user.tokenFile) result.tokenFile = user.tokenFile;
  if (user.username !== undefined) result.username = user.username;
  if (user.password !== undefined) result.password = user.password;
  const certData =
    user.clientCertData ?? readReferencedFile(user.clientCertFile, 'client-certificate', where);
  const keyData = user.clientKeyData ?? readReferencedFile(user.clientKeyFile, 'client-key', where);
  if ((certData === undefined) !== (keyData === undefined)) {
    throw new Error(
      `user "${context.user}" in ${where} has a client certificate without a key, or a key without a certificate`,
    );
  }
  if (certData !== undefined) result.clientCertData = certData;
  if (keyData !== undefined) result.clientKeyData = keyData;
  if (user.exec) result.exec = user.exec;
  if (context.namespace) result.namespace = context.namespace;
  return result;
}

/** Load the kubeconfig by the standard rules and resolve one context (default: current-context). */
export function loadClusterConfig(
  options: KubeconfigLoadOptions & { context?: string | undefined } = {},
): ClusterConnectionConfig {
  return resolveContext(loadKubeconfig(options), options.context);
}

function readReferencedFile(
  path: string | undefined,
  field: string,
  where: string,
): string | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${where}: cannot read ${field} ${path}: ${describeFsError(err)}`, {
      cause: err,
    });
  }
}

function addFirst<T>(map: Map<string, T>, name: string, value: T): void {
  if (!map.has(name)) map.set(name, value);
}

function resolvePath(baseDir: string, path: string): string {
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

function decodeBase64(data: string): string {
  return Buffer.from(data, 'base64').toString('utf8');
}

function errorCode(err: unknown): unknown {
  return isJsonObject(err) || err instanceof Error ? (err as { code?: unknown }).code : undefined;
}

export function describeFsError(err: unknown): string {
  const code = errorCode(err);
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return errorMessage(err);
}

/** Reads loosely typed YAML with messages that name the file and the field. */
class FieldReader {
  readonly where: string;

  constructor(where: string) {
    this.where = where;
  }

  error(message: string): Error {
    return new Error(`${this.where}: ${message}`);
  }

  object(value: unknown, path: string): Record<string, unknown> {
    if (!isJsonObject(value)) throw this.error(`${path || 'the document'} must be a mapping`);
    return value;
  }

  string(obj: Record<string, unknown>, key: string, path: string): string | undefined {
    const value = obj[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw this.error(`${join2(path, key)} must be a string`);
    return value;
  }

  boolean(obj: Record<string, unknown>, key: string, path: string): boolean | undefined {
    const value = obj[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw this.error(`${join2(path, key)} must be true or false`);
    return value;
  }

  /** `clusters: [{name, cluster: {...}}]` → [name, body, path] */
  namedList(
    root: Record<string, unknown>,
    listKey: string,
    bodyKey: string,
  ): [string, Record<string, unknown>, string][] {
    const list = root[listKey];
    if (list === undefined || list === null) return [];
    if (!Array.isArray(list)) throw this.error(`${listKey} must be a list`);
    return list.map((item, i): [string, Record<string, unknown>, string] => {
      const entry = this.object(item, `${listKey}[${i}]`);
      const name = this.string(entry, 'name', `${listKey}[${i}]`);
      if (!name) throw this.error(`${listKey}[${i}] has no name`);
      const where = `${bodyKey} "${name}"`;
      const body = entry[bodyKey] ?? {};
      return [name, this.object(body, where), where];
    });
  }
}

function join2(path: string, key: string): string {
  return path ? `${path}: ${key}` : key;
}
