import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KubeClient } from '../../../src/kube/client.ts';
import { Discovery, UnknownKindError } from '../../../src/kube/discovery.ts';
import { startServer, statusReply } from './test-server.ts';
import type { TestServer } from './test-server.ts';

describe('discovery', () => {
  let server: TestServer;
  let client: KubeClient;
  let widgetsServed = false;

  before(async () => {
    server = await startServer((req) => {
      switch (req.url.pathname) {
        case '/version':
          return {
            body: { major: '1', minor: '30', gitVersion: 'v1.30.2', platform: 'linux/amd64' },
          };
        case '/api':
          return { body: { kind: 'APIVersions', versions: ['v1'] } };
        case '/apis':
          return {
            body: {
              kind: 'APIGroupList',
              groups: [
                {
                  name: 'apps',
                  versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
                  preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
                },
              ],
            },
          };
        case '/api/v1':
          return {
            body: {
              kind: 'APIResourceList',
              groupVersion: 'v1',
              resources: [
                {
                  name: 'namespaces',
                  singularName: 'namespace',
                  namespaced: false,
                  kind: 'Namespace',
                  verbs: ['get', 'list'],
                  shortNames: ['ns'],
                },
                {
                  name: 'namespaces/status',
                  singularName: '',
                  namespaced: false,
                  kind: 'Namespace',
                  verbs: ['get'],
                },
                {
                  name: 'configmaps',
                  singularName: 'configmap',
                  namespaced: true,
                  kind: 'ConfigMap',
                  verbs: ['get'],
                  shortNames: ['cm'],
                },
              ],
            },
          };
        case '/apis/example.com/v1':
          return widgetsServed
            ? {
                body: {
                  kind: 'APIResourceList',
                  resources: [
                    {
                      name: 'widgets',
                      singularName: 'widget',
                      namespaced: true,
                      kind: 'Widget',
                      verbs: ['get'],
                    },
                  ],
                },
              }
            : { body: { kind: 'APIResourceList', resources: [] } };
        default:
          return statusReply(404, 'NotFound', 'the server could not find the requested resource');
      }
    });
    client = new KubeClient({ server: server.url }, { cluster: 'host' });
  });

  after(async () => {
    await client.close();
    await server.close();
  });

  it('reads the server version', async () => {
    assert.equal((await client.discovery.serverVersion()).gitVersion, 'v1.30.2');
  });

  it('maps apiVersion + kind to a resource, folding in subresources', async () => {
    assert.deepEqual(await client.discovery.resourceFor('v1', 'Namespace'), {
      group: '',
      version: 'v1',
      resource: 'namespaces',
      namespaced: false,
      kind: 'Namespace',
      singularName: 'namespace',
      shortNames: ['ns'],
      verbs: ['get', 'list'],
      subresources: ['status'],
    });
    const cm = await client.discovery.resourceForObject({ apiVersion: 'v1', kind: 'ConfigMap' });
    assert.equal(cm.resource, 'configmaps');
    assert.equal(cm.namespaced, true);
  });

  it('caches per group-version', async () => {
    const before = server.requests.filter((r) => r.url.pathname === '/api/v1').length;
    await client.discovery.resourceFor('v1', 'ConfigMap');
    await client.discovery.resourceFor('v1', 'Namespace');
    assert.equal(server.requests.filter((r) => r.url.pathname === '/api/v1').length, before);
  });

  it('refetches a group-version on a miss, so new CRDs are found', async () => {
    const discovery = new Discovery(client, { minRefetchMs: 0 });
    await assert.rejects(discovery.resourceFor('example.com/v1', 'Widget'), (err: unknown) => {
      assert.ok(err instanceof UnknownKindError);
      assert.equal(err.message, 'host: kind "Widget" is not served in apiVersion "example.com/v1"');
      return true;
    });
    widgetsServed = true;
    assert.equal((await discovery.resourceFor('example.com/v1', 'Widget')).resource, 'widgets');
  });

  it('reports group-versions the server does not serve', async () => {
    await assert.rejects(client.discovery.resourceFor('nope.io/v1', 'Thing'), {
      message: 'host: apiVersion "nope.io/v1" is not served',
    });
  });

  it('lists groups, the core group first', async () => {
    assert.deepEqual(await client.discovery.groups(), [
      { name: '', versions: ['v1'], preferredVersion: 'v1' },
      { name: 'apps', versions: ['v1'], preferredVersion: 'v1' },
    ]);
  });
});
