import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TLSSocket } from 'node:tls';
import { Logger } from '../../../src/runtime/logger.ts';
import {
  makeServingCertificate,
  type ServingCertificate,
} from '../../../src/sandbox/certificates.ts';
import { startWebhookServer, type RunningWebhookServer } from '../../../src/webhook/server.ts';

interface Answer {
  status: number;
  body: string;
  /** SHA-256 fingerprint of the certificate the server presented. */
  served: string;
}

function call(
  server: RunningWebhookServer,
  ca: string,
  path: string,
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${path}`,
      // A new connection each time: a rotated certificate shows in the next handshake.
      { method: body === undefined ? 'GET' : 'POST', ca, agent: false },
      (res) => {
        const socket = res.socket;
        const served =
          socket instanceof TLSSocket
            ? (socket.getPeerX509Certificate()?.fingerprint256 ?? '')
            : '';
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, served }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function writeCert(dir: string, cert: { cert: string; key: string }): void {
  writeFileSync(join(dir, 'tls.crt'), cert.cert);
  writeFileSync(join(dir, 'tls.key'), cert.key);
}

const fingerprint = (pem: string): string => new X509Certificate(pem).fingerprint256;

describe('the webhook server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'webhook-certs-'));
  const logs: string[] = [];
  const first = makeServingCertificate('kubefed-webhook', ['127.0.0.1']);
  let server: RunningWebhookServer;

  before(async () => {
    writeCert(dir, first);
    server = await startWebhookServer({
      certDir: dir,
      host: '127.0.0.1',
      port: 0,
      logger: new Logger({ format: 'json', sink: (line) => logs.push(line), verbosity: 4 }),
    });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves readiness and health over TLS with the certificate of --cert-dir', async () => {
    for (const path of ['/readyz/', '/readyz', '/healthz']) {
      const answer = await call(server, first.caCert, path);
      assert.deepEqual([answer.status, answer.body], [200, 'ok'], path);
      assert.equal(answer.served, fingerprint(first.cert));
    }
  });

  it('answers an AdmissionReview posted to an admission path, and logs it', async () => {
    const review = {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: 'u1',
        resource: { group: 'core.kubefed.io', version: 'v1beta1', resource: 'kubefedclusters' },
        operation: 'CREATE',
        namespace: 'kfns',
        name: 'c1',
        object: { spec: { apiEndpoint: 'https://x:6443' } },
      },
    };
    const answer = await call(
      server,
      first.caCert,
      '/validate-kubefedcluster',
      JSON.stringify(review),
    );
    assert.equal(answer.status, 200);
    assert.deepEqual(JSON.parse(answer.body), {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: {
        uid: 'u1',
        allowed: false,
        status: {
          status: 'Failure',
          code: 403,
          reason: 'Forbidden',
          message: 'spec.secretRef.name: Required value',
        },
      },
    });
    const line = logs.find((l) => l.includes('Refusing an admission request'));
    assert.ok(line, logs.join('\n'));
    assert.match(line, /"object":"kfns\/c1"/);
    assert.match(line, /"resource":"kubefedclusters"/);
  });

  it('answers 404 elsewhere and 405 to a GET of an admission path', async () => {
    assert.equal((await call(server, first.caCert, '/validate-other', '{}')).status, 404);
    assert.equal((await call(server, first.caCert, '/default-kubefedconfig')).status, 405);
  });

  it('serves a rotated certificate without a restart, and keeps the last good one', async () => {
    const second: ServingCertificate = makeServingCertificate('kubefed-webhook', ['127.0.0.1']);
    writeCert(dir, second);
    const deadline = Date.now() + 10_000;
    let answer = await call(server, second.caCert, '/readyz/').catch(() => undefined);
    while (answer?.served !== fingerprint(second.cert) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      answer = await call(server, second.caCert, '/readyz/').catch(() => undefined);
    }
    assert.equal(answer?.served, fingerprint(second.cert));
    await assert.rejects(call(server, first.caCert, '/readyz/'), /self-signed|unable to verify/i);

    // A key that does not match: logged, and the second certificate stays.
    writeFileSync(join(dir, 'tls.key'), first.key);
    const logged = Date.now() + 10_000;
    while (
      !logs.some((l) => l.includes('Keeping the current serving certificate')) &&
      Date.now() < logged
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(
      logs.some((l) => l.includes('Keeping the current serving certificate')),
      logs.join('\n'),
    );
    assert.equal((await call(server, second.caCert, '/readyz/')).served, fingerprint(second.cert));
    writeFileSync(join(dir, 'tls.key'), second.key);
  });
});

describe('startWebhookServer', () => {
  const logger = new Logger({ sink: () => undefined });

  it('says what --cert-dir must hold', async () => {
    await assert.rejects(
      startWebhookServer({ certDir: '/nonexistent-dir', host: '127.0.0.1', port: 0, logger }),
      /cannot read the serving certificate: --cert-dir \/nonexistent-dir must hold tls.crt and tls.key/,
    );
  });

  it('refuses files that are not a certificate and its key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webhook-certs-'));
    try {
      writeCert(dir, { cert: 'not a certificate', key: 'not a key' });
      await assert.rejects(
        startWebhookServer({ certDir: dir, host: '127.0.0.1', port: 0, logger }),
        /the serving certificate in .* is unusable: .*tls.crt must be a PEM certificate, tls.key its PEM private key/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
