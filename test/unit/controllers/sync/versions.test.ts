import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { ClusterObjectVersion, PropagatedVersion } from '../../../../src/apis/types.ts';
import { propagatedVersionsResource as propagatedVersions } from '../../../../src/apis/resources.ts';
import { VersionStore } from '../../../../src/controllers/sync/versions.ts';
import type { ObjectHashes } from '../../../../src/federation/propagation/version.ts';
import type { KubeObject } from '../../../../src/json/object.ts';
import { KubeClient } from '../../../../src/kube/client.ts';
import {
  startServer,
  statusReply,
  type RecordedRequest,
  type Reply,
  type TestServer,
} from '../../kube/test-server.ts';
import { fastest, NO_WAIT_MARGIN_MS } from './timing.ts';

const api = '/apis/core.kubefed.io/v1alpha1';
const allRecords = `${api}/propagatedversions`;
const collection = `${api}/namespaces/demo/propagatedversions`;
const recordPath = `${collection}/configmap-cfg`;

const hashes: ObjectHashes = { templateVersion: 't1', overridesVersion: 'o1' };

function federatedConfigMap(uid: string): KubeObject {
  return {
    apiVersion: 'types.kubefed.io/v1beta1',
    kind: 'FederatedConfigMap',
    metadata: { name: 'cfg', namespace: 'demo', uid },
  };
}
const fed = federatedConfigMap('fed-uid');
/** An earlier federated object of the same name, deleted; its record awaits garbage collection. */
const earlierFed = federatedConfigMap('earlier-uid');

function record(
  ownerUid: string,
  resourceVersion: string,
  clusterVersions: ClusterObjectVersion[],
  name = 'configmap-cfg',
): PropagatedVersion {
  return {
    apiVersion: 'core.kubefed.io/v1alpha1',
    kind: 'PropagatedVersion',
    metadata: {
      name,
      namespace: 'demo',
      resourceVersion,
      ownerReferences: [
        {
          apiVersion: 'types.kubefed.io/v1beta1',
          kind: 'FederatedConfigMap',
          name: 'cfg',
          uid: ownerUid,
        },
      ],
    },
    status: { ...hashes, clusterVersions },
  };
}

function list(...items: PropagatedVersion[]): Reply {
  return { body: { kind: 'PropagatedVersionList', metadata: { resourceVersion: '1' }, items } };
}

/** `METHOD path` of a request, for comparing request sequences. */
function line(request: RecordedRequest): string {
  return `${request.method} ${request.url.pathname}`;
}

function bodyOf(request: RecordedRequest | undefined): PropagatedVersion {
  assert.ok(request);
  return JSON.parse(request.body) as PropagatedVersion;
}

const versions = (...entries: [string, string][]): Map<string, string> => new Map(entries);
const live = (): AbortSignal => new AbortController().signal;

