// One pooled, keep-alive connection per cluster: TLS settings, proxy, and the credentials that go
// with each request. The client above it only deals in requests and responses.
import { readFileSync } from 'node:fs';
import { Agent, ProxyAgent, Socks5ProxyAgent } from 'undici';
import type { Dispatcher } from 'undici';
import { ExecCredentialSource } from './exec-credential.ts';
import type { ExecClusterInfo } from './exec-credential.ts';
import type { ClusterConnectionConfig } from './kubeconfig.ts';
import { describeFsError } from './kubeconfig.ts';
import { TLSValidation } from '../apis/constants.ts';
import { partialVerificationFor, partiallyVerifyingConnector } from './tls-verification.ts';

/** Node TLS options for the API server connection, built from the cluster config. */
export interface TlsOptions {
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
  rejectUnauthorized: boolean;
}

export interface ClientCertificate {
  cert: string;
  key: string;
}

export function tlsOptionsFor(
  config: ClusterConnectionConfig,
  clientCertificate: ClientCertificate | undefined = certificateFromConfig(config),
): TlsOptions {
  const insecure =
    config.insecureSkipTLSVerify === true ||
    config.disabledTLSValidations?.includes(TLSValidation.All) === true;
  // Like client-go, a CA is meaningless when verification is off; keep one out so no one thinks
  // it is checked.
  const tls: TlsOptions = { rejectUnauthorized: !insecure };
  if (config.caData && !insecure) tls.ca = config.caData;
  if (config.tlsServerName) tls.servername = config.tlsServerName;
  if (clientCertificate) {
    tls.cert = clientCertificate.cert;
    tls.key = clientCertificate.key;
  }
  return tls;
}

function certificateFromConfig(config: ClusterConnectionConfig): ClientCertificate | undefined {
  return config.clientCertData !== undefined && config.clientKeyData !== undefined
    ? { cert: config.clientCertData, key: config.clientKeyData }
    : undefined;
}

export interface DispatcherOptions {
  /** Max sockets per origin; unlimited when absent. */
  connections?: number;
  keepAliveTimeoutMs?: number;
}

/** An undici dispatcher for one cluster: a plain pooled Agent, or a proxy agent for `proxy-url`. */
export function createDispatcher(
  config: ClusterConnectionConfig,
  tls: TlsOptions,
  options: DispatcherOptions = {},
): Dispatcher {
  const pool = {
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    ...(options.connections !== undefined ? { connections: options.connections } : {}),
  };
  const partial = partialVerificationFor(config.disabledTLSValidations);
  if (partial && config.proxyUrl) {
    throw new Error(
      'disabledTLSValidations SubjectName/ValidityPeriod cannot be combined with a proxy URL',
    );
  }
  if (partial) return new Agent({ ...pool, connect: partiallyVerifyingConnector(tls, partial) });
  if (!config.proxyUrl) return new Agent({ ...pool, connect: tls });
  let proxy: URL;
  try {
    proxy = new URL(config.proxyUrl);
  } catch {
    throw new Error(`invalid proxy URL "${config.proxyUrl}"`);
  }
  switch (proxy.protocol) {
    case 'http:':
    case 'https:':
      return new ProxyAgent({ ...pool, uri: proxy.href, requestTls: tls });
    case 'socks5:': {
      // undici reads requestTls for SOCKS5 too; its type declarations have not caught up.
      const socksOptions: Socks5ProxyAgent.Options & { requestTls: TlsOptions } = {
        ...pool,
        requestTls: tls,
      };
      return new Socks5ProxyAgent(proxy.href, socksOptions);
    }
    default:
      throw new Error(
        `proxy URL "${config.proxyUrl}" has scheme ${proxy.protocol.replace(':', '')}; use http, https or socks5`,
      );
  }
}

export interface RequestCredentials {
  authorization?: string;
  clientCertificate?: ClientCertificate;
}

export interface CredentialOptions {
  env?: NodeJS.ProcessEnv;
  now?: () => number;
  /** How long a read token file is trusted before reading it again. */
  tokenFileRefreshMs?: number;
}

/**
 * The credentials each request carries. Precedence as in client-go: an exec plugin, then a token
 * file (re-read periodically, so rotated tokens are picked up), then a static token, then basic auth.
 */
export class ClusterCredentials {
  readonly #config: ClusterConnectionConfig;
  readonly #now: () => number;
  readonly #tokenFileRefreshMs: number;
  readonly #exec: ExecCredentialSource | undefined;
  #tokenFromFile: { token: string; readAt: number } | undefined;

  constructor(config: ClusterConnectionConfig, options: CredentialOptions = {}) {
    this.#config = config;
    this.#now = options.now ?? Date.now;
    this.#tokenFileRefreshMs = options.tokenFileRefreshMs ?? 60_000;
    if (config.exec) {
      this.#exec = new ExecCredentialSource({
        exec: config.exec,
        cluster: execClusterInfo(config),
        ...(options.env ? { env: options.env } : {}),
        now: this.#now,
      });
    }
  }

  async current(): Promise<RequestCredentials> {
    const staticCert = certificateFromConfig(this.#config);
    const result: RequestCredentials = staticCert ? { clientCertificate: staticCert } : {};
    if (this.#exec) {
      const credential = await this.#exec.get();
      if (credential.token !== undefined) result.authorization = `Bearer ${credential.token}`;
      if (
        credential.clientCertificateData !== undefined &&
        credential.clientKeyData !== undefined
      ) {
        result.clientCertificate = {
          cert: credential.clientCertificateData,
          key: credential.clientKeyData,
        };
      }
      return result;
    }
    const token = this.#config.tokenFile
      ? this.#readTokenFile(this.#config.tokenFile)
      : this.#config.token;
    if (token) {
      result.authorization = `Bearer ${token}`;
    } else if (this.#config.username !== undefined && this.#config.password !== undefined) {
      const basic = Buffer.from(`${this.#config.username}:${this.#config.password}`).toString(
        'base64',
      );
      result.authorization = `Basic ${basic}`;
    }
    return result;
  }

  /** After a 401: drop what may have expired. True when retrying with fresh credentials may help. */
  invalidate(): boolean {
    let refreshable = false;
    if (this.#exec) {
      this.#exec.invalidate();
      refreshable = true;
    }
    if (this.#config.tokenFile && this.#tokenFromFile) {
      this.#tokenFromFile = undefined;
      refreshable = true;
    }
    return refreshable;
  }

  #readTokenFile(path: string): string {
    const cached = this.#tokenFromFile;
    if (cached && this.#now() - cached.readAt < this.#tokenFileRefreshMs) return cached.token;
    try {
      const token = readFileSync(path, 'utf8').trim();
      this.#tokenFromFile = { token, readAt: this.#now() };
      return token;
    } catch (err) {
      // A rotation in progress must not fail requests while the last token is still good.
      if (cached) return cached.token;
      throw new Error(`cannot read token file ${path}: ${describeFsError(err)}`, { cause: err });
    }
  }
}

function execClusterInfo(config: ClusterConnectionConfig): ExecClusterInfo {
  return {
    server: config.server,
    ...(config.caData !== undefined ? { caData: config.caData } : {}),
    ...(config.insecureSkipTLSVerify !== undefined
      ? { insecureSkipTLSVerify: config.insecureSkipTLSVerify }
      : {}),
    ...(config.tlsServerName !== undefined ? { tlsServerName: config.tlsServerName } : {}),
    ...(config.proxyUrl !== undefined ? { proxyUrl: config.proxyUrl } : {}),
  };
}
