// A reflector and its store for one resource in one cluster, as client-go's informer: list (paged),
// then watch from the list's resourceVersion, and keep going whatever happens. The watch is resumed
// from the last resourceVersion after a dropped connection or a normal server close; a 410 Gone
// (the server no longer has that version) means relist, and the relist is diffed against the
// store so that what changed while the informer was away still reaches the handlers.
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import type { KubeClient } from './client.ts';
import { compactJson, internString } from '../json/compact-json.ts';
import { isApiError, isGone, isTransportError } from './errors.ts';
import type { KubeList } from './object.ts';
import { describeResource } from './resource.ts';
import type { ResourceRef } from './resource.ts';
import type { WatchEvent } from './watch.ts';
import { qualifiedName, type KubeObject, type ObjectMeta } from '../json/object.ts';

/** What an informer needs from a client (a `KubeClient`). */
export type ListerWatcher = Pick<KubeClient, 'cluster' | 'list' | 'watch'>;

/**
 * Handlers run synchronously, in event order, and should only enqueue keys. They receive the
 * stored objects: do not mutate them. A handler may return a promise; its rejection is reported
 * like a throw.
 */
export interface InformerEventHandlers {
  onAdd?: ((obj: KubeObject) => unknown) | undefined;
  /** Only when the object really changed (another resourceVersion and not deep-equal). */
  onUpdate?: ((oldObj: KubeObject, newObj: KubeObject) => unknown) | undefined;
  /** With the object's last state as the server (or, after a relist, the store) knew it. */
  onDelete?: ((obj: KubeObject) => unknown) | undefined;
}

export interface HandlerErrorInfo {
  /** `ns/name` or `name`. */
  key: string;
  event: 'add' | 'update' | 'delete' | 'transform';
  cluster: string;
  /** The informer's description, e.g. `configmaps/v1 in member1 (kubefed.io/managed=true)`. */
  informer: string;
}

export interface InformerFailureInfo {
  operation: 'list' | 'watch';
  /** Delay before the next attempt (0 for a 410, which relists at once). */
  retryInMs: number;
  /** Consecutive failures, this one included. */
  failures: number;
}

