// A thin client for one cluster: REST verbs over any group/version/resource, objects kept as
// untyped JSON, errors typed and named after the cluster. See docs/adr/0001-thin-kubernetes-client.md.
import { request as undiciRequest } from 'undici';
import type { Dispatcher } from 'undici';
import { ClusterCredentials, createDispatcher, tlsOptionsFor } from './connection.ts';
import type { ClientCertificate, CredentialOptions, RequestCredentials } from './connection.ts';
import { Discovery } from './discovery.ts';
import { ApiError, TransportError, isGone } from './errors.ts';
import type { RequestContext } from './errors.ts';
import type { ClusterConnectionConfig } from './kubeconfig.ts';
import { isPlainObject } from './object.ts';
import type { KubeList, KubeObject, Status } from './object.ts';
import { describeResource, resourcePath } from './resource.ts';
import type { ResourceRef } from './resource.ts';

export type QueryValue = string | number | boolean | undefined | readonly string[];

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  /** Sent as JSON unless it already is a string. */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
  /** Overrides the client's default; 0 disables the timeout. */
  timeoutMs?: number | undefined;
}

export interface KubeClientOptions extends CredentialOptions {
  /** Name used in every error and log line about this cluster (`host`, `member1`). */
  cluster: string;
  /** `kubefedctl/0.1.0 (linux/x64)`; see `userAgentFor`. */
  userAgent?: string;
  /** Default per-request timeout; 0 disables it. Default 30 s. */
  timeoutMs?: number;
  /** Max sockets to the API server; unlimited when absent. */
  connections?: number;
}

export interface CallOptions {
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}

export interface ObjectOptions extends CallOptions {
  namespace?: string | undefined;
}

export interface ListOptions extends ObjectOptions {
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** Items per page (`limit`); pages are followed until the list is complete. Default 500. */
  pageSize?: number | undefined;
}

export interface WriteOptions extends ObjectOptions {
  fieldManager?: string | undefined;
  /** Ask the server to validate and default without persisting (`dryRun=All`). */
  dryRun?: boolean | undefined;
}

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

export const patchContentTypes: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  // Only built-in types understand strategic merge; the server answers 415 for custom resources.
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface PatchOptions extends WriteOptions {
  type: PatchType;
  /** Server-side apply: take ownership of conflicting fields. */
  force?: boolean | undefined;
  subresource?: string | undefined;
}

export interface ApplyOptions extends WriteOptions {
  fieldManager: string;
  force?: boolean | undefined;
  subresource?: string | undefined;
}

/** metav1.DeleteOptions, sent as the DELETE body. */
export interface DeleteOptions {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  [key: string]: unknown;
}

export interface DeleteCallOptions extends ObjectOptions {
  options?: DeleteOptions | undefined;
  dryRun?: boolean | undefined;
}

/** `<component>/<version> (<os>/<arch>)`, the shape client-go gives its User-Agent. */
export function userAgentFor(component: string, version: string): string {
  return `${component}/${version} (${process.platform}/${process.arch})`;
}

/** An API endpoint as KubeFedCluster or kubeconfig gives it: scheme defaults to https. */
export function normalizeServerUrl(server: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `https://${server}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`invalid API server URL "${server}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`API server URL "${server}" must use http or https`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

interface OutgoingRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  dispatcher: Dispatcher;
  signal: AbortSignal | undefined;
  timeoutMs: number;
  context: RequestContext;
}

const defaultTimeoutMs = 30_000;
const defaultPageSize = 500;

export class KubeClient {
  readonly cluster: string;
  /** Normalised base URL (no trailing slash). */
  readonly server: string;
  readonly #config: ClusterConnectionConfig;
  readonly #options: KubeClientOptions;
  readonly #credentials: ClusterCredentials;
  #dispatcher: Dispatcher | undefined;
  #dispatcherCert: ClientCertificate | undefined;
  #discovery: Discovery | undefined;

  constructor(config: ClusterConnectionConfig, options: KubeClientOptions) {
    this.cluster = options.cluster;
    this.server = normalizeServerUrl(config.server);
    this.#config = config;
    this.#options = options;
    this.#credentials = new ClusterCredentials(config, options);
  }

  /** Discovery for this cluster, cached for the life of the client. */
  get discovery(): Discovery {
    this.#discovery ??= new Discovery(this);
    return this.#discovery;
  }

  /** Close pooled connections; in-flight requests complete first. */
  async close(): Promise<void> {
    const dispatcher = this.#dispatcher;
    this.#dispatcher = undefined;
    if (dispatcher) await dispatcher.close();
  }

