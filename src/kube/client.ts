// A thin client for one cluster: REST verbs over any group/version/resource, objects kept as
// untyped JSON, errors typed and named after the cluster. See docs/adr/0001-thin-kubernetes-client.md.
import { Agent, request as undiciRequest } from 'undici';
import type { Dispatcher } from 'undici';
import { ClusterCredentials, createDispatcher, tlsOptionsFor } from './connection.ts';
import type { ClientCertificate, CredentialOptions, RequestCredentials } from './connection.ts';
import { Discovery } from './discovery.ts';
import {
  ApiError,
  TransportError,
  WriteFencedError,
  isGone,
  isWriteFenced,
  errorMessage,
} from './errors.ts';
import { fencedDispatcher } from './write-fence.ts';
import type { RequestContext } from './errors.ts';
import type { ClusterConnectionConfig } from './kubeconfig.ts';
import type { KubeList, Status } from './object.ts';
import { describeResource, resourcePath } from './resource.ts';
import type { ResourceRef } from './resource.ts';
import { scopedSignal } from './scoped-signal.ts';
import { ConcurrencyLimit, TokenBucket } from './throttle.ts';
import { WatchDecoder } from './watch.ts';
import type { DecodedWatchLine, WatchEvent } from './watch.ts';
import { isJsonObject, type KubeObject } from '../json/object.ts';

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
  /**
   * Not held back by the client's rate limit: for health probes, which share the client with
   * bursts of writes and must not time out behind them.
   */
  skipRateLimit?: boolean | undefined;
}

export interface KubeClientOptions extends CredentialOptions {
  /** Name used in every error and log line about this cluster (`host`, `member1`). */
  cluster: string;
  /** `kubefedctl/0.1.0 (linux/x64)`; see `userAgentFor`. */
  userAgent?: string;
  /** Default per-request timeout; 0 disables it. Default 30 s. */
  timeoutMs?: number;
  /**
   * Max ordinary requests in flight (and so sockets they use); unlimited when absent. Each open
   * watch holds one more socket of its own (HTTP/1.1), so informers never starve requests.
   */
  connections?: number;
  /** Client-side rate limit for ordinary requests, per second (client-go's QPS); unlimited when absent. */
  qps?: number;
  /** Requests allowed at once above `qps` (client-go's burst). Default `ceil(qps)`. */
  burst?: number;
  /**
   * Asked before each write (any verb but GET) goes out, after rate limiting and credentials, and
   * again where undici puts it on a socket: when false the write is not sent and the call throws
   * `WriteFencedError`. A check before the call is not enough: a process frozen in between (or
   * while the request waits for a connection) would send it on waking.
   */
  writeFence?: () => boolean;
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
  /** Keeps only the items it accepts, page by page, so that the others are never all held at once. */
  keep?: ((item: KubeObject) => boolean) | undefined;
}

export interface WriteOptions extends ObjectOptions {
  fieldManager?: string | undefined;
  /** Ask the server to validate and default without persisting (`dryRun=All`). */
  dryRun?: boolean | undefined;
}

export interface WatchOptions {
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /**
   * Deliver changes after this version (a list's or the last event's). Unset: the server starts
   * from its current state and first sends an ADDED event for every existing object.
   */
  resourceVersion?: string | undefined;
  /** Ask for BOOKMARK events, which carry only a newer resourceVersion. */
  allowWatchBookmarks?: boolean | undefined;
  /** The server ends the watch (normally) after this many seconds. */
  timeoutSeconds?: number | undefined;
  /**
   * Streaming list (`sendInitialEvents`, with `resourceVersionMatch=NotOlderThan`): ADDED events
   * for the current state, then a BOOKMARK annotated `k8s.io/initial-events-end`. Optional
   * server feature; the informer does not rely on it.
   */
  sendInitialEvents?: boolean | undefined;
  /** Ends the watch: iteration then throws the signal's reason. */
  signal?: AbortSignal | undefined;
  /** How long to wait for the response headers. Default: the client's timeout. */
  timeoutMs?: number | undefined;
  /**
   * Longest silence between two chunks before the connection is taken for dead (a peer gone
   * without a reset). Default `timeoutSeconds` + 30 s; off (0) when `timeoutSeconds` is unset.
   */
  idleTimeoutMs?: number | undefined;
}

/**
 * An open watch: iterate it once for its events. Iteration ends when the server closes the watch
 * normally (its `timeoutSeconds`), or throws: `ApiError` for an `ERROR` event (`isGone` for 410),
 * `TransportError` for a broken or garbled stream. `close()` ends it quietly.
 */
export interface WatchStream extends AsyncIterable<WatchEvent> {
  close(): void;
}

/** Connection pool counters for one cluster (undici's PoolStats). */
export interface PoolStats {
  /** Open sockets. */
  connected: number;
  /** Open sockets without a request. */
  free: number;
  /** Requests being served (each open watch is one). */
  running: number;
  /** Requests waiting for a socket. */
  pending: number;
  queued: number;
  size: number;
}

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