/** The subset of the runtime Logger the informer writes to. */
export interface InformerLogger {
  info(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  error(msg: string, error?: unknown, fields?: Readonly<Record<string, unknown>>): void;
}

export interface BackoffPolicy {
  /** First delay. Default 500 ms. */
  initialMs: number;
  /** Largest delay. Default 30 s. */
  maxMs: number;
  /** Growth per failure. Default 2. */
  factor: number;
  /** Fraction of the delay taken off at random, so clusters that failed together retry apart. Default 0.2. */
  jitter: number;
}

export const DEFAULT_INFORMER_BACKOFF: Readonly<BackoffPolicy> = Object.freeze({
  initialMs: 500,
  maxMs: 30_000,
  factor: 2,
  jitter: 0.2,
});

/** Delay before retry number `failures` (1-based): exponential, capped, minus up to `jitter` of it. */
export function backoffDelay(
  failures: number,
  policy: Readonly<BackoffPolicy>,
  random: () => number,
): number {
  const exponent = Math.max(0, failures - 1);
  const base = Math.min(policy.maxMs, policy.initialMs * policy.factor ** exponent);
  return Math.round(base * (1 - policy.jitter * random()));
}

export interface InformerOptions extends InformerEventHandlers {
  client: ListerWatcher;
  resource: ResourceRef;
  /** Only this namespace; all namespaces when absent. */
  namespace?: string | undefined;
  /** E.g. `kubefed.io/managed=true`: the store holds only what the server returns. */
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /**
   * Applied to each object before it is stored and handed to handlers, e.g.
   * `stripManagedFields`, to keep memory bounded. Must return a new object or the same one.
   * The store then keeps a `compactJson` copy of the result.
   */
  transform?: ((obj: KubeObject) => KubeObject) | undefined;
  /** List page size. Default 500. */
  pageSize?: number | undefined;
  /** Each watch asks the server to end it after a random time in [this, 2 x this) seconds. Default 300. */
  watchTimeoutSeconds?: number | undefined;
  backoff?: Partial<BackoffPolicy> | undefined;
  /** Called for each handler (or transform) exception. Default: logged, or printed to stderr. */
  onHandlerError?: ((error: unknown, info: HandlerErrorInfo) => void) | undefined;
  /** Called for each failed list or watch, before the informer retries. */
  onError?: ((error: unknown, info: InformerFailureInfo) => void) | undefined;
  logger?: InformerLogger | undefined;
  /** For jitter; default Math.random. */
  random?: (() => number) | undefined;
}

export interface InformerStatus {
  /** The first list has reached the store (stays true, as client-go's HasSynced). */
  synced: boolean;
  /** A watch is open now: the store follows the server. */
  watching: boolean;
  /** Why the informer is not up to date: the last list or watch failure, until one succeeds. */
  lastSyncError: Error | undefined;
  /** When `lastSyncError` happened (ms since the epoch). */
  lastSyncErrorAt: number | undefined;
  /** Consecutive failures so far. */
  failures: number;
  /** The version the next watch starts from. */
  resourceVersion: string | undefined;
  /** Objects in the store. */
  objects: number;
  /** Completed lists: 1 after the initial sync, one more per relist. */
  lists: number;
  /** Watches opened. */
  watches: number;
}

/** Drops `metadata.managedFields`, the largest part of most objects and useless to a cache. */
export function stripManagedFields(obj: KubeObject): KubeObject {
  if (obj.metadata?.['managedFields'] === undefined) return obj;
  // A copy without the key, not spread + `delete`: deleting a property turns a V8 object into a
  // hash table ("dictionary mode"), ~450 bytes more per cached object.
  const metadata: ObjectMeta = {};
  for (const [key, value] of Object.entries(obj.metadata)) {
    if (key !== 'managedFields') metadata[key] = value;
  }
  return { ...obj, metadata };
}

/** Same object as far as handlers care: same resourceVersion, or deep-equal (spec 4.2). */
export function objectChanged(oldObj: KubeObject, newObj: KubeObject): boolean {
  const oldVersion = oldObj.metadata?.resourceVersion;
  if (oldVersion !== undefined && oldVersion === newObj.metadata?.resourceVersion) return false;
  return !isDeepStrictEqual(oldObj, newObj);
}

export interface StoreDelta {
  added: KubeObject[];
  updated: { oldObj: KubeObject; newObj: KubeObject }[];
  deleted: KubeObject[];
}

/** What changed between the store and a fresh list (both keyed by qualified name). */
export function diffStore(
  store: ReadonlyMap<string, KubeObject>,
  fresh: ReadonlyMap<string, KubeObject>,
): StoreDelta {
  const delta: StoreDelta = { added: [], updated: [], deleted: [] };
  for (const [key, newObj] of fresh) {
    const oldObj = store.get(key);
    if (oldObj === undefined) delta.added.push(newObj);
    else if (objectChanged(oldObj, newObj)) delta.updated.push({ oldObj, newObj });
  }
  for (const [key, oldObj] of store) {
    if (!fresh.has(key)) delta.deleted.push(oldObj);
  }
  return delta;
}

/** A watch the server ended at once and empty: retried with backoff, not in a tight loop. */
class ShortWatchError extends Error {
  override readonly name = 'ShortWatchError';
}

const shortWatchMs = 1_000;

export class Informer {
  readonly client: ListerWatcher;
  readonly resource: ResourceRef;
  /** `configmaps/v1 in member1 (namespace ns, kubefed.io/managed=true)`: for messages. */
  readonly description: string;
  readonly #options: InformerOptions;
  readonly #backoff: Readonly<BackoffPolicy>;
  readonly #random: () => number;
  readonly #handlers: InformerEventHandlers[] = [];
  readonly #store = new Map<string, KubeObject>();
  readonly #stop = new AbortController();
  readonly #syncWaiters = new Set<{ resolve: () => void; reject: (err: Error) => void }>();
  #loop: Promise<void> | undefined;
  #synced = false;
  #watching = false;
  #resourceVersion: string | undefined;
  #lastSyncError: Error | undefined;
  #lastSyncErrorAt: number | undefined;
  #failures = 0;
  #lists = 0;
  #watches = 0;

  constructor(options: InformerOptions) {
    this.client = options.client;
    this.resource = options.resource;
    this.#options = options;
    this.#backoff = { ...DEFAULT_INFORMER_BACKOFF, ...options.backoff };
    this.#random = options.random ?? Math.random;
    const { onAdd, onUpdate, onDelete } = options;
    if (onAdd || onUpdate || onDelete) this.#handlers.push({ onAdd, onUpdate, onDelete });
    const scope = [
      options.namespace ? `namespace ${options.namespace}` : undefined,
      options.labelSelector,
      options.fieldSelector,
    ].filter((part) => part !== undefined && part !== '');
    this.description =
      `${describeResource(options.resource)} in ${options.client.cluster}` +
      (scope.length > 0 ? ` (${scope.join(', ')})` : '');
  }

