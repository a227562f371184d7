// Reading the object a command names from the host: a NotFound says which object and which host.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getFromHost } from '../../../src/cli/host-client.ts';
import { KubeClient } from '../../../src/kube/client.ts';
import type { ResourceRef } from '../../../src/kube/resource.ts';
import { startServer, statusReply } from '../kube/test-server.ts';

const configmaps: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'configmaps',
  namespaced: true,
};

describe('getFromHost', () => {
  it('returns the object, or names the object and the host cluster when it is missing', async () => {
    const server = await startServer((req) =>
      req.url.pathname === '/api/v1/namespaces/web/configmaps/present'
        ? { body: { kind: 'ConfigMap', metadata: { name: 'present', namespace: 'web' } } }
        : statusReply(404, 'NotFound', 'configmaps "missing" not found'),
    );
    const client = new KubeClient({ server: server.url }, { cluster: 'host' });
    try {
      const object = { kind: 'ConfigMap', namespace: 'web' };
      const found = await getFromHost(client, configmaps, { ...object, name: 'present' });
      assert.equal(found.metadata?.name, 'present');
      await assert.rejects(
        getFromHost(client, configmaps, { ...object, name: 'missing' }, '; federate it first'),
        {
          message:
            'ConfigMap "missing" not found in namespace web of host cluster "host"; federate it first',
        },
      );
    } finally {
      await client.close();
      await server.close();
    }
  });
});