const patchContentTypes: Record<PatchType, string> = {
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
  readonly #rateLimit: TokenBucket | undefined;
  readonly #slots: ConcurrencyLimit | undefined;
  /** Open watches, ended by `close()` (a pool does not close while a request is in flight). */
  readonly #watches = new Set<AbortController>();

  constructor(config: ClusterConnectionConfig, options: KubeClientOptions) {
    this.cluster = options.cluster;
    this.server = normalizeServerUrl(config.server);
    this.#config = config;
    this.#options = options;
    this.#credentials = new ClusterCredentials(config, options);
    if (options.qps !== undefined) {
      this.#rateLimit = new TokenBucket({ qps: options.qps, burst: options.burst });
    }
    if (options.connections !== undefined) {
      this.#slots = new ConcurrencyLimit(options.connections);
    }
  }

  /** Discovery for this cluster, cached for the life of the client. */
  get discovery(): Discovery {
    this.#discovery ??= new Discovery(this);
    return this.#discovery;
  }

  /** Close pooled connections: open watches end, other in-flight requests complete first. */
  async close(): Promise<void> {
    for (const watch of this.#watches) {
      watch.abort(
        new TransportError('other', 'client closed', this.#context('GET', ''), undefined),
      );
    }
    const dispatcher = this.#dispatcher;
    this.#dispatcher = undefined;
    if (dispatcher) await dispatcher.close();
  }

  /** Watches open on this client now. */
  get openWatches(): number {
    return this.#watches.size;
  }

  /** Counters of this cluster's connection pool; undefined before the first request or behind a proxy. */
  poolStats(): PoolStats | undefined {
    const dispatcher = this.#dispatcher;
    if (!(dispatcher instanceof Agent)) return undefined;
    const stats = dispatcher.stats[new URL(this.server).origin];
    if (stats === undefined || !('free' in stats)) return undefined;
    const { connected, free, running, pending, queued, size } = stats;
    return { connected, free, running, pending, queued, size };
  }

  /**
   * Send one request and return the parsed JSON body (a string for non-JSON bodies such as
   * `/healthz`; undefined for an empty body). Non-2xx answers throw `ApiError`, failures to get an
   * answer throw `TransportError`.
   */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<unknown> {
    const url = this.server + path + queryString(options.query);
    const context = this.#context(method, path + queryString(options.query));
    const headers = this.#headers(options.headers);
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs ?? defaultTimeoutMs;

    for (let attempt = 0; ; attempt++) {
      if (this.#rateLimit && options.skipRateLimit !== true)
        await this.#rateLimit.take(options.signal);
      const release = this.#slots ? await this.#slots.acquire(options.signal) : undefined;
      let response: { statusCode: number; body: unknown };
      try {
        const { credentials, dispatcher } = await this.#prepare();
        if (credentials.authorization !== undefined) {
          headers['authorization'] = credentials.authorization;
        }
        const fence = method === 'GET' ? undefined : this.#options.writeFence;
        if (fence?.() === false) throw new WriteFencedError(context);
        response = await this.#send({
          url,
          method,
          headers,
          body,
          // Asked once more where undici puts the request on a socket, after any wait there.
          dispatcher:
            fence === undefined
              ? dispatcher
              : fencedDispatcher(dispatcher, fence, () => new WriteFencedError(context)),
          signal: options.signal,
          timeoutMs,
          context,
        });
      } finally {
        release?.();
      }
      // An exec plugin's or token file's credential may have expired: refresh it once.
      if (response.statusCode === 401 && attempt === 0 && this.#credentials.invalidate()) continue;
      if (response.statusCode >= 200 && response.statusCode < 300) return response.body;
      throw ApiError.fromResponse(response.statusCode, response.body, context);
    }
  }

  /**
   * Open a watch on a collection. Resolves once the server has accepted it (so a 410 for a
   * too-old resourceVersion, a 403 or a refused connection reject here); events then stream as
   * newline-delimited JSON over this cluster's pooled connection. Not rate-limited: a watch is
   * one long request.
   */
  async watch(ref: ResourceRef, options: WatchOptions = {}): Promise<WatchStream> {
    const path = resourcePath(ref, { namespace: options.namespace });
    const query: Record<string, QueryValue> = {
      watch: true,
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      resourceVersion: options.resourceVersion,
      allowWatchBookmarks: options.allowWatchBookmarks === true ? true : undefined,
      timeoutSeconds: options.timeoutSeconds,
      sendInitialEvents: options.sendInitialEvents === true ? true : undefined,
      resourceVersionMatch: options.sendInitialEvents === true ? 'NotOlderThan' : undefined,
    };
    const url = this.server + path + queryString(query);
    const context = this.#context('GET', path + queryString(query));
    const headers = this.#headers(undefined);
    const headersTimeout = options.timeoutMs ?? this.#options.timeoutMs ?? defaultTimeoutMs;
    const idleTimeout =
      options.idleTimeoutMs ??
      (options.timeoutSeconds !== undefined ? (options.timeoutSeconds + 30) * 1000 : 0);

    const callerSignal = options.signal;
    callerSignal?.throwIfAborted();
    const controller = new AbortController();
    const onCallerAbort = (): void => {
      controller.abort(callerSignal?.reason);
    };
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    this.#watches.add(controller);
    const finish = (): void => {
      callerSignal?.removeEventListener('abort', onCallerAbort);
      this.#watches.delete(controller);
      // Destroys the socket if the stream is still open; a no-op once the body has ended.
      controller.abort(closedQuietly);
    };
    // Our own abort (the caller's signal, close(), the client closing) is not a cluster failure.
    const failure = (err: unknown): unknown =>
      controller.signal.aborted
        ? (controller.signal.reason as unknown)
        : TransportError.from(err, context);

    try {
      for (let attempt = 0; ; attempt++) {
        const { credentials, dispatcher } = await this.#prepare();
        if (credentials.authorization !== undefined) {
          headers['authorization'] = credentials.authorization;
        }
        let response: Dispatcher.ResponseData;
        try {
          response = await undiciRequest(url, {
            method: 'GET',
            headers,
            dispatcher,
            signal: controller.signal,
            headersTimeout,
            bodyTimeout: idleTimeout,
          });
        } catch (err) {
          throw failure(err);
        }
        if (response.statusCode >= 200 && response.statusCode < 300) {
          const body = response.body;
          let iterated = false;
          return {
            [Symbol.asyncIterator]: () => {
              if (iterated) throw new Error('a watch stream can be iterated only once');
              iterated = true;
              return readWatchEvents(body, context, failure, finish);
            },
            close: finish,
          };
        }
        let text: string;
        try {
          text = await response.body.text();
        } catch (err) {
          throw failure(err);
        }
        // As in request(): a rotated credential gets one retry.
        if (response.statusCode === 401 && attempt === 0 && this.#credentials.invalidate()) {
          continue;
        }
        const contentType = headerValue(response.headers['content-type']);
        throw ApiError.fromResponse(response.statusCode, decodeBody(text, contentType), context);
      }
    } catch (err) {
      finish();
      throw err;
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
    const keep = options.keep;
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
        const all = asList(
          await this.request('GET', path, { ...callOptions(options), query: baseQuery }),
          ref,
        );
        return keep ? { ...all, items: all.items.filter(keep) } : all;
      }
      first ??= page;
      items.push(...(keep ? page.items.filter(keep) : page.items));
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

  #context(verb: string, pathWithQuery: string): RequestContext {
    return { cluster: this.cluster, verb, path: pathWithQuery, server: this.server };
  }

  #headers(extra: Record<string, string> | undefined): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json', ...extra };
    if (this.#options.userAgent) headers['user-agent'] = this.#options.userAgent;
    return headers;
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
    // per socket, so start a new pool and let the old one drain. The pool itself is unbounded:
    // `connections` limits ordinary requests (#slots), and each watch needs a socket on top.
    const dispatcher = createDispatcher(this.#config, tlsOptionsFor(this.#config, certificate));
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
      const message = errorMessage(err);
      throw new Error(`${this.cluster}: ${message}`, { cause: err });
    }
  }

  async #send(request: OutgoingRequest): Promise<{ statusCode: number; body: unknown }> {
    const { url, method, headers, body, dispatcher, timeoutMs, context } = request;
    const callerSignal = request.signal;
    const scoped = scopedSignal([callerSignal], timeoutMs);
    try {
      const response = await undiciRequest(url, {
        method,
        headers,
        dispatcher,
        ...(body !== undefined ? { body } : {}),
        signal: scoped.signal,
      });
      const text = await response.body.text();
      const contentType = headerValue(response.headers['content-type']);
      return { statusCode: response.statusCode, body: decodeBody(text, contentType) };
    } catch (err) {
      // The caller's own abort is not a cluster failure: let it through unchanged.
      if (callerSignal?.aborted) throw callerSignal.reason;
      if (isWriteFenced(err)) throw err;
      if (scoped.timedOut()) throw TransportError.timeout(timeoutMs, context);
      throw TransportError.from(err, context);
    } finally {
      scoped.dispose();
    }
  }
}

/** Abort reason of a watch ended by `close()` or by its consumer: iteration just stops. */
const closedQuietly = Symbol('watch closed');

/** The events of an accepted watch, until the server ends it or it fails. */
async function* readWatchEvents(
  body: AsyncIterable<Uint8Array>,
  context: RequestContext,
  failure: (err: unknown) => unknown,
  finish: () => void,
): AsyncGenerator<WatchEvent, void, undefined> {
  const decoder = new WatchDecoder();
  const chunks = body[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await chunks.next();
      } catch (err) {
        const reason = failure(err);
        if (reason === closedQuietly) return;
        throw reason;
      }
      let lines: DecodedWatchLine[];
      try {
        lines = next.done ? decoder.end() : decoder.push(next.value);
      } catch (err) {
        const message = errorMessage(err);
        throw new TransportError('malformed-response', message, context, err);
      }
      for (const line of lines) {
        if ('error' in line) throw ApiError.fromStatus(line.error, context);
        yield line.event;
      }
      if (next.done) return;
    }
  } finally {
    finish();
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
  if (!isJsonObject(value)) {
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