  /** Starts listing and watching; returns at once. An informer runs once: after `stop()` make a new one. */
  start(): void {
    if (this.#stop.signal.aborted) throw new Error(`informer for ${this.description} is stopped`);
    this.#loop ??= this.#run();
  }

  /** Ends the watch and the retries; resolves when nothing runs any more. Idempotent. */
  async stop(): Promise<void> {
    if (!this.#stop.signal.aborted) {
      this.#stop.abort(new Error(`informer for ${this.description} stopped`));
      for (const waiter of this.#syncWaiters) {
        waiter.reject(new Error(`informer for ${this.description} stopped before it synced`));
      }
      this.#syncWaiters.clear();
    }
    await this.#loop;
  }

  /**
   * Adds handlers. Objects already in the store are replayed to `onAdd` first (as client-go does),
   * so a late handler sees the same world as an early one. Returns a function that removes them.
   */
  addEventHandler(handlers: InformerEventHandlers): () => void {
    const entry = { ...handlers };
    for (const [key, obj] of this.#store) this.#call('add', key, () => entry.onAdd?.(obj));
    this.#handlers.push(entry);
    return () => {
      const index = this.#handlers.indexOf(entry);
      if (index >= 0) this.#handlers.splice(index, 1);
    };
  }

  /** The initial list has reached the store. */
  hasSynced(): boolean {
    return this.#synced;
  }

  /**
   * Resolves once synced. Rejects on timeout (with the reason it is not synced), on abort, or when
   * the informer is stopped first.
   */
  async waitForSync(options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
    if (this.#synced) return;
    if (this.#stop.signal.aborted) {
      throw new Error(`informer for ${this.description} stopped before it synced`);
    }
    const { signal, timeoutMs } = options;
    signal?.throwIfAborted();
    await new Promise<void>((resolve, reject) => {
      const cleanup = (): void => {
        this.#syncWaiters.delete(waiter);
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const waiter = {
        resolve: () => {
          cleanup();
          resolve();
        },
        reject: (err: Error) => {
          cleanup();
          reject(err);
        },
      };
      const onAbort = (): void => {
        waiter.reject(signal?.reason as Error);
      };
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              waiter.reject(
                new Error(
                  `informer for ${this.description} not synced after ${timeoutMs} ms: ${this.#notSyncedReason()}`,
                ),
              );
            }, timeoutMs);
      this.#syncWaiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The object stored under `ns/name` (or `name`). */
  get(key: string): KubeObject | undefined {
    return this.#store.get(key);
  }

  list(): KubeObject[] {
    return [...this.#store.values()];
  }

  keys(): string[] {
    return [...this.#store.keys()];
  }

  get size(): number {
    return this.#store.size;
  }

  /** The last list or watch failure, until the informer recovers. */
  get lastSyncError(): Error | undefined {
    return this.#lastSyncError;
  }

  get status(): InformerStatus {
    return {
      synced: this.#synced,
      watching: this.#watching,
      lastSyncError: this.#lastSyncError,
      lastSyncErrorAt: this.#lastSyncErrorAt,
      failures: this.#failures,
      resourceVersion: this.#resourceVersion,
      objects: this.#store.size,
      lists: this.#lists,
      watches: this.#watches,
    };
  }

  async #run(): Promise<void> {
    const stopped = this.#stop.signal;
    const isStopped = (): boolean => stopped.aborted;
    let needList = true;
    // True from a list until the first watch after it fails or shows progress: a 410 on that
    // watch means even a fresh version is gone, and relisting at once would loop without end.
    let justListed = false;
    while (!isStopped()) {
      let operation: 'list' | 'watch' = 'list';
      try {
        if (needList) {
          await this.#relist();
          needList = false;
          justListed = true;
        }
        operation = 'watch';
        await this.#watchOnce(() => {
          justListed = false;
        });
      } catch (err) {
        if (isStopped()) break;
        const freshVersionGone = justListed && operation === 'watch';
        justListed = false;
        if (isGone(err) && !freshVersionGone) {
          // The server no longer has our version (compaction, apiserver restart): only a relist
          // can tell what happened since. Not a failure of the cluster: relist at once.
          needList = true;
          this.#reportFailure(err, operation, 0, false);
          continue;
        }
        // A broken connection or an overloaded server: resume the watch where it stopped (the
        // server answers 410 if it cannot). Anything else (403, a garbled stream, ...): relist.
        if (!resumable(err)) needList = true;
        this.#failures++;
        const delay = backoffDelay(this.#failures, this.#backoff, this.#random);
        this.#reportFailure(err, operation, delay, true);
        await sleep(delay, undefined, { signal: stopped }).catch(() => undefined);
      }
    }
    this.#watching = false;
  }

  async #relist(): Promise<void> {
    const { client, resource } = this;
    const options = this.#options;
    const list = await client.list(resource, {
      namespace: options.namespace,
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      pageSize: options.pageSize,
      signal: this.#stop.signal,
    });
    if (this.#stop.signal.aborted) return;
    const fresh = new Map<string, KubeObject>();
    for (const item of list.items) {
      const obj = withTypeMeta(item, list);
      const key = storeKey(obj);
      fresh.set(key, compactJson(this.#transform(obj, key)));
    }
    const delta = diffStore(this.#store, fresh);
    // The store first, then the handlers: a handler that reads the store sees the new state.
    for (const { newObj } of delta.updated) this.#store.set(storeKey(newObj), newObj);
    for (const obj of delta.added) this.#store.set(storeKey(obj), obj);
    for (const obj of delta.deleted) this.#store.delete(qualifiedName(obj));
    this.#resourceVersion = list.metadata?.resourceVersion || undefined;
    this.#lists++;
    this.#recovered();
    for (const obj of delta.added) this.#emitAdd(qualifiedName(obj), obj);
    for (const { oldObj, newObj } of delta.updated) {
      this.#emitUpdate(qualifiedName(newObj), oldObj, newObj);
    }
    for (const obj of delta.deleted) this.#emitDelete(qualifiedName(obj), obj);
    if (!this.#synced) {
      this.#synced = true;
      for (const waiter of this.#syncWaiters) waiter.resolve();
    }
  }

  /** One watch from the current resourceVersion, until the server ends it; throws on failure. */
  async #watchOnce(onProgress: () => void): Promise<void> {
    const options = this.#options;
    const minTimeout = options.watchTimeoutSeconds ?? 300;
    const stream = await this.client.watch(this.resource, {
      namespace: options.namespace,
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      resourceVersion: this.#resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: Math.floor(minTimeout * (1 + this.#random())),
      signal: this.#stop.signal,
    });
    const startedAt = Date.now();
    let events = 0;
    this.#watches++;
    this.#watching = true;
    this.#recovered();
    try {
      for await (const event of stream) {
        if (this.#stop.signal.aborted) return;
        events++;
        this.#failures = 0;
        onProgress();
        this.#apply(event);
      }
    } finally {
      this.#watching = false;
      stream.close();
    }
    if (this.#stop.signal.aborted) return;
    if (events === 0 && Date.now() - startedAt < shortWatchMs) {
      throw new ShortWatchError(
        `${this.client.cluster}: the server closed the watch at once, without any event`,
      );
    }
    // A normal close after its timeout: the loop resumes from the last resourceVersion.
    this.#failures = 0;
    onProgress();
  }

  #apply(event: WatchEvent): void {
    const raw = event.object;
    const version = raw.metadata?.resourceVersion;
    if (event.type === 'BOOKMARK') {
      if (version) this.#resourceVersion = version;
      return;
    }
    const key = storeKey(raw);
    const transformed = this.#transform(raw, key);
    const old = this.#store.get(key);
    if (event.type === 'DELETED') {
      this.#store.delete(key);
      if (version) this.#resourceVersion = version;
      // Deleted before we ever saw it (or already gone after a relist): nothing changed here.
      if (old !== undefined) this.#emitDelete(key, transformed);
      return;
    }
    // ADDED and MODIFIED alike: what counts is whether the store had it. Only what is stored is
    // worth compacting.
    const obj = compactJson(transformed);
    this.#store.set(key, obj);
    if (version) this.#resourceVersion = version;
    if (old === undefined) this.#emitAdd(key, obj);
    else if (objectChanged(old, obj)) this.#emitUpdate(key, old, obj);
  }

  #transform(obj: KubeObject, key: string): KubeObject {
    const transform = this.#options.transform;
    if (!transform) return obj;
    try {
      return transform(obj);
    } catch (err) {
      // A broken transform must not make objects vanish from the cache: keep them whole.
      this.#handlerFailed(err, 'transform', key);
      return obj;
    }
  }

  #emitAdd(key: string, obj: KubeObject): void {
    for (const handlers of [...this.#handlers]) {
      this.#call('add', key, () => handlers.onAdd?.(obj));
    }
  }

  #emitUpdate(key: string, oldObj: KubeObject, newObj: KubeObject): void {
    for (const handlers of [...this.#handlers]) {
      this.#call('update', key, () => handlers.onUpdate?.(oldObj, newObj));
    }
  }

  #emitDelete(key: string, obj: KubeObject): void {
    for (const handlers of [...this.#handlers]) {
      this.#call('delete', key, () => handlers.onDelete?.(obj));
    }
  }

  #call(event: HandlerErrorInfo['event'], key: string, invoke: () => unknown): void {
    try {
      const result = invoke();
      if (isThenable(result)) {
        result.then(undefined, (err: unknown) => {
          this.#handlerFailed(err, event, key);
        });
      }
    } catch (err) {
      this.#handlerFailed(err, event, key);
    }
  }

  #handlerFailed(err: unknown, event: HandlerErrorInfo['event'], key: string): void {
    const info: HandlerErrorInfo = {
      key,
      event,
      cluster: this.client.cluster,
      informer: this.description,
    };
    const { onHandlerError, logger } = this.#options;
    if (onHandlerError) {
      try {
        onHandlerError(err, info);
        return;
      } catch (reportError) {
        err = new AggregateError([err, reportError], 'onHandlerError threw while reporting');
      }
    }
    const fields = { cluster: info.cluster, object: key, event, informer: this.description };
    if (logger) {
      logger.error('Handling informer event failed', err, fields);
    } else {
      console.error(`informer for ${this.description}: ${event} handler failed for ${key}:`, err);
    }
  }

  #reportFailure(
    err: unknown,
    operation: 'list' | 'watch',
    retryInMs: number,
    countsAsSyncError: boolean,
  ): void {
    if (countsAsSyncError) {
      this.#lastSyncError = err instanceof Error ? err : new Error(String(err));
      this.#lastSyncErrorAt = Date.now();
    }
    const failures = this.#failures;
    const fields = {
      cluster: this.client.cluster,
      informer: this.description,
      operation,
      retryInMs,
      failures,
      error: err,
    };
    if (countsAsSyncError) {
      this.#options.logger?.warn(`Retrying ${operation} after a failure`, fields);
    } else {
      this.#options.logger?.info('Relisting: the watched resourceVersion is gone', fields);
    }
    try {
      this.#options.onError?.(err, { operation, retryInMs, failures });
    } catch (reportError) {
      if (this.#options.logger) {
        this.#options.logger.error('Reporting an informer failure failed', reportError, fields);
      } else {
        console.error(`informer for ${this.description}: onError threw:`, reportError);
      }
    }
  }

  #recovered(): void {
    if (this.#lastSyncError !== undefined) {
      this.#options.logger?.info('Informer recovered', {
        cluster: this.client.cluster,
        informer: this.description,
      });
    }
    this.#lastSyncError = undefined;
    this.#lastSyncErrorAt = undefined;
  }

  #notSyncedReason(): string {
    if (this.#lastSyncError) return this.#lastSyncError.message;
    return this.#loop === undefined ? 'not started' : 'initial list in progress';
  }
}

/** `ns/name` or `name`, as the one string V8 keeps for that text (shared by every cache). */
function storeKey(obj: KubeObject): string {
  return internString(qualifiedName(obj));
}

/** Worth resuming the watch from the same resourceVersion: a connection or server hiccup. */
function resumable(err: unknown): boolean {
  if (err instanceof ShortWatchError) return true;
  if (isTransportError(err)) return err.kind !== 'malformed-response';
  if (isApiError(err)) return err.statusCode >= 500 || err.statusCode === 429;
  return false;
}

/** List items come without apiVersion and kind; watch objects have them. Store one shape. */
function withTypeMeta(item: KubeObject, list: KubeList): KubeObject {
  if (item.kind !== undefined && item.apiVersion !== undefined) return item;
  const kind = list.kind?.endsWith('List') === true ? list.kind.slice(0, -4) : undefined;
  if (kind === undefined || list.apiVersion === undefined) return item;
  return { apiVersion: list.apiVersion, kind, ...item };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
