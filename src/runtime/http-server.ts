// The controller-manager's plain HTTP endpoints: `/healthz` (`--healthz-addr`, default `:8080`) and
// `/metrics` (`--metrics-addr`, default `:9090`). Addresses are Go-style `host:port`; an empty host
// (`:8080`) listens on all interfaces, port 0 picks a free port and the bound one is reported.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricsRegistry } from './metrics.ts';
import { errorMessage } from '../kube/errors.ts';

/** Resolves when healthy; throws (or rejects) with the reason otherwise. */
export type HealthCheck = () => void | Promise<void>;

export interface HttpEndpoints {
  /** Serve `/healthz`; `true` means always healthy. */
  healthz?: HealthCheck | true;
  /** Serve `/metrics` from this registry. */
  metrics?: MetricsRegistry;
}

export interface ListenAddress {
  /** Undefined means all interfaces. */
  host: string | undefined;
  port: number;
}

export interface RunningHttpServer {
  /** Bound address, e.g. `127.0.0.1` or `::`. */
  readonly host: string;
  /** Bound port (the real one when 0 was asked for). */
  readonly port: number;
  /** Base URL for clients, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/** Parses `host:port`, `:port` or `[ipv6]:port`, as Go's net.Listen accepts them. */
export function parseListenAddress(address: string): ListenAddress {
  const match = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d{1,5})$/.exec(address);
  const port = Number(match?.[3]);
  if (match === null || !(port >= 0 && port <= 65535)) {
    throw new Error(
      `invalid listen address "${address}": expected host:port, e.g. ":8080" or "127.0.0.1:9090"`,
    );
  }
  const host = match[1] ?? match[2] ?? '';
  return { host: host === '' ? undefined : host, port };
}

/** Listens on `address` and serves the given endpoints; other paths answer 404. */
export async function startHttpServer(
  address: string,
  endpoints: HttpEndpoints,
): Promise<RunningHttpServer> {
  const { host, port } = parseListenAddress(address);
  const server = createServer((req, res) => {
    handle(req, res, endpoints).catch((err: unknown) => {
      reply(res, 500, `internal error: ${errorMessage(err)}\n`);
    });
  });
  // Keep-alive sockets of scrapers would otherwise hold close() open.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => {
      reject(new Error(`cannot listen on "${address}": ${err.message}`));
    };
    server.once('error', onError);
    server.listen({ host, port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const urlHost = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    host: bound.address,
    port: bound.port,
    url: `http://${urlHost}:${bound.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => {
          if (err === undefined) resolve();
          else reject(err);
        });
        server.closeAllConnections();
      }),
  };
}

/** `/healthz` alone: 200 `OK`, or 500 with the reason `check` failed with. */
export function serveHealthz(address: string, check?: HealthCheck): Promise<RunningHttpServer> {
  return startHttpServer(address, { healthz: check ?? true });
}

/** `/metrics` alone, rendered from `registry` on each scrape. */
export function serveMetrics(
  address: string,
  registry: MetricsRegistry,
): Promise<RunningHttpServer> {
  return startHttpServer(address, { metrics: registry });
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  endpoints: HttpEndpoints,
): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const { healthz, metrics } = endpoints;
  const known = (path === '/healthz' && healthz) || (path === '/metrics' && metrics);
  if (!known) {
    reply(res, 404, '404 page not found\n');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    reply(res, 405, 'method not allowed\n');
    return;
  }
  if (path === '/healthz' && healthz !== undefined) {
    try {
      if (healthz !== true) await healthz();
    } catch (err) {
      reply(res, 500, `unhealthy: ${errorMessage(err)}\n`);
      return;
    }
    reply(res, 200, 'OK');
    return;
  }
  if (metrics !== undefined) {
    reply(res, 200, await metrics.metrics(), metrics.contentType);
  }
}

function reply(
  res: ServerResponse,
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
