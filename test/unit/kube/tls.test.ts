import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KubeClient } from '../../../src/kube/client.ts';
import { tlsOptionsFor } from '../../../src/kube/connection.ts';
import { TransportError } from '../../../src/kube/errors.ts';
import type { ClusterConnectionConfig } from '../../../src/kube/kubeconfig.ts';
import { startServer } from './test-server.ts';
import type { TestServer } from './test-server.ts';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface Pki {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

// A CA, a serving certificate valid only for `kubernetes.default` (not for 127.0.0.1, so the
// server-name override is exercised), and a client certificate, all made with openssl.
function makePki(dir: string): Pki {
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=test-ca');
  for (const [name, cn, ext] of [
    ['server', 'kube-apiserver', 'subjectAltName=DNS:kubernetes.default\nextendedKeyUsage=serverAuth\n'],
    ['client', 'admin', 'extendedKeyUsage=clientAuth\n'],
  ] as const) {
    writeFileSync(join(dir, `${name}.ext`), ext);
    openssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    openssl(
      'x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
      '-out', `${name}.crt`, '-days', '1', '-extfile', `${name}.ext`,
    );
  }
  const read = (file: string): string => readFileSync(join(dir, file), 'utf8');
  return {
    ca: read('ca.crt'),
    serverCert: read('server.crt'),
    serverKey: read('server.key'),
    clientCert: read('client.crt'),
    clientKey: read('client.key'),
  };
}

describe('TLS options', () => {
  it('builds Node TLS options from the cluster config', () => {
    assert.deepEqual(
      tlsOptionsFor({
        server: 'https://x',
        caData: 'CA',
        tlsServerName: 'kubernetes',
        clientCertData: 'C',
        clientKeyData: 'K',
      }),
      { rejectUnauthorized: true, ca: 'CA', servername: 'kubernetes', cert: 'C', key: 'K' },
    );
    assert.deepEqual(tlsOptionsFor({ server: 'https://x', caData: 'CA', insecureSkipTLSVerify: true }), {
      rejectUnauthorized: false,
    });
  });
});

describe('TLS connections', { skip: !hasOpenssl() && 'openssl is not installed' }, () => {
  let dir: string;
  let pki: Pki;
  let server: TestServer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kube-tls-test-'));
    pki = makePki(dir);
    // Like kube-apiserver with --client-ca-file: a client certificate is checked when offered.
    server = await startServer((req) => ({ body: { path: req.url.pathname } }), {
      cert: pki.serverCert,
      key: pki.serverKey,
      ca: pki.ca,
      requestCert: true,
      rejectUnauthorized: true,
    });
  });

  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function call(config: Omit<ClusterConnectionConfig, 'server'>): Promise<unknown> {
    const client = new KubeClient({ server: server.url, ...config }, { cluster: 'secure' });
    try {
      return await client.request('GET', '/version');
    } finally {
      await client.close();
    }
  }

  const clientCert = (): Pick<ClusterConnectionConfig, 'clientCertData' | 'clientKeyData'> => ({
    clientCertData: pki.clientCert,
    clientKeyData: pki.clientKey,
  });

  it('verifies the server against the configured CA and server name', async () => {
    assert.deepEqual(await call({ caData: pki.ca, tlsServerName: 'kubernetes.default', ...clientCert() }), {
      path: '/version',
    });
  });

  it('rejects a server whose certificate does not match the address', async () => {
    await assert.rejects(call({ caData: pki.ca, ...clientCert() }), (err: unknown) => {
      assert.ok(err instanceof TransportError);
      assert.equal(err.kind, 'tls');
      assert.match(err.message, /^secure: TLS error: .*\(https:\/\/127\.0\.0\.1:\d+\)$/);
      return true;
    });
  });

  it('rejects a server signed by an unknown CA', async () => {
    await assert.rejects(call({ tlsServerName: 'kubernetes.default', ...clientCert() }), (err: unknown) => {
      assert.ok(err instanceof TransportError);
      assert.equal(err.kind, 'tls');
      return true;
    });
  });

  it('skips verification with insecure-skip-tls-verify', async () => {
    assert.deepEqual(await call({ insecureSkipTLSVerify: true, ...clientCert() }), { path: '/version' });
  });

  it('presents a client certificate from an exec plugin', async () => {
    const script = join(dir, 'cert-plugin.cjs');
    writeFileSync(
      script,
      `process.stdout.write(JSON.stringify({
        apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential',
        status: { clientCertificateData: ${JSON.stringify(pki.clientCert)}, clientKeyData: ${JSON.stringify(pki.clientKey)} },
      }));`,
    );
    const exec = {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: process.execPath,
      args: [script],
      env: [],
      provideClusterInfo: false,
    };
    assert.deepEqual(await call({ caData: pki.ca, tlsServerName: 'kubernetes.default', exec }), {
      path: '/version',
    });
    await assert.rejects(call({ caData: pki.ca, tlsServerName: 'kubernetes.default' }));
  });
});
