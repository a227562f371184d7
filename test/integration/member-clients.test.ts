// The ClusterRegistry against the real host and member1 of the shared sandbox: one client per
// member, shared by its users; rebuilt by its one rule (connection fields of the spec, or the
// token) and by nothing else; a superseded client lives until its last user lets go; unusable
// registrations are reported, not cached. KubeFedClusters and Secrets are real objects, in a
// namespace of this test's own, so the controller managers of other tests never see them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kubeFedClustersResource } from '../../src/apis/resources.ts';
import type { KubeFedCluster } from '../../src/apis/types.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { errorMessage } from '../../src/kube/errors.ts';
import { loadClusterConfig } from '../../src/kube/kubeconfig.ts';
import type { ResourceRef } from '../../src/kube/resource.ts';
import { ClusterRegistry } from '../../src/multicluster/cluster-registry.ts';
import { HostInformers } from '../../src/multicluster/host-informers.ts';
import { Logger } from '../../src/runtime/logger.ts';
import { eventually, kubectl, runCli, testSandbox } from './fixture.ts';

const sandbox = testSandbox();
const namespace = 'member-clients-test';
const secrets: ResourceRef = { group: '', version: 'v1', resource: 'secrets', namespaced: true };
const member1 = loadClusterConfig({ path: sandbox.kubeconfig, context: 'member1' });
const member2 = loadClusterConfig({ path: sandbox.kubeconfig, context: 'member2' });

function clusterObject(name: string, server: string, caData: string | undefined): KubeFedCluster {
  return {
    apiVersion: 'core.kubefed.io/v1beta1',
    kind: 'KubeFedCluster',
    metadata: { name, namespace },
    spec: {
      apiEndpoint: server,
      caBundle: Buffer.from(caData ?? '').toString('base64'),
      secretRef: { name: `${name}-token` },
    },
  };
}

function secretObject(name: string, token: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    data: { token: Buffer.from(token).toString('base64') },
  };
}

describe('ClusterRegistry on the real host and members', () => {
  const host = new KubeClient(loadClusterConfig({ path: sandbox.kubeconfig, context: 'host' }), {
    cluster: 'host',
  });
  const informers = new HostInformers(host, new Logger({ sink: () => undefined }));
  const registry = new ClusterRegistry({
    host,
    informers,
    namespace,
    userAgent: 'member-clients-test',
    logger: new Logger({ sink: () => undefined }),
  });
  const changes: string[] = [];
  registry.onChange((cluster) => changes.push(cluster));

  before(async () => {
    const init = await runCli('kubefedctl', [
      'init',
      '--kubeconfig',
      sandbox.kubeconfig,
      '--host-cluster-context',
      'host',
    ]);
    assert.equal(init.code, 0, init.stderr);
    await kubectl(sandbox, ['--context', 'host', 'create', 'namespace', namespace]);
    await host.create(secrets, secretObject('m1-token', member1.token ?? ''), { namespace });
    await host.create(
      kubeFedClustersResource,
      clusterObject('m1', member1.server, member1.caData),
      {
        namespace,
      },
    );
    informers.start();
    await eventually(() => Promise.resolve(registry.cluster('m1') ? true : undefined), 10_000);
  });
  after(async () => {
    await registry.close();
    await informers.stop();
    await kubectl(sandbox, ['--context', 'host', 'delete', 'namespace', namespace, '--wait=false']);
    await host.close();
  });

  it('gives every user of a cluster the same client, which reaches the member', async () => {
    const [a, b] = await Promise.all([registry.acquire('m1'), registry.acquire('m1')]);
    assert.equal(a, b);
    const version = (await a.request('GET', '/version')) as { gitVersion?: string };
    assert.match(version.gitVersion ?? '', /^v1\./);
    registry.release(a);
    registry.release(b);
  });

  it('keeps the client when only labels change, and tells listeners', async () => {
    const before = await registry.acquire('m1');
    const generation = registry.generation('m1');
    changes.length = 0;
    await kubectl(sandbox, [
      '--context',
      'host',
      '-n',
      namespace,
      'label',
      'kubefedcluster',
      'm1',
      'region=eu',
    ]);
    await eventually(() => Promise.resolve(changes.includes('m1') ? true : undefined), 10_000);
    assert.equal(registry.generation('m1'), generation);
    assert.equal(await registry.acquire('m1'), before);
    registry.release(before);
    registry.release(before);
  });

  it('replaces the client when the token changes, closing the old one after its last user', async () => {
    const old = await registry.acquire('m1');
    const generation = registry.generation('m1');
    assert.equal(await registry.refreshCredentials('m1'), false, 'same token: no new client');
    await host.update(secrets, secretObject('m1-token', 'not-a-valid-token'), { namespace });
    assert.equal(await registry.refreshCredentials('m1'), true);
    assert.equal(registry.generation('m1'), generation + 1);
    const fresh = await registry.acquire('m1');
    assert.notEqual(fresh, old);
    // The new client carries the new token: the member rejects it.
    await assert.rejects(fresh.request('GET', '/api'), /Unauthorized|401/);
    // The old one still serves its user until released; then its connections are closed.
    await old.request('GET', '/version');
    assert.equal(old.poolStats()?.connected, 1);
    registry.release(old);
    await eventually(
      () => Promise.resolve(old.poolStats() === undefined ? true : undefined),
      5_000,
    );
    registry.release(fresh);
    await host.update(secrets, secretObject('m1-token', member1.token ?? ''), { namespace });
    assert.equal(await registry.refreshCredentials('m1'), true);
  });

  it('replaces the client when the endpoint changes, without being asked', async () => {
    const old = await registry.acquire('m1');
    const generation = registry.generation('m1');
    const moved = clusterObject('m1', member2.server, member2.caData);
    const resourceVersion = registry.cluster('m1')?.metadata?.resourceVersion ?? '';
    await host.update(
      kubeFedClustersResource,
      { ...moved, metadata: { ...moved.metadata, resourceVersion } },
      { namespace },
    );
    await eventually(
      () => Promise.resolve(registry.generation('m1') > generation ? true : undefined),
      10_000,
    );
    const fresh = await registry.acquire('m1');
    assert.notEqual(fresh, old);
    assert.equal(fresh.server, member2.server);
    registry.release(old);
    registry.release(fresh);
  });

  it('reports an unusable registration on every acquire, and recovers once it is fixed', async () => {
    await host.create(
      kubeFedClustersResource,
      clusterObject('m3', member1.server, member1.caData),
      {
        namespace,
      },
    );
    await eventually(() => Promise.resolve(registry.cluster('m3') ? true : undefined), 10_000);
    await assert.rejects(registry.acquire('m3'), (error) => {
      assert.match(errorMessage(error), /m3-token/);
      return true;
    });
    await host.create(secrets, secretObject('m3-token', member1.token ?? ''), { namespace });
    const client = await registry.acquire('m3');
    await client.request('GET', '/version');
    registry.release(client);
  });

  it('forgets a deleted cluster', async () => {
    await host.delete(kubeFedClustersResource, 'm3', { namespace });
    await eventually(() => Promise.resolve(registry.cluster('m3') ? undefined : true), 10_000);
    await assert.rejects(registry.acquire('m3'), /not registered/);
  });
});
