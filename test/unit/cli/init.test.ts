import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { installKubeFed } from '../../../src/cli/init/install.ts';
import {
  crdReadiness,
  decideKubeFedConfig,
  parseScope,
  planInstall,
  planObjects,
} from '../../../src/cli/init/plan.ts';
import { KubeClient } from '../../../src/kube/client.ts';
import { startFakeApiServer } from './fake-apiserver.ts';
import type { FakeApiServer } from './fake-apiserver.ts';

const ns = 'kube-federation-system';

describe('init plan', () => {
  it('installs every KubeFed CRD, the namespace and the default KubeFedConfig, in that order', () => {
    const objects = planObjects(planInstall({ namespace: ns, scope: 'Namespaced' }));
    const kinds = objects.map((o) => o.kind);
    assert.equal(kinds.filter((k) => k === 'CustomResourceDefinition').length, 11);
    assert.deepEqual(kinds.slice(-2), ['Namespace', 'KubeFedConfig']);
    const config = objects.at(-1);
    assert.deepEqual(config?.metadata, { name: 'kubefed', namespace: ns });
    assert.deepEqual((config?.['spec'] as { scope: string }).scope, 'Namespaced');
    assert.ok(objects.some((o) => o.metadata?.name === 'kubefedconfigs.core.kubefed.io'));
  });

  it('creates a missing KubeFedConfig with the requested scope, Cluster by default', () => {
    assert.deepEqual(decideKubeFedConfig(undefined, undefined, ns), { action: 'create', scope: 'Cluster' });
    assert.deepEqual(decideKubeFedConfig(undefined, 'Namespaced', ns), { action: 'create', scope: 'Namespaced' });
  });

  it("keeps an existing KubeFedConfig and adopts its scope", () => {
    const existing = { spec: { scope: 'Namespaced', leaderElect: { leaseDuration: '99s' } } };
    assert.deepEqual(decideKubeFedConfig(existing, undefined, ns), { action: 'keep', scope: 'Namespaced' });
    assert.deepEqual(decideKubeFedConfig(existing, 'Namespaced', ns), { action: 'keep', scope: 'Namespaced' });
  });

  it('refuses a scope change, saying how to proceed', () => {
    assert.throws(() => decideKubeFedConfig({ spec: { scope: 'Cluster' } }, 'Namespaced', ns), {
      message:
        'KubeFedConfig kube-federation-system/kubefed already exists with scope Cluster, and scope cannot be ' +
        'changed; run init with --scope Cluster, or delete the KubeFedConfig (and the KubeFed control plane using it) first',
    });
    assert.throws(() => decideKubeFedConfig({ spec: {} }, undefined, ns), /without a valid spec.scope/);
  });

  it('parses scopes case-insensitively', () => {
    assert.equal(parseScope('namespaced'), 'Namespaced');
    assert.equal(parseScope('Cluster'), 'Cluster');
    assert.throws(() => parseScope('global'), { message: 'invalid scope "global": use Cluster or Namespaced' });
  });

  it('reads CRD readiness from its conditions', () => {
    assert.deepEqual(crdReadiness({ status: { conditions: [{ type: 'Established', status: 'True' }] } }), {
      established: true,
    });
    assert.deepEqual(crdReadiness({}), { established: false });
    assert.deepEqual(
      crdReadiness({ status: { conditions: [{ type: 'NamesAccepted', status: 'False', message: 'taken' }] } }),
      { established: false, problem: 'taken' },
    );
  });
});

describe('installKubeFed', () => {
  async function withFake(
    options: Parameters<typeof startFakeApiServer>[0],
    fn: (server: FakeApiServer, client: KubeClient) => Promise<void>,
  ): Promise<void> {
    const server = await startFakeApiServer(options);
    const client = new KubeClient({ server: server.url }, { cluster: 'host' });
    try {
      await fn(server, client);
    } finally {
      await client.close();
      await server.close();
    }
  }

  it('installs, then finds everything in place on a second run', async () => {
    await withFake({ establishAfterGets: 2 }, async (server, client) => {
      const steps: string[] = [];
      const progress = { begin: (title: string) => (outcome: string) => steps.push(`${title}... ${outcome}`) };
      const first = await installKubeFed(client, { namespace: ns, progress, pollIntervalMs: 5 });
      assert.equal(first.crds.length, 11);
      assert.equal(first.scope, 'Cluster');
      assert.equal(first.namespaceResult, 'created');
      assert.equal(first.kubefedConfigResult, 'created');
      assert.deepEqual(steps, [
        'Installing CRDs... done (11)',
        'Namespace kube-federation-system... created',
        'KubeFedConfig kube-federation-system/kubefed... created (scope Cluster)',
      ]);
      const stored = server.objects.get(`/apis/core.kubefed.io/v1beta1/namespaces/${ns}/kubefedconfigs/kubefed`);
      assert.equal((stored?.['spec'] as { scope: string }).scope, 'Cluster');

      const writesBefore = server.writes().length;
      steps.length = 0;
      const second = await installKubeFed(client, { namespace: ns, progress, pollIntervalMs: 5 });
      assert.equal(second.namespaceResult, 'unchanged');
      assert.equal(second.kubefedConfigResult, 'unchanged');
      // Only the CRD applies are repeated (server-side apply is itself idempotent).
      assert.deepEqual(
        server.writes().slice(writesBefore).every((w) => w.startsWith('PATCH /apis/apiextensions.k8s.io/')),
        true,
      );
      assert.equal(steps[2], 'KubeFedConfig kube-federation-system/kubefed... unchanged (kept the existing config, scope Cluster)');
    });
  });

  it('refuses a different scope before writing anything', async () => {
    await withFake({}, async (server, client) => {
      await installKubeFed(client, { namespace: ns, scope: 'Namespaced', pollIntervalMs: 5 });
      const writesBefore = server.writes().length;
      await assert.rejects(
        installKubeFed(client, { namespace: ns, scope: 'Cluster', pollIntervalMs: 5 }),
        /already exists with scope Namespaced, and scope cannot be changed/,
      );
      assert.equal(server.writes().length, writesBefore);
    });
  });

  it('names the CRDs that never become Established, with the reason when known', async () => {
    await withFake(
      { establishAfterGets: Infinity, rejectedNames: ['domains.multiclusterdns.kubefed.io'] },
      async (_server, client) => {
        await assert.rejects(
          installKubeFed(client, { namespace: ns, crdEstablishTimeoutMs: 30, pollIntervalMs: 5 }),
          (err: unknown) => {
            assert.ok(err instanceof Error);
            assert.match(err.message, /^CRDs not Established after 30ms: kubefedclusters\.core\.kubefed\.io, /);
            assert.match(err.message, /domains\.multiclusterdns\.kubefed\.io \("FooList" is already in use\)/);
            return true;
          },
        );
      },
    );
  });
});
