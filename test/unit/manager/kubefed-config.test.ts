// Creating the missing KubeFedConfig, against a real HTTP server playing the host apiserver: bare
// for KubeFed's defaulting webhook when it is installed, defaulted by the manager otherwise.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultKubeFedConfig } from '../../../src/apis/kubefedconfig.ts';
import type { KubeFedConfig } from '../../../src/apis/types.ts';
import { KubeClient } from '../../../src/kube/client.ts';
import { loadKubeFedConfig } from '../../../src/manager/kubefed-config.ts';
import { Logger } from '../../../src/runtime/logger.ts';
import { startServer, statusReply, type Reply } from '../kube/test-server.ts';

const WEBHOOKS = '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/';
const CONFIGS = '/apis/core.kubefed.io/v1beta1/namespaces/kfns/kubefedconfigs';

/**
 * A host without a KubeFedConfig whose MutatingWebhookConfiguration reads answer `webhooks`
 * (name → reply; NotFound otherwise) and whose create answers `created(body)`.
 */
async function load(
  webhooks: Record<string, Reply>,
  created: (body: Record<string, unknown>) => unknown,
): Promise<{ posted: unknown[]; logs: string[]; config: KubeFedConfig }> {
  const posted: unknown[] = [];
  const server = await startServer((req) => {
    const path = req.url.pathname;
    if (path.startsWith(WEBHOOKS)) {
      return webhooks[path.slice(WEBHOOKS.length)] ?? statusReply(404, 'NotFound', 'not found');
    }
    if (req.method === 'GET' && path === `${CONFIGS}/kubefed`) {
      return statusReply(404, 'NotFound', 'kubefedconfigs "kubefed" not found');
    }
    if (req.method === 'POST' && path === CONFIGS) {
      const body = JSON.parse(req.body) as Record<string, unknown>;
      posted.push(body);
      return { status: 201, body: created(body) };
    }
    return statusReply(500, 'InternalError', `unexpected ${req.method} ${path}`);
  });
  const host = new KubeClient({ server: server.url }, { cluster: 'host' });
  const logs: string[] = [];
  try {
    const config = await loadKubeFedConfig({
      host,
      namespace: 'kfns',
      env: {},
      logger: new Logger({ sink: (line) => logs.push(line), format: 'text' }),
    });
    return { posted, logs, config };
  } finally {
    await host.close();
    await server.close();
  }
}

const bare = {
  apiVersion: 'core.kubefed.io/v1beta1',
  kind: 'KubeFedConfig',
  metadata: { name: 'kubefed', namespace: 'kfns' },
  spec: { scope: 'Cluster' },
};
const installed: Reply = { body: { metadata: { name: 'x' } } };

describe('loadKubeFedConfig creating the missing config', () => {
  it('creates it bare for the namespaced defaulting webhook, and uses what the server made', async () => {
    // The webhook's defaults, told apart from the manager's by one value.
    const fromServer = defaultKubeFedConfig('kfns', 'Cluster');
    fromServer.spec.clusterHealthCheck = { ...fromServer.spec.clusterHealthCheck, period: '7s' };
    const { posted, logs, config } = await load(
      { 'mutation.core.kubefed.io-kfns': installed },
      () => fromServer,
    );
    assert.deepEqual(posted, [bare]);
    assert.deepEqual(config.spec, fromServer.spec);
    assert.ok(
      logs.some((l) => l.includes('for the webhook to default')),
      logs.join('\n'),
    );
  });

  it('knows the cluster-wide webhook too', async () => {
    const { posted } = await load({ 'mutation.core.kubefed.io': installed }, () =>
      defaultKubeFedConfig('kfns', 'Cluster'),
    );
    assert.deepEqual(posted, [bare]);
  });

  it('still defaults what the server answers (a webhook that does not select the namespace)', async () => {
    const { posted, config } = await load(
      { 'mutation.core.kubefed.io': installed },
      (body) => body,
    );
    assert.deepEqual(posted, [bare]);
    assert.deepEqual(config.spec, defaultKubeFedConfig('kfns', 'Cluster').spec);
  });

  it('creates it defaulted without a webhook', async () => {
    const { posted, config } = await load({}, (body) => body);
    assert.deepEqual(posted, [defaultKubeFedConfig('kfns', 'Cluster')]);
    assert.deepEqual(config, defaultKubeFedConfig('kfns', 'Cluster'));
  });

  it('creates it defaulted when it may not read webhook configurations, and says so', async () => {
    const { posted, logs } = await load(
      { 'mutation.core.kubefed.io-kfns': statusReply(403, 'Forbidden', 'forbidden') },
      (body) => body,
    );
    assert.deepEqual(posted, [defaultKubeFedConfig('kfns', 'Cluster')]);
    assert.ok(
      logs.some((l) => l.includes('Cannot tell whether the defaulting webhook is installed')),
      logs.join('\n'),
    );
  });
});
