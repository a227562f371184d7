// A real node:http server that serves one collection the way kube-apiserver does for list+watch:
// paged lists, watches from a resourceVersion with the missed events replayed, label selectors
// (an object leaving the selection is a DELETED event), bookmarks, a 410 for versions older than
// the last "compaction", and knobs to break things: refuse, drop, end or garble watches.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { KubeObject } from '../../../src/json/object.ts';

export interface WatchRequest {
  url: URL;
  watch: boolean;
}

interface Change {
  rv: number;
  before: KubeObject | undefined;
  after: KubeObject | undefined;
}

interface Watcher {
  res: ServerResponse;
  selector: ((obj: KubeObject) => boolean) | undefined;
}

/** How the next watch requests are answered instead of normally. */
export type WatchFault =
  | { kind: 'status'; code: number; reason: string }
  /** 200, then an ERROR event with this code (how the apiserver reports 410 mid-stream). */
  | { kind: 'error-event'; code: number; reason: string }
  /** 200 with a line that is not JSON. */
  | { kind: 'garbage' }
  /** 200 and an immediate normal end. */
  | { kind: 'end' };

export class WatchServer {
  readonly requests: WatchRequest[] = [];
  readonly #objects = new Map<string, KubeObject>();
  readonly #history: Change[] = [];
  readonly #watchers = new Set<Watcher>();
  readonly #sockets = new Set<Socket>();
  #server: Server;
  #rv: number;
  /** Watches from a version at or below this are answered 410. */
  #compactedRv = 0;
  /** Faults for the next watch requests, in order. */
  readonly watchFaults: WatchFault[] = [];
  /** Status codes for the next list requests, in order (500 = fail that list). */
  readonly listFaults: number[] = [];
  #port = 0;

  private constructor(server: Server, startRv: number) {
    this.#server = server;
    this.#rv = startRv;
  }

  static async start(startRv = 100): Promise<WatchServer> {
    const holder: { server?: WatchServer } = {};
    const server = createServer((req, res) => {
      holder.server?.handle(req, res);
    });
    const watchServer = new WatchServer(server, startRv);
    holder.server = watchServer;
    await watchServer.#listen(0);
    return watchServer;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get resourceVersion(): string {
    return String(this.#rv);
  }

  get openWatches(): number {
    return this.#watchers.size;
  }

  /** Creates or replaces an object (namespace `ns` unless given). */
  put(name: string, fields: Record<string, unknown> = {}, labels?: Record<string, string>): void {
    const key = `ns/${name}`;
    const before = this.#objects.get(key);
    const rv = ++this.#rv;
    const after: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name,
        namespace: 'ns',
        resourceVersion: String(rv),
        uid: `uid-${name}`,
        ...(labels ? { labels } : {}),
        managedFields: [{ manager: 'test' }],
      },
      ...fields,
    };
    this.#objects.set(key, after);
    this.#record({ rv, before, after });
  }

  remove(name: string): void {
    const key = `ns/${name}`;
    const before = this.#objects.get(key);
    if (!before) throw new Error(`no object ${key}`);
    this.#objects.delete(key);
    const rv = ++this.#rv;
    this.#record({ rv, before, after: undefined });
  }

  /** Forgets history: a watch from any version up to now gets 410 Gone. */
  compact(): void {
    this.#compactedRv = this.#rv;
    this.#history.length = 0;
  }

