import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decideKubeFedConfig,
  parseScope,
  planInstall,
  planObjects,
} from '../../../src/cli/init/plan.ts';

const ns = 'kube-federation-system';

describe('init plan', () => {
  it('installs every KubeFed CRD, the namespace and the default KubeFedConfig, in that order', () => {
    const objects = planObjects(planInstall({ namespace: ns, scope: 'Namespaced' }));
    const kinds = objects.map((o) => o.kind);
    assert.equal(kinds.filter((k) => k === 'CustomResourceDefinition').length, 11);
    assert.deepEqual(kinds.slice(-2), ['Namespace', 'KubeFedConfig']);
    const config = objects.at(-1);
    assert.ok(config);
    assert.deepEqual(config.metadata, { name: 'kubefed', namespace: ns });
    assert.deepEqual((config['spec'] as { scope: string }).scope, 'Namespaced');
    assert.ok(objects.some((o) => o.metadata?.name === 'kubefedconfigs.core.kubefed.io'));
  });

  it('creates a missing KubeFedConfig with the requested scope, Cluster by default', () => {
    assert.deepEqual(decideKubeFedConfig(undefined, undefined, ns), {
      action: 'create',
      scope: 'Cluster',
    });
    assert.deepEqual(decideKubeFedConfig(undefined, 'Namespaced', ns), {
      action: 'create',
      scope: 'Namespaced',
    });
  });

  it('keeps an existing KubeFedConfig and adopts its scope', () => {
    const existing = { spec: { scope: 'Namespaced', leaderElect: { leaseDuration: '99s' } } };
    assert.deepEqual(decideKubeFedConfig(existing, undefined, ns), {
      action: 'keep',
      scope: 'Namespaced',
    });
    assert.deepEqual(decideKubeFedConfig(existing, 'Namespaced', ns), {
      action: 'keep',
      scope: 'Namespaced',
    });
  });

  it('refuses a scope change, saying how to proceed', () => {
    assert.throws(() => decideKubeFedConfig({ spec: { scope: 'Cluster' } }, 'Namespaced', ns), {
      message:
        'KubeFedConfig kube-federation-system/kubefed already exists with scope Cluster, and scope cannot be ' +
        'changed; run init with --scope Cluster, or delete the KubeFedConfig (and the KubeFed control plane using it) first',
    });
    assert.throws(
      () => decideKubeFedConfig({ spec: {} }, undefined, ns),
      /without a valid spec.scope/,
    );
  });

  it('parses scopes case-insensitively', () => {
    assert.equal(parseScope('namespaced'), 'Namespaced');
    assert.equal(parseScope('Cluster'), 'Cluster');
    assert.throws(() => parseScope('global'), {
      message: 'invalid scope "global": use Cluster or Namespaced',
    });
  });
});
