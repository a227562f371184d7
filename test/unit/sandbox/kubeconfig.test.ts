import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { caFromServingBundle, renderKubeconfig } from '../../../src/sandbox/kubeconfig.ts';

const cert = (body: string): string =>
  `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`;

describe('sandbox kubeconfig', () => {
  it('writes one context per cluster with its CA and token', () => {
    const text = renderKubeconfig(
      [
        { name: 'host', server: 'https://127.0.0.1:1', caPem: cert('AAA'), token: 't1' },
        { name: 'member1', server: 'https://127.0.0.1:2', caPem: cert('BBB'), token: 't2' },
      ],
      'host',
    );
    const config = parse(text) as Record<string, unknown>;
    assert.equal(config['current-context'], 'host');
    assert.deepEqual(config.contexts, [
      { name: 'host', context: { cluster: 'host', user: 'host-admin' } },
      { name: 'member1', context: { cluster: 'member1', user: 'member1-admin' } },
    ]);
    assert.deepEqual(config.users, [
      { name: 'host-admin', user: { token: 't1' } },
      { name: 'member1-admin', user: { token: 't2' } },
    ]);
    const clusters = config.clusters as { cluster: Record<string, string> }[];
    assert.equal(
      Buffer.from(clusters[1]?.cluster['certificate-authority-data'] ?? '', 'base64').toString(),
      cert('BBB'),
    );
    assert.equal(clusters[1]?.cluster.server, 'https://127.0.0.1:2');
  });

  it('takes the CA as the last certificate of the serving bundle', () => {
    assert.equal(caFromServingBundle(`${cert('LEAF')}\n${cert('CA')}\n`), `${cert('CA')}\n`);
    assert.equal(caFromServingBundle(cert('SELF')), `${cert('SELF')}\n`);
    assert.throws(() => caFromServingBundle('garbage'), /no certificate/);
  });
});