  bookmark(): void {
    this.#rv++;
    const line = event('BOOKMARK', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { resourceVersion: String(this.#rv) },
    });
    for (const watcher of this.#watchers) watcher.res.write(line);
  }

  /** Writes raw bytes to every open watch (to test framing). */
  writeRaw(text: string): void {
    for (const watcher of this.#watchers) watcher.res.write(text);
  }

  /** Ends every open watch normally, as a server-side watch timeout does. */
  endWatches(): void {
    for (const watcher of this.#watchers) watcher.res.end();
    this.#watchers.clear();
  }

  /** Cuts every connection: watches break with a reset. */
  dropConnections(): void {
    for (const socket of this.#sockets) socket.destroy();
    this.#watchers.clear();
  }

  /** Stops listening (connections are refused) until `restart`. */
  async pause(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Listens again on the same port. */
  async restart(): Promise<void> {
    const server = createServer((req, res) => {
      this.handle(req, res);
    });
    this.#server = server;
    await this.#listen(this.#port);
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => {
      this.#server.closeAllConnections();
      this.#server.close(() => resolve());
    });
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://test');
    const watch = url.searchParams.get('watch') === 'true';
    this.requests.push({ url, watch });
    if (
      url.pathname !== '/api/v1/namespaces/ns/configmaps' &&
      url.pathname !== '/api/v1/configmaps'
    ) {
      sendStatus(res, 404, 'NotFound', 'not found');
      return;
    }
    const selector = parseSelector(url.searchParams.get('labelSelector'));
    if (watch) this.#watch(url, selector, res);
    else this.#list(url, selector, res);
  }

  #list(url: URL, selector: Watcher['selector'], res: ServerResponse): void {
    const fault = this.listFaults.shift();
    if (fault !== undefined) {
      sendStatus(res, fault, 'InternalError', `list fault ${fault}`);
      return;
    }
    const all = [...this.#objects.values()]
      .filter((obj) => !selector || selector(obj))
      .sort((a, b) => String(a.metadata?.name).localeCompare(String(b.metadata?.name)));
    const limit = Number(url.searchParams.get('limit') ?? '0');
    const offset = Number(url.searchParams.get('continue') ?? '0');
    const page = limit > 0 ? all.slice(offset, offset + limit) : all.slice(offset);
    const next = offset + page.length;
    // List items carry no apiVersion/kind, as the real server sends them.
    const items = page.map((obj) => {
      const item = { ...obj };
      delete item.apiVersion;
      delete item.kind;
      return item;
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMapList',
        metadata: {
          resourceVersion: String(this.#rv),
          ...(next < all.length ? { continue: String(next) } : {}),
        },
        items,
      }),
    );
  }

  #watch(url: URL, selector: Watcher['selector'], res: ServerResponse): void {
    const fault = this.watchFaults.shift();
    if (fault?.kind === 'status') {
      sendStatus(res, fault.code, fault.reason, `watch fault ${fault.code}`);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    if (fault?.kind === 'error-event') {
      res.end(event('ERROR', statusBody(fault.code, fault.reason, 'too old resource version')));
      return;
    }
    if (fault?.kind === 'garbage') {
      res.end('{"type":"ADDED","object":{not json}\n');
      return;
    }
    if (fault?.kind === 'end') {
      res.end();
      return;
    }
    const from = Number(url.searchParams.get('resourceVersion') ?? String(this.#rv));
    if (from < this.#compactedRv) {
      res.end(
        event(
          'ERROR',
          statusBody(410, 'Expired', `too old resource version: ${from} (${this.#compactedRv})`),
        ),
      );
      return;
    }
    const watcher: Watcher = { res, selector };
    for (const change of this.#history) {
      if (change.rv > from) writeChange(watcher, change);
    }
    this.#watchers.add(watcher);
    res.on('close', () => this.#watchers.delete(watcher));
  }

  #record(change: Change): void {
    this.#history.push(change);
    for (const watcher of this.#watchers) writeChange(watcher, change);
  }

  async #listen(port: number): Promise<void> {
    this.#server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.#server.listen(port, '127.0.0.1', resolve));
    this.#port = (this.#server.address() as AddressInfo).port;
  }
}

function writeChange(watcher: Watcher, change: Change): void {
  const matches = (obj: KubeObject | undefined): obj is KubeObject =>
    obj !== undefined && (!watcher.selector || watcher.selector(obj));
  const was = matches(change.before);
  const is = matches(change.after);
  if (is && change.after) watcher.res.write(event(was ? 'MODIFIED' : 'ADDED', change.after));
  else if (was && change.before) {
    // The final state of a deleted object carries the deletion's version.
    const final = change.after ?? change.before;
    const metadata = { ...final.metadata, resourceVersion: String(change.rv) };
    watcher.res.write(event('DELETED', { ...final, metadata }));
  }
}

function event(type: string, object: unknown): string {
  return `${JSON.stringify({ type, object })}\n`;
}

function statusBody(code: number, reason: string, message: string): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
}

function sendStatus(res: ServerResponse, code: number, reason: string, message: string): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(statusBody(code, reason, message)));
}

/** Only `key=value` terms joined by commas: enough for `kubefed.io/managed=true`. */
function parseSelector(text: string | null): ((obj: KubeObject) => boolean) | undefined {
  if (!text) return undefined;
  const terms = text.split(',').map((term) => term.split('=') as [string, string]);
  return (obj) => terms.every(([key, value]) => obj.metadata?.labels?.[key] === value);
}
