import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { inClusterConfig, isInCluster } from '../../../src/kube/in-cluster.ts';
import {
  kubeconfigPaths,
  loadClusterConfig,
  loadKubeconfig,
  parseKubeconfig,
  resolveContext,
} from '../../../src/kube/kubeconfig.ts';

const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('kubeconfig', () => {
  let dir: string;
  let kubeconfigPath: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubeconfig-test-'));
    mkdirSync(join(dir, 'certs'));
    writeFileSync(join(dir, 'certs', 'ca.crt'), 'CA FROM FILE');
    writeFileSync(join(dir, 'certs', 'client.crt'), 'CERT FROM FILE');
    writeFileSync(join(dir, 'certs', 'client.key'), 'KEY FROM FILE');
    kubeconfigPath = join(dir, 'config');
    writeFileSync(
      kubeconfigPath,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'host',
        clusters: [
          {
            name: 'host',
            cluster: {
              server: 'https://10.0.0.1:6443',
              'certificate-authority-data': b64('CA DATA'),
            },
          },
          {
            name: 'member1',
            cluster: {
              server: 'https://10.0.0.2:6443',
              'certificate-authority': 'certs/ca.crt',
              'tls-server-name': 'kubernetes.default',
              'proxy-url': 'http://proxy:3128',
            },
          },
          {
            name: 'insecure',
            cluster: { server: 'https://10.0.0.3', 'insecure-skip-tls-verify': true },
          },
        ],
        users: [
          { name: 'token-user', user: { token: 'secret-token' } },
          {
            name: 'cert-user',
            user: { 'client-certificate': 'certs/client.crt', 'client-key': './certs/client.key' },
          },
          {
            name: 'cert-data-user',
            user: {
              'client-certificate-data': b64('CERT DATA'),
              'client-key-data': b64('KEY DATA'),
            },
          },
          { name: 'file-user', user: { tokenFile: 'token' } },
          { name: 'basic-user', user: { username: 'admin', password: 'pw' } },
          {
            name: 'exec-user',
            user: {
              exec: {
                apiVersion: 'client.authentication.k8s.io/v1',
                command: './bin/get-token',
                args: ['--cluster', 'x'],
                env: [{ name: 'FOO', value: 'bar' }],
                interactiveMode: 'Never',
                provideClusterInfo: true,
              },
            },
          },
          {
            name: 'path-exec-user',
            user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws' } },
          },
          { name: 'gcp-user', user: { 'auth-provider': { name: 'gcp', config: {} } } },
        ],
        contexts: [
          { name: 'host', context: { cluster: 'host', user: 'token-user', namespace: 'team-a' } },
          { name: 'member1', context: { cluster: 'member1', user: 'cert-user' } },
          { name: 'member2', context: { cluster: 'host', user: 'cert-data-user' } },
          { name: 'insecure', context: { cluster: 'insecure', user: 'file-user' } },
          { name: 'basic', context: { cluster: 'host', user: 'basic-user' } },
          { name: 'exec', context: { cluster: 'host', user: 'exec-user' } },
          { name: 'path-exec', context: { cluster: 'host', user: 'path-exec-user' } },
          { name: 'gcp', context: { cluster: 'host', user: 'gcp-user' } },
          { name: 'dangling', context: { cluster: 'nowhere', user: 'token-user' } },
          { name: 'anonymous', context: { cluster: 'host' } },
        ],
      }),
    );
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  const load = (context?: string) => loadClusterConfig({ path: kubeconfigPath, context });

  it('resolves the current context by default, with inline data decoded', () => {
    assert.deepEqual(load(), {
      server: 'https://10.0.0.1:6443',
      contextName: 'host',
      caData: 'CA DATA',
      token: 'secret-token',
      namespace: 'team-a',
    });
  });

  it('reads certificate files relative to the kubeconfig directory', () => {
    assert.deepEqual(load('member1'), {
      server: 'https://10.0.0.2:6443',
      contextName: 'member1',
      caData: 'CA FROM FILE',
      tlsServerName: 'kubernetes.default',
      proxyUrl: 'http://proxy:3128',
      clientCertData: 'CERT FROM FILE',
      clientKeyData: 'KEY FROM FILE',
    });
  });

  it('decodes inline client certificate data', () => {
    const config = load('member2');
    assert.equal(config.clientCertData, 'CERT DATA');
    assert.equal(config.clientKeyData, 'KEY DATA');
  });

  it('keeps token files as paths (re-read by the client) and honours insecure-skip-tls-verify', () => {
    const config = load('insecure');
    assert.equal(config.tokenFile, join(dir, 'token'));
    assert.equal(config.insecureSkipTLSVerify, true);
    assert.equal(config.caData, undefined);
  });

  it('supports basic auth and anonymous contexts', () => {
    assert.equal(load('basic').username, 'admin');
    assert.equal(load('basic').password, 'pw');
    assert.deepEqual(load('anonymous'), {
      server: 'https://10.0.0.1:6443',
      contextName: 'anonymous',
      caData: 'CA DATA',
    });
  });

  it('parses exec plugins; a command with a slash is relative to the kubeconfig', () => {
    assert.deepEqual(load('exec').exec, {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: join(dir, 'bin', 'get-token'),
      args: ['--cluster', 'x'],
      env: [{ name: 'FOO', value: 'bar' }],
      provideClusterInfo: true,
      interactiveMode: 'Never',
    });
    assert.equal(load('path-exec').exec?.command, 'aws');
  });

  it('names the missing context, the file and the available contexts', () => {
    assert.throws(() => load('nope'), {
      message:
        `context "nope" not found in kubeconfig ${kubeconfigPath} (available: anonymous, basic, ` +
        'dangling, exec, gcp, host, insecure, member1, member2, path-exec)',
    });
  });

  it('explains dangling references and unsupported auth providers', () => {
    assert.throws(() => load('dangling'), /refers to cluster "nowhere", which is not defined/);
    assert.throws(() => load('gcp'), /auth-provider "gcp", which is not supported/);
  });

  it('fails clearly on a missing explicit file', () => {
    const missing = join(dir, 'missing');
    assert.throws(() => loadKubeconfig({ path: missing }), {
      message: `cannot read kubeconfig ${missing}: no such file`,
    });
  });

  it('fails clearly on malformed files', () => {
    assert.throws(() => parseKubeconfig('clusters: {a: 1}', '/x/config'), {
      message: 'kubeconfig /x/config: clusters must be a list',
    });
    assert.throws(() => parseKubeconfig('clusters: [{cluster: {}}]', '/x/config'), {
      message: 'kubeconfig /x/config: clusters[0] has no name',
    });
    assert.throws(() => parseKubeconfig(': : :\n  - [', '/x/config'), /is not valid YAML/);
  });

  it('requires a context when there is no current-context', () => {
    const config = parseKubeconfig(
      stringify({
        clusters: [{ name: 'a', cluster: { server: 'https://a' } }],
        contexts: [{ name: 'a', context: { cluster: 'a' } }],
      }),
      '/x/config',
    );
    assert.throws(() => resolveContext(config), {
      message:
        'kubeconfig /x/config has no current-context and no context was given (available: a)',
    });
    assert.equal(resolveContext(config, 'a').server, 'https://a');
  });

  it('merges $KUBECONFIG files: first definition wins, missing files are skipped', () => {
    const second = join(dir, 'second');
    writeFileSync(
      second,
      stringify({
        'current-context': 'other',
        clusters: [
          { name: 'host', cluster: { server: 'https://shadowed' } },
          { name: 'other', cluster: { server: 'https://other' } },
        ],
        contexts: [{ name: 'other', context: { cluster: 'other' } }],
      }),
    );
    const env = { KUBECONFIG: [kubeconfigPath, join(dir, 'absent'), second].join(':') };
    const merged = loadKubeconfig({ env });
    assert.equal(merged.currentContext, 'host');
    assert.equal(resolveContext(merged).server, 'https://10.0.0.1:6443');
    assert.equal(resolveContext(merged, 'other').server, 'https://other');
    assert.deepEqual(merged.sources, [kubeconfigPath, second]);
    assert.throws(
      () => loadKubeconfig({ env: { KUBECONFIG: join(dir, 'absent') } }),
      /no kubeconfig found/,
    );
  });

  it('prefers --kubeconfig over $KUBECONFIG over ~/.kube/config', () => {
    assert.deepEqual(kubeconfigPaths({ path: '/a', env: { KUBECONFIG: '/b' } }), {
      paths: ['/a'],
      explicit: true,
    });
    assert.deepEqual(kubeconfigPaths({ env: { KUBECONFIG: '/b::/c:/b' } }), {
      paths: ['/b', '/c'],
      explicit: false,
    });
    assert.deepEqual(kubeconfigPaths({ env: {}, homeDir: '/home/u' }), {
      paths: ['/home/u/.kube/config'],
      explicit: false,
    });
  });

  it('builds an in-cluster config from the service account mount', () => {
    const sa = join(dir, 'sa');
    mkdirSync(sa);
    writeFileSync(join(sa, 'ca.crt'), 'SA CA');
    writeFileSync(join(sa, 'token'), 'sa-token');
    writeFileSync(join(sa, 'namespace'), 'kube-federation-system\n');
    const env = { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' };
    assert.equal(isInCluster(env), true);
    assert.deepEqual(inClusterConfig({ env, serviceAccountDir: sa }), {
      server: 'https://[fd00::1]:443',
      caData: 'SA CA',
      tokenFile: join(sa, 'token'),
      namespace: 'kube-federation-system',
    });
    assert.throws(
      () => inClusterConfig({ env: {}, serviceAccountDir: sa }),
      /not running in a cluster/,
    );
  });
});
