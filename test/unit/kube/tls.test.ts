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
  expiredServerCert: string;
  clientCert: string;
  clientKey: string;
}

const caConfig = `
[ ca ]
default_ca = test
[ test ]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any
copy_extensions = copy
unique_subject = no
[ any ]
commonName = supplied
[ ca_ext ]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
[ server_ext ]
subjectAltName = DNS:kubernetes.default
extendedKeyUsage = serverAuth
[ client_ext ]
extendedKeyUsage = clientAuth
`;

// Made with openssl: a CA valid 2019-2040; a serving certificate valid only for
// `kubernetes.default` (not for 127.0.0.1, so the server-name override is exercised); the same
// name on a certificate that expired in 2020; and a client certificate.
function makePki(dir: string): Pki {
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  };
  writeFileSync(join(dir, 'ca.cnf'), caConfig);
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '01\n');
  const request = (name: string, cn: string): void => {
    openssl(
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${cn}`,
    );
  };
  const sign = (name: string, out: string, ext: string, start: string, end: string): void => {
    openssl(
      'ca',
      '-batch',
      '-config',
      'ca.cnf',
      '-cert',
      'ca.crt',
      '-keyfile',
      'ca.key',
      '-notext',
      '-in',
      `${name}.csr`,
      '-out',
      out,
      '-extensions',
      ext,
      '-startdate',
      start,
      '-enddate',
      end,
    );
  };
  request('ca', 'test-ca');
  openssl(
    'ca',
    '-batch',
    '-config',
    'ca.cnf',
    '-selfsign',
    '-keyfile',
    'ca.key',
    '-notext',
    '-in',
    'ca.csr',
    '-out',
    'ca.crt',
    '-extensions',
    'ca_ext',
    '-startdate',
    '20190101000000Z',
    '-enddate',
    '20400101000000Z',
  );
  request('server', 'kube-apiserver');
  sign('server', 'server.crt', 'server_ext', '20240101000000Z', '20390101000000Z');
  sign('server', 'expired.crt', 'server_ext', '20200101000000Z', '20200201000000Z');
  request('client', 'admin');
  sign('client', 'client.crt', 'client_ext', '20240101000000Z', '20390101000000Z');
  const read = (file: string): string => readFileSync(join(dir, file), 'utf8');
  return {
    ca: read('ca.crt'),
    serverCert: read('server.crt'),
    serverKey: read('server.key'),
    expiredServerCert: read('expired.crt'),
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
    assert.deepEqual(
      tlsOptionsFor({ server: 'https://x', caData: 'CA', insecureSkipTLSVerify: true }),
      {
        rejectUnauthorized: false,
      },
    );
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
    assert.deepEqual(
      await call({ caData: pki.ca, tlsServerName: 'kubernetes.default', ...clientCert() }),
      {
        path: '/version',
      },
    );
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
    await assert.rejects(
      call({ tlsServerName: 'kubernetes.default', ...clientCert() }),
      (err: unknown) => {
        assert.ok(err instanceof TransportError);
        assert.equal(err.kind, 'tls');
        return true;
      },
    );
  });

  it('skips verification with insecure-skip-tls-verify', async () => {
    assert.deepEqual(await call({ insecureSkipTLSVerify: true, ...clientCert() }), {
      path: '/version',
    });
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

describe('disabledTLSValidations', { skip: !hasOpenssl() && 'openssl is not installed' }, () => {
  let dir: string;
  let pki: Pki;
  let current: TestServer;
  let expired: TestServer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kube-tls-partial-'));
    pki = makePki(dir);
    const reply = (): { body: object } => ({ body: { ok: true } });
    current = await startServer(reply, { cert: pki.serverCert, key: pki.serverKey });
    expired = await startServer(reply, { cert: pki.expiredServerCert, key: pki.serverKey });
  });

  after(async () => {
    await current.close();
    await expired.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function call(server: TestServer, config: Omit<ClusterConnectionConfig, 'server'>) {
    const client = new KubeClient({ server: server.url, ...config }, { cluster: 'member1' });
    try {
      return await client.request('GET', '/healthz');
    } finally {
      await client.close();
    }
  }

  const rejectsTls = (promise: Promise<unknown>, pattern: RegExp) =>
    assert.rejects(promise, (err: unknown) => {
      assert.ok(err instanceof TransportError, String(err));
      assert.equal(err.kind, 'tls');
      assert.match(err.message, pattern);
      return true;
    });

  it('SubjectName: accepts a trusted certificate for another name', async () => {
    assert.deepEqual(
      await call(current, { caData: pki.ca, disabledTLSValidations: ['SubjectName'] }),
      {
        ok: true,
      },
    );
    await rejectsTls(call(current, { caData: pki.ca }), /TLS error/);
  });

  it('SubjectName: still requires a trusted chain', async () => {
    await rejectsTls(
      call(current, { disabledTLSValidations: ['SubjectName'] }),
      /certificate signed by unknown authority/,
    );
  });

  it('ValidityPeriod: accepts an expired certificate, still checking the name', async () => {
    await rejectsTls(
      call(expired, { caData: pki.ca, tlsServerName: 'kubernetes.default' }),
      /expired/,
    );
    const config = { caData: pki.ca, disabledTLSValidations: ['ValidityPeriod'] };
    assert.deepEqual(await call(expired, { ...config, tlsServerName: 'kubernetes.default' }), {
      ok: true,
    });
    await rejectsTls(call(expired, config), /127\.0\.0\.1/);
    assert.deepEqual(
      await call(expired, {
        caData: pki.ca,
        disabledTLSValidations: ['ValidityPeriod', 'SubjectName'],
      }),
      { ok: true },
    );
  });

  it('*: no verification at all', async () => {
    assert.deepEqual(await call(expired, { disabledTLSValidations: ['*'] }), { ok: true });
  });

  it('rejects unknown values and unsupported combinations', async () => {
    await assert.rejects(
      call(current, { disabledTLSValidations: ['Everything'] }),
      /unknown TLS validation "Everything"/,
    );
    await assert.rejects(
      call(current, { disabledTLSValidations: ['SubjectName'], proxyUrl: 'http://127.0.0.1:1' }),
      /cannot be combined with a proxy URL/,
    );
  });
});
