// The KubeFed APIs on a real kube-apiserver: `kubefedctl init` installs them, the CRDs enforce
// their schemas, and valid objects of every kind round-trip unchanged. Checked with kubectl.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { kubefedCRDs } from '../../src/apis/crds.ts';
import { defaultKubeFedConfig } from '../../src/apis/kubefedconfig.ts';
import { invalidSamples, sampleObjects } from '../../src/apis/samples.ts';
import { kubectl, runCli, testSandbox } from './fixture.ts';

const sandbox = testSandbox();
const host = ['--context', 'host'];
const init = (...args: string[]): ReturnType<typeof runCli> =>
  runCli('kubefedctl', [
    'init',
    '--kubeconfig',
    sandbox.kubeconfig,
    '--host-cluster-context',
    'host',
    ...args,
  ]);

interface Crd {
  metadata: { name: string };
  status?: { conditions?: { type: string; status: string }[] };
}

describe('kubefedctl init on the host cluster', () => {
  before(async () => {
    const result = await init();
    assert.equal(result.code, 0, result.stderr);
  });

  it('installs every KubeFed CRD, established', async () => {
    for (const crd of kubefedCRDs()) {
      const installed = JSON.parse(
        await kubectl(sandbox, [...host, 'get', 'crd', crd.metadata.name, '-o', 'json']),
      ) as Crd;
      const established = installed.status?.conditions?.find((c) => c.type === 'Established');
      assert.equal(established?.status, 'True', `${crd.metadata.name} is not established`);
    }
  });

  it('creates the system namespace and the default KubeFedConfig', async () => {
    const config = JSON.parse(
      await kubectl(sandbox, [
        ...host,
        '-n',
        'kube-federation-system',
        'get',
        'kubefedconfig',
        'kubefed',
        '-o',
        'json',
      ]),
    ) as { spec: unknown };
    assert.deepEqual(config.spec, defaultKubeFedConfig('kube-federation-system', 'Cluster').spec);
  });

  it('is idempotent: a second init changes nothing', async () => {
    const rv = (): Promise<string> =>
      kubectl(sandbox, [
        ...host,
        '-n',
        'kube-federation-system',
        'get',
        'kubefedconfig',
        'kubefed',
        '-o',
        'jsonpath={.metadata.resourceVersion}',
      ]);
    const before = await rv();
    const result = await init();
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await rv(), before);
  });

  it('refuses to change the scope of an existing control plane, saying why', async () => {
    const result = await init('--scope', 'Namespaced');
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /scope/i);
    assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
  });

  it('prints the objects with --dry-run -o yaml without contacting any cluster', async () => {
    const result = await runCli('kubefedctl', [
      'init',
      '--kubeconfig',
      '/nonexistent/kubeconfig',
      '--dry-run',
      '-o',
      'yaml',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const kinds = parseAllDocuments(result.stdout).map(
      (d) => (d.toJSON() as { kind: string }).kind,
    );
    assert.equal(
      kinds.filter((k) => k === 'CustomResourceDefinition').length,
      kubefedCRDs().length,
    );
    assert.ok(kinds.includes('Namespace'));
    assert.ok(kinds.includes('KubeFedConfig'));
  });
});

describe('KubeFed CRD schemas on the real apiserver', () => {
  const namespace = `kubefed-apis-${Date.now()}`;
  before(async () => {
    const result = await init();
    assert.equal(result.code, 0, result.stderr);
    await kubectl(sandbox, [...host, 'create', 'namespace', namespace]);
  });
  after(async () => {
    // The samples are plain objects (no controller watches this namespace): deleting the
    // namespace removes the namespaced ones; the ClusterPropagatedVersion goes by name.
    const clusterScoped = sampleObjects(namespace).filter((o) => !o.metadata?.namespace);
    for (const o of clusterScoped) {
      const resource = `${String(o.kind).toLowerCase()}.${String(o.apiVersion).split('/')[0]}`;
      await kubectl(sandbox, [
        ...host,
        'delete',
        resource,
        o.metadata?.name ?? '',
        '--ignore-not-found',
      ]);
    }
    await kubectl(sandbox, [...host, 'delete', 'namespace', namespace, '--ignore-not-found']);
  });

  for (const sample of sampleObjects(namespace)) {
    const name = sample.metadata?.name ?? '';
    it(`accepts a valid ${String(sample.kind)} and returns it unchanged`, async () => {
      await kubectl(sandbox, [...host, 'create', '-f', '-'], JSON.stringify(sample));
      const args = [
        ...host,
        'get',
        `${String(sample.kind).toLowerCase()}.${String(sample.apiVersion).split('/')[0]}`,
        name,
        '-o',
        'json',
      ];
      if (sample.metadata?.namespace) args.push('-n', sample.metadata.namespace);
      const stored = JSON.parse(await kubectl(sandbox, args)) as Record<string, unknown>;
      for (const [field, value] of Object.entries(sample)) {
        if (field === 'metadata' || field === 'status') continue;
        assert.deepEqual(
          stored[field],
          value,
          `${String(sample.kind)}.${field} changed on the way through the apiserver`,
        );
      }
    });
  }

  it('prints READY and KUBERNETES-VERSION columns for KubeFedClusters', async () => {
    const table = await kubectl(sandbox, [...host, '-n', namespace, 'get', 'kubefedclusters']);
    assert.match(table.split('\n')[0] ?? '', /READY\s+KUBERNETES-VERSION/);
  });

  for (const { why, object } of invalidSamples(namespace)) {
    it(`rejects a ${String(object.kind)}: ${why}`, async () => {
      await assert.rejects(
        kubectl(sandbox, [...host, 'create', '-f', '-'], JSON.stringify(object)),
        /is invalid|Invalid value|Required value|Unsupported value|must be/,
      );
    });
  }
});