  /**
   * Send one request and return the parsed JSON body (a string for non-JSON bodies such as
   * `/healthz`; undefined for an empty body). Non-2xx answers throw `ApiError`, failures to get an
   * answer throw `TransportError`.
   */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<unknown> {
    const url = this.server + path + queryString(options.query);
    const context: RequestContext = {
      cluster: this.cluster,
      verb: method,
      path: path + queryString(options.query),
      server: this.server,
    };
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (this.#options.userAgent) headers['user-agent'] = this.#options.userAgent;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs ?? defaultTimeoutMs;

    for (let attempt = 0; ; attempt++) {
      const { credentials, dispatcher } = await this.#prepare();
      if (credentials.authorization !== undefined) {
        headers['authorization'] = credentials.authorization;
      }
      const response = await this.#send({
        url,
        method,
        headers,
        body,
        dispatcher,
        signal: options.signal,
        timeoutMs,
        context,
      });
      // An exec plugin's or token file's credential may have expired: refresh it once.
      if (response.statusCode === 401 && attempt === 0 && this.#credentials.invalidate()) continue;
      if (response.statusCode >= 200 && response.statusCode < 300) return response.body;
      throw ApiError.fromResponse(response.statusCode, response.body, context);
    }
  }

  async get(ref: ResourceRef, name: string, options: ObjectOptions = {}): Promise<KubeObject> {
    const path = resourcePath(ref, { namespace: options.namespace, name });
    return asObject(await this.request('GET', path, callOptions(options)), ref);
  }

  /** All items across pages (`limit`/`continue`), with the resourceVersion of the last page. */
  async list(ref: ResourceRef, options: ListOptions = {}): Promise<KubeList> {
    const path = resourcePath(ref, { namespace: options.namespace });
    const baseQuery: Record<string, QueryValue> = {
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
    };
    const pageSize = options.pageSize ?? defaultPageSize;
    const items: KubeObject[] = [];
    let first: KubeList | undefined;
    let continueToken: string | undefined;
    for (;;) {
      let page: KubeList;
      try {
        page = asList(
          await this.request('GET', path, {
            ...callOptions(options),
            query: { ...baseQuery, limit: pageSize, continue: continueToken },
          }),
          ref,
        );
      } catch (err) {
        // An expired continue token (the snapshot was compacted): fall back to one full list,
        // as client-go's pager does.
        if (continueToken === undefined || !isGone(err)) throw err;
        return asList(
          await this.request('GET', path, { ...callOptions(options), query: baseQuery }),
          ref,
        );
      }
      first ??= page;
      items.push(...page.items);
      continueToken = page.metadata?.continue || undefined;
      if (continueToken === undefined) {
        const metadata = { ...page.metadata };
        delete metadata.continue;
        delete metadata.remainingItemCount;
        return { ...first, metadata, items };
      }
    }
  }

  async create(ref: ResourceRef, obj: KubeObject, options: WriteOptions = {}): Promise<KubeObject> {
    const namespace = ref.namespaced ? (options.namespace ?? obj.metadata?.namespace) : undefined;
    const path = resourcePath(ref, { namespace });
    return asObject(
      await this.request('POST', path, {
        ...callOptions(options),
        query: writeQuery(options),
        body: obj,
      }),
      ref,
    );
  }

  /** PUT the whole object; its metadata.resourceVersion makes this an optimistic-concurrency write. */
  async update(ref: ResourceRef, obj: KubeObject, options: WriteOptions = {}): Promise<KubeObject> {
    return this.#put(ref, obj, undefined, options);
  }

  async patch(
    ref: ResourceRef,
    name: string,
    patch: unknown,
    options: PatchOptions,
  ): Promise<KubeObject> {
    if (options.type === 'apply' && !options.fieldManager) {
      throw new Error(
        `server-side apply of ${describeResource(ref)} "${name}" needs a fieldManager`,
      );
    }
    const path = resourcePath(ref, {
      namespace: options.namespace,
      name,
      subresource: options.subresource,
    });
    return asObject(
      await this.request('PATCH', path, {
        ...callOptions(options),
        query: { ...writeQuery(options), force: options.force === true ? true : undefined },
        body: patch,
        contentType: patchContentTypes[options.type],
      }),
      ref,
    );
  }

  /** Server-side apply of a whole (partial) object, addressed by its own name and namespace. */
  async apply(ref: ResourceRef, obj: KubeObject, options: ApplyOptions): Promise<KubeObject> {
    const name = requireName(ref, obj);
    const namespace = ref.namespaced ? (options.namespace ?? obj.metadata?.namespace) : undefined;
    return this.patch(ref, name, obj, { ...options, namespace, type: 'apply' });
  }

  /** Returns the deleted object (or its last state, with finalizers pending) or a Status. */
  async delete(
    ref: ResourceRef,
    name: string,
    options: DeleteCallOptions = {},
  ): Promise<KubeObject | Status> {
    const path = resourcePath(ref, { namespace: options.namespace, name });
    const body: Record<string, unknown> = {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      ...options.options,
    };
    if (options.dryRun) body['dryRun'] = ['All'];
    return asObject(await this.request('DELETE', path, { ...callOptions(options), body }), ref);
  }

