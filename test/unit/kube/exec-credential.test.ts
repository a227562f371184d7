import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KubeClient } from '../../../src/kube/client.ts';
import {
  ExecCredentialSource,
  decodeExecCredential,
  runExecPlugin,
} from '../../../src/kube/exec-credential.ts';
import type { ExecConfig } from '../../../src/kube/kubeconfig.ts';
import { startServer, statusReply } from './test-server.ts';

// A credential plugin: counts its runs in a file, echoes what it was given, prints an ExecCredential.
const pluginSource = `
const fs = require('node:fs');
const counter = process.env.COUNTER_FILE;
const runs = (fs.existsSync(counter) ? Number(fs.readFileSync(counter, 'utf8')) : 0) + 1;
fs.writeFileSync(counter, String(runs));
if (process.env.HANG) setTimeout(() => {}, 60000);
else if (process.env.FAIL) { process.stderr.write('login required'); process.exit(3); }
if (!process.env.HANG) {
const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO);
fs.writeFileSync(counter + '.seen', JSON.stringify({ info, args: process.argv.slice(2), foo: process.env.FOO }));
const status = { token: 'token-' + runs };
if (process.env.EXPIRES) status.expirationTimestamp = process.env.EXPIRES;
process.stdout.write(JSON.stringify({
  apiVersion: process.env.API_VERSION || info.apiVersion,
  kind: 'ExecCredential',
  status,
}));
}
`;

describe('exec credential plugins', () => {
  let dir: string;
  let script: string;
  let counter: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'exec-plugin-test-'));
    script = join(dir, 'plugin.cjs');
    writeFileSync(script, pluginSource);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  let n = 0;
  function plugin(
    env: Record<string, string> = {},
    apiVersion = 'client.authentication.k8s.io/v1',
  ): ExecConfig {
    counter = join(dir, `counter-${++n}`);
    return {
      apiVersion,
      command: process.execPath,
      args: [script, '--flag'],
      env: [
        { name: 'COUNTER_FILE', value: counter },
        ...Object.entries(env).map(([name, value]) => ({ name, value })),
      ],
      provideClusterInfo: true,
    };
  }
  const runs = (): number => Number(readFileSync(counter, 'utf8'));

  it('runs the command and reads status.token (v1 and v1beta1)', async () => {
    assert.deepEqual(await runExecPlugin({ exec: plugin() }), { token: 'token-1' });
    assert.deepEqual(
      await runExecPlugin({ exec: plugin({}, 'client.authentication.k8s.io/v1beta1') }),
      { token: 'token-1' },
    );
  });

  it('passes args, env and KUBERNETES_EXEC_INFO (with the cluster when asked)', async () => {
    await runExecPlugin({
      exec: plugin({ FOO: 'bar' }),
      cluster: { server: 'https://10.0.0.1:6443', caData: 'PEM', tlsServerName: 'kubernetes' },
    });
    assert.deepEqual(JSON.parse(readFileSync(`${counter}.seen`, 'utf8')), {
      args: ['--flag'],
      foo: 'bar',
      info: {
        apiVersion: 'client.authentication.k8s.io/v1',
        kind: 'ExecCredential',
        spec: {
          interactive: false,
          cluster: {
            server: 'https://10.0.0.1:6443',
            'tls-server-name': 'kubernetes',
            'certificate-authority-data': Buffer.from('PEM').toString('base64'),
          },
        },
      },
    });
  });

  it('caches the credential until its expirationTimestamp', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    const source = new ExecCredentialSource({
      exec: plugin({ EXPIRES: '2030-01-01T00:10:00Z' }),
      now: () => now,
    });
    assert.equal((await source.get()).token, 'token-1');
    assert.equal((await source.get()).token, 'token-1');
    now += 9 * 60_000;
    assert.equal((await source.get()).token, 'token-1');
    now += 60_000;
    assert.equal((await source.get()).token, 'token-2');
    source.invalidate();
    assert.equal((await source.get()).token, 'token-3');
    assert.equal(runs(), 3);
  });

  it('shares one plugin run among concurrent callers', async () => {
    const source = new ExecCredentialSource({ exec: plugin() });
    const tokens = await Promise.all([source.get(), source.get(), source.get()]);
    assert.deepEqual(
      tokens.map((t) => t.token),
      ['token-1', 'token-1', 'token-1'],
    );
    assert.equal(runs(), 1);
  });

  it('reports failures with the command, exit code, stderr and install hint', async () => {
    await assert.rejects(runExecPlugin({ exec: plugin({ FAIL: '1' }) }), {
      message: `exec plugin "${process.execPath}" exited with code 3: login required`,
    });
    await assert.rejects(
      runExecPlugin({
        exec: {
          ...plugin(),
          command: join(dir, 'no-such-plugin'),
          installHint: 'Install it with brew.',
        },
      }),
      { message: `exec plugin "${join(dir, 'no-such-plugin')}" not found\nInstall it with brew.` },
    );
    await assert.rejects(
      runExecPlugin({ exec: plugin({ API_VERSION: 'client.authentication.k8s.io/v1beta1' }) }),
      /returned apiVersion client.authentication.k8s.io\/v1beta1, but is configured for client.authentication.k8s.io\/v1/,
    );
    await assert.rejects(
      runExecPlugin({ exec: plugin({}, 'client.authentication.k8s.io/v1alpha1') }),
      /is not supported/,
    );
    await assert.rejects(runExecPlugin({ exec: plugin({ HANG: '1' }), timeoutMs: 200 }), {
      message: `exec plugin "${process.execPath}" did not finish within 200ms`,
    });
  });

  it('validates the ExecCredential', () => {
    const v1 = 'client.authentication.k8s.io/v1';
    assert.throws(
      () => decodeExecCredential({ kind: 'Other' }, v1),
      /did not print an ExecCredential/,
    );
    assert.throws(
      () => decodeExecCredential({ kind: 'ExecCredential', apiVersion: v1, status: {} }, v1),
      /neither a token nor a client certificate/,
    );
    assert.throws(
      () =>
        decodeExecCredential(
          { kind: 'ExecCredential', apiVersion: v1, status: { clientCertificateData: 'C' } },
          v1,
        ),
      /without a key/,
    );
    assert.deepEqual(
      decodeExecCredential(
        {
          kind: 'ExecCredential',
          apiVersion: v1,
          status: {
            clientCertificateData: 'C',
            clientKeyData: 'K',
            expirationTimestamp: '2030-01-01T00:00:00Z',
          },
        },
        v1,
      ),
      {
        clientCertificateData: 'C',
        clientKeyData: 'K',
        expiresAt: Date.parse('2030-01-01T00:00:00Z'),
      },
    );
  });

  it('is used by the client, and re-run once when the server answers 401', async () => {
    const server = await startServer((req) =>
      req.headers['authorization'] === 'Bearer token-2'
        ? { body: { ok: true } }
        : statusReply(401, 'Unauthorized', 'Unauthorized'),
    );
    const client = new KubeClient({ server: server.url, exec: plugin() }, { cluster: 'member1' });
    try {
      assert.deepEqual(await client.request('GET', '/api'), { ok: true });
      assert.deepEqual(
        server.requests.map((r) => r.headers['authorization']),
        ['Bearer token-1', 'Bearer token-2'],
      );
      assert.equal(runs(), 2);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
