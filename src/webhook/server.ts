// The HTTPS server of kubefed-webhook: the admission paths, `/readyz` and `/healthz`, and the
// serving certificate of --cert-dir, served anew when its files change (a rotated Secret, or
// cert-manager renewing it) without a restart.
import { watch, readFileSync, type FSWatcher } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { errorMessage } from '../kube/errors.ts';
import type { Logger } from '../runtime/logger.ts';
import { isAdmissionPath, reviewAdmission } from './admission.ts';

/** An AdmissionReview is one object; the apiserver caps requests far below this. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Writing a certificate and its key are two events: read them once both are done. */
const RELOAD_DEBOUNCE_MS = 100;
const SHUTDOWN_GRACE_MS = 5_000;

export interface WebhookServerOptions {
  certDir: string;
  host: string;
  port: number;
  logger: Logger;
}

export interface RunningWebhookServer {
  readonly port: number;
  /** `https://host:port`. */
  readonly url: string;
  close(): Promise<void>;
}

interface KeyPair {
  cert: string;
  key: string;
}

export async function startWebhookServer(
  options: WebhookServerOptions,
): Promise<RunningWebhookServer> {
  const { certDir, logger } = options;
  let served = readKeyPair(certDir);
  checkKeyPair(served, certDir);
  const server = createServer({ ...served }, (req, res) => {
    handle(req, res, logger).catch((error: unknown) => {
      logger.error('Answering a request failed', error, { path: req.url });
      if (!res.headersSent)
        reply(res, 500, 'text/plain', `internal error: ${errorMessage(error)}\n`);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;

  let reloadTimer: NodeJS.Timeout | undefined;
  const reload = (): void => {
    reloadTimer = undefined;
    let next: KeyPair;
    try {
      next = readKeyPair(certDir);
      if (next.cert === served.cert && next.key === served.key) return;
      checkKeyPair(next, certDir);
    } catch (error) {
      // Mid-rotation (the certificate written, not yet its key): the next event completes it.
      logger.warn('Keeping the current serving certificate', { error: errorMessage(error) });
      return;
    }
    server.setSecureContext(next);
    served = next;
    logger.info('Serving the new certificate', { certDir });
  };
  const watcher: FSWatcher = watch(certDir, () => {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(reload, RELOAD_DEBOUNCE_MS);
  });
  watcher.on('error', (error) => {
    logger.error('Watching the certificate directory failed', error, { certDir });
  });

  await listen(server, options.host, options.port);
  const bound = server.address() as AddressInfo;
  const urlHost = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    port: bound.port,
    url: `https://${urlHost}:${String(bound.port)}`,
    close: () => {
      watcher.close();
      clearTimeout(reloadTimer);
      return new Promise<void>((resolve, reject) => {
        // Requests in flight finish; a connection still open after the grace period is cut.
        const cut = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
        server.close((error) => {
          clearTimeout(cut);
          if (error === undefined) resolve();
          else reject(error);
        });
        server.closeIdleConnections();
      });
    },
  };
}

function readKeyPair(certDir: string): KeyPair {
  try {
    return {
      cert: readFileSync(join(certDir, 'tls.crt'), 'utf8'),
      key: readFileSync(join(certDir, 'tls.key'), 'utf8'),
    };
  } catch (error) {
    throw new Error(
      `cannot read the serving certificate: --cert-dir ${certDir} must hold tls.crt and tls.key (${errorMessage(error)})`,
      { cause: error },
    );
  }
}

/** Throws when the files are not a certificate and its key. */
function checkKeyPair(pair: KeyPair, certDir: string): void {
  try {
    createSecureContext(pair);
  } catch (error) {
    throw new Error(
      `the serving certificate in ${certDir} is unusable: ${errorMessage(error)} (tls.crt must be a PEM certificate, tls.key its PEM private key)`,
      { cause: error },
    );
  }
}

async function listen(server: Server, host: string, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(new Error(`cannot listen on ${host}:${String(port)}: ${error.message}`));
    };
    server.once('error', onError);
    server.listen({ host, port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, logger: Logger): Promise<void> {
  const path = new URL(req.url ?? '/', 'https://localhost').pathname;
  if (path === '/readyz' || path === '/readyz/' || path === '/healthz') {
    reply(res, 200, 'text/plain; charset=utf-8', 'ok');
    return;
  }
  if (!isAdmissionPath(path)) {
    reply(res, 404, 'text/plain; charset=utf-8', '404 page not found\n');
    return;
  }
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    reply(res, 405, 'text/plain; charset=utf-8', 'admission reviews are POSTed\n');
    return;
  }
  const body = await readBody(req);
  const { review, request } = reviewAdmission(path, body);
  const { allowed, status, patch } = review.response;
  const fields = {
    path,
    ...(request !== undefined
      ? {
          operation: request.operation,
          resource: request.subResource
            ? `${request.resource.resource}/${request.subResource}`
            : request.resource.resource,
          object: request.namespace ? `${request.namespace}/${request.name ?? ''}` : request.name,
        }
      : {}),
    allowed,
    ...(patch !== undefined ? { patched: true } : {}),
    ...(status !== undefined ? { code: status.code, message: status.message } : {}),
  };
  if (!allowed) logger.v(2).info('Refusing an admission request', fields);
  else logger.v(4).info('Admitting a request', fields);
  reply(res, 200, 'application/json', JSON.stringify(review));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error(`request body over ${String(MAX_BODY_BYTES)} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function reply(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