  async getStatus(
    ref: ResourceRef,
    name: string,
    options: ObjectOptions = {},
  ): Promise<KubeObject> {
    const path = resourcePath(ref, { namespace: options.namespace, name, subresource: 'status' });
    return asObject(await this.request('GET', path, callOptions(options)), ref);
  }

  async updateStatus(
    ref: ResourceRef,
    obj: KubeObject,
    options: WriteOptions = {},
  ): Promise<KubeObject> {
    return this.#put(ref, obj, 'status', options);
  }

  async #put(
    ref: ResourceRef,
    obj: KubeObject,
    subresource: string | undefined,
    options: WriteOptions,
  ): Promise<KubeObject> {
    const name = requireName(ref, obj);
    const namespace = ref.namespaced ? (options.namespace ?? obj.metadata?.namespace) : undefined;
    const path = resourcePath(ref, { namespace, name, subresource });
    return asObject(
      await this.request('PUT', path, {
        ...callOptions(options),
        query: writeQuery(options),
        body: obj,
      }),
      ref,
    );
  }

  #dispatcherFor(certificate: ClientCertificate | undefined): Dispatcher {
    const current = this.#dispatcher;
    if (
      current &&
      this.#dispatcherCert?.cert === certificate?.cert &&
      this.#dispatcherCert?.key === certificate?.key
    ) {
      return current;
    }
    // First use, or an exec plugin handed out a new client certificate: TLS identity is fixed
    // per socket, so start a new pool and let the old one drain.
    const dispatcher = createDispatcher(this.#config, tlsOptionsFor(this.#config, certificate), {
      ...(this.#options.connections !== undefined
        ? { connections: this.#options.connections }
        : {}),
    });
    this.#dispatcher = dispatcher;
    this.#dispatcherCert = certificate;
    if (current) current.close().catch(() => undefined);
    return dispatcher;
  }

  /** Current credentials, and the connection pool that goes with their client certificate. */
  async #prepare(): Promise<{ credentials: RequestCredentials; dispatcher: Dispatcher }> {
    try {
      const credentials = await this.#credentials.current();
      return { credentials, dispatcher: this.#dispatcherFor(credentials.clientCertificate) };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(`${this.cluster}: ${message}`, { cause: err });
    }
  }

  async #send(request: OutgoingRequest): Promise<{ statusCode: number; body: unknown }> {
    const { url, method, headers, body, dispatcher, timeoutMs, context } = request;
    const callerSignal = request.signal;
    const timeoutSignal = timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined;
    const signals = [callerSignal, timeoutSignal].filter((s) => s !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    try {
      const response = await undiciRequest(url, {
        method,
        headers,
        dispatcher,
        ...(body !== undefined ? { body } : {}),
        ...(signal ? { signal } : {}),
      });
      const text = await response.body.text();
      const contentType = headerValue(response.headers['content-type']);
      return { statusCode: response.statusCode, body: decodeBody(text, contentType) };
    } catch (err) {
      // The caller's own abort is not a cluster failure: let it through unchanged.
      if (callerSignal?.aborted) throw callerSignal.reason;
      if (timeoutSignal?.aborted) throw TransportError.timeout(timeoutMs, context);
      throw TransportError.from(err, context);
    }
  }
}

function decodeBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  if (contentType?.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function queryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === '') continue;
    if (typeof value === 'object') {
      for (const item of value) params.append(key, item);
    } else {
      params.append(key, String(value));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function callOptions(options: CallOptions): CallOptions {
  return { signal: options.signal, timeoutMs: options.timeoutMs };
}

function writeQuery(options: WriteOptions): Record<string, QueryValue> {
  return {
    fieldManager: options.fieldManager,
    dryRun: options.dryRun ? 'All' : undefined,
  };
}

function requireName(ref: ResourceRef, obj: KubeObject): string {
  const name = obj.metadata?.name;
  if (!name) throw new Error(`${describeResource(ref)} object has no metadata.name`);
  return name;
}

function asObject(value: unknown, ref: ResourceRef): KubeObject {
  if (!isPlainObject(value)) {
    throw new Error(`unexpected response for ${describeResource(ref)}: not a JSON object`);
  }
  return value;
}

function asList(value: unknown, ref: ResourceRef): KubeList {
  const obj = asObject(value, ref);
  // Go serialises an empty slice as null.
  if (obj['items'] === null || obj['items'] === undefined) return { ...obj, items: [] };
  if (!Array.isArray(obj['items'])) {
    throw new Error(
      `unexpected response for a list of ${describeResource(ref)}: items is not a list`,
    );
  }
  return obj as KubeList;
}
