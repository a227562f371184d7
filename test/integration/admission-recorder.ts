// An HTTPS admission endpoint on loopback that allows every request and records which path the
// API server called for which object: it stands in for the webhook where the chart's registration
// (paths, rules, CA bundle) is under test, as the sandbox's simulated pods cannot serve one.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface AdmissionCall {
  path: string;
  operation: string;
  resource: string;
  subResource: string;
  namespace: string;
  name: string;
}

export interface AdmissionRecorder {
  /** https://127.0.0.1:PORT */
  url: string;
  /** Base64 PEM of the CA that signed the serving certificate (a webhook's caBundle). */
  caBundle: string;
  calls: AdmissionCall[];
  close(): Promise<void>;
}

/** A CA and a serving certificate for 127.0.0.1 signed by it, made with openssl. */
function servingCertificate(): { ca: string; cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'admission-recorder-'));
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  };
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    openssl(
      'req',
      '-x509',
      ...ecKey,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '1',
      '-subj',
      '/CN=admission-recorder-ca',
    );
    openssl('req', ...ecKey, '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', '/CN=127.0.0.1');
    writeFileSync(join(dir, 'san.cnf'), 'subjectAltName=IP:127.0.0.1\n');
    openssl(
      'x509',
      '-req',
      '-in',
      'tls.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      'san.cnf',
      '-out',
      'tls.crt',
    );
    const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
    return { ca: read('ca.crt'), cert: read('tls.crt'), key: read('tls.key') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startAdmissionRecorder(): Promise<AdmissionRecorder> {
  const { ca, cert, key } = servingCertificate();
  const calls: AdmissionCall[] = [];
  const server: Server = createServer({ cert, key }, (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const review = JSON.parse(body) as {
        request: {
          uid: string;
          operation: string;
          resource: { resource: string };
          subResource?: string;
          namespace?: string;
          name?: string;
          object?: { metadata?: { name?: string } };
        };
      };
      const request = review.request;
      calls.push({
        path: new URL(req.url ?? '/', 'https://recorder').pathname,
        operation: request.operation,
        resource: request.resource.resource,
        subResource: request.subResource ?? '',
        namespace: request.namespace ?? '',
        name: request.name || (request.object?.metadata?.name ?? ''),
      });
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          apiVersion: 'admission.k8s.io/v1',
          kind: 'AdmissionReview',
          response: { uid: request.uid, allowed: true },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${String(port)}`,
    caBundle: Buffer.from(ca).toString('base64'),
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