describe('VersionStore', () => {
  let server: TestServer | undefined;
  let client: KubeClient | undefined;
  afterEach(async () => {
    await client?.close();
    await server?.close();
  });

  /** A store over a real client, loaded from a server that answers with `handler`. */
  async function loadedStore(
    handler: (request: RecordedRequest) => Reply,
  ): Promise<{ store: VersionStore; requests: RecordedRequest[]; host: KubeClient }> {
    server = await startServer(handler);
    client = new KubeClient({ server: server.url }, { cluster: 'host' });
    const store = new VersionStore({
      host: client,
      namespaced: true,
      targetKind: 'configmap',
      targetNamespace: undefined,
    });
    await store.load(live());
    assert.equal(store.loaded, true);
    assert.deepEqual(server.requests.map(line), [`GET ${allRecords}`]);
    server.requests.length = 0;
    return { store, requests: server.requests, host: client };
  }

  it('ignores a record owned by an earlier object of the same name', async () => {
    const { store } = await loadedStore(() =>
      list(
        record('earlier-uid', '5', [{ clusterName: 'a', version: 'rv:1' }]),
        record('fed-uid', '6', [{ clusterName: 'a', version: 'rv:9' }], 'secret-cfg'),
      ),
    );
    assert.deepEqual(store.get(fed, hashes), versions());
    assert.deepEqual(store.get(earlierFed, hashes), versions(['a', 'rv:1']));
  });

  it('writes the status only when the versions change', async () => {
    const { store, requests } = await loadedStore((request) => {
      if (request.method === 'GET') {
        return list(record('fed-uid', '5', [{ clusterName: 'a', version: 'rv:1' }]));
      }
      const body = bodyOf(request);
      return { body: { ...body, metadata: { ...body.metadata, resourceVersion: '6' } } };
    });
    assert.deepEqual(store.get(fed, hashes), versions(['a', 'rv:1']));

    assert.equal(await store.update(fed, hashes, ['a'], versions(), live()), 'unchanged');
    assert.equal(
      await store.update(fed, hashes, ['a'], versions(['a', 'rv:1']), live()),
      'unchanged',
    );
    assert.deepEqual(requests, []);

    assert.equal(
      await store.update(fed, hashes, ['a', 'b'], versions(['b', 'rv:2']), live()),
      'written',
    );
    assert.deepEqual(requests.map(line), [`PUT ${recordPath}/status`]);
    const written = bodyOf(requests[0]);
    assert.equal(written.metadata?.resourceVersion, '5');
    assert.deepEqual(written.status, {
      ...hashes,
      clusterVersions: [
        { clusterName: 'a', version: 'rv:1' },
        { clusterName: 'b', version: 'rv:2' },
      ],
    });
    assert.deepEqual(store.get(fed, hashes), versions(['a', 'rv:1'], ['b', 'rv:2']));

    assert.equal(await store.update(fed, hashes, ['a', 'b'], versions(), live()), 'unchanged');
    assert.equal(requests.length, 1);
  });

  it('on a conflict re-reads once and asks for a retry at once; the next pass writes', async () => {
    let conflicts = 1;
    const { store, requests } = await loadedStore((request) => {
      if (request.method === 'GET' && request.url.pathname === allRecords) {
        return list(record('fed-uid', '5', [{ clusterName: 'a', version: 'rv:1' }]));
      }
      if (request.method === 'GET') {
        return { body: record('fed-uid', '8', [{ clusterName: 'a', version: 'rv:1' }]) };
      }
      if (conflicts-- > 0) {
        return statusReply(409, 'Conflict', 'the object has been modified');
      }
      return { body: bodyOf(request) };
    });

    const result = await store.update(fed, hashes, ['a', 'b'], versions(['b', 'rv:2']), live());
    assert.equal(result, 'retry');
    assert.deepEqual(requests.map(line), [`PUT ${recordPath}/status`, `GET ${recordPath}`]);
    // The versions the members now have count already, so the next pass does not rewrite them.
    assert.deepEqual(store.get(fed, hashes), versions(['a', 'rv:1'], ['b', 'rv:2']));

    requests.length = 0;
    assert.equal(await store.update(fed, hashes, ['a', 'b'], versions(), live()), 'written');
    assert.deepEqual(requests.map(line), [`PUT ${recordPath}/status`]);
    const written = bodyOf(requests[0]);
    assert.equal(written.metadata?.resourceVersion, '8');
    assert.deepEqual(written.status?.clusterVersions, [
      { clusterName: 'a', version: 'rv:1' },
      { clusterName: 'b', version: 'rv:2' },
    ]);
    assert.equal(await store.update(fed, hashes, ['a', 'b'], versions(), live()), 'unchanged');
    assert.equal(requests.length, 1);
  });

  it('answers a conflict without waiting: as fast as its two requests sent directly', async () => {
    const stored = record('fed-uid', '5', [{ clusterName: 'a', version: 'rv:1' }]);
    const { store, requests, host } = await loadedStore((request) => {
      if (request.method === 'GET' && request.url.pathname === allRecords) return list(stored);
      if (request.method === 'GET') return { body: stored };
      return statusReply(409, 'Conflict', 'the object has been modified');
    });
    const direct = await fastest(3, async () => {
      await host.updateStatus(propagatedVersions, stored).catch(() => undefined);
      await host.get(propagatedVersions, 'configmap-cfg', { namespace: 'demo' });
    });
    requests.length = 0;
    const results: string[] = [];
    const conflicting = await fastest(3, async () => {
      results.push(await store.update(fed, hashes, ['a', 'b'], versions(['b', 'rv:2']), live()));
    });
    assert.deepEqual(results, ['retry', 'retry', 'retry']);
    assert.equal(requests.length, 6);
    assert.ok(
      conflicting < direct + NO_WAIT_MARGIN_MS,
      `update took ${conflicting} ms, its requests ${direct} ms: it must not wait`,
    );
  });

  it('deletes a record that another owner left under the name, then creates its own', async () => {
    let taken = true;
    const { store, requests } = await loadedStore((request) => {
      switch (`${request.method} ${request.url.pathname}`) {
        case `GET ${allRecords}`:
          return list();
        case `POST ${collection}`:
          return taken
            ? statusReply(409, 'AlreadyExists', 'propagatedversions "configmap-cfg" already exists')
            : {
                status: 201,
                body: {
                  ...bodyOf(request),
                  metadata: { ...bodyOf(request).metadata, resourceVersion: '11' },
                },
              };
        case `GET ${recordPath}`:
          return { body: record('earlier-uid', '5', [{ clusterName: 'a', version: 'rv:1' }]) };
        case `DELETE ${recordPath}`:
          taken = false;
          return { body: { kind: 'Status', apiVersion: 'v1', status: 'Success' } };
        case `PUT ${recordPath}/status`:
          return { body: bodyOf(request) };
        default:
          return statusReply(404, 'NotFound', 'not found');
      }
    });

    assert.equal(await store.update(fed, hashes, ['a'], versions(['a', 'rv:3']), live()), 'retry');
    assert.deepEqual(requests.map(line), [
      `POST ${collection}`,
      `GET ${recordPath}`,
      `DELETE ${recordPath}`,
    ]);

    requests.length = 0;
    assert.equal(await store.update(fed, hashes, ['a'], versions(), live()), 'written');
    assert.deepEqual(requests.map(line), [`POST ${collection}`, `PUT ${recordPath}/status`]);
    const created = bodyOf(requests[0]);
    assert.deepEqual(
      created.metadata?.ownerReferences?.map((o) => o.uid),
      ['fed-uid'],
    );
    assert.deepEqual(bodyOf(requests[1]).status?.clusterVersions, [
      { clusterName: 'a', version: 'rv:3' },
    ]);
  });
});
