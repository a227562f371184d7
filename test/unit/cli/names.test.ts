import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describeFederatedObject,
  describeObject,
  isDns1123Subdomain,
} from '../../../src/cli/names.ts';

describe('object names', () => {
  it('checks DNS-1123 subdomains like the API server', () => {
    for (const good of ['a', 'a-b', 'a.b', '0', 'x'.repeat(253)])
      assert.ok(isDns1123Subdomain(good), good);
    for (const bad of ['', 'A', 'a_b', '-a', 'a-', 'a..b', '.a', 'x'.repeat(254)]) {
      assert.ok(!isDns1123Subdomain(bad), bad);
    }
  });

  it('names objects in progress lines and errors as Kind ns/name', () => {
    assert.equal(
      describeObject({ kind: 'Secret', metadata: { name: 's', namespace: 'ns' } }),
      'Secret ns/s',
    );
    assert.equal(describeObject({ kind: 'ClusterRole', metadata: { name: 'r' } }), 'ClusterRole r');
    assert.equal(
      describeObject({ kind: 'Secret', metadata: { generateName: 'member1-', namespace: 'ns' } }),
      'Secret ns/member1-<generated>',
    );
  });

  it('names federated objects as kubectl does', () => {
    assert.equal(
      describeFederatedObject({
        apiVersion: 'types.kubefed.io/v1beta1',
        kind: 'FederatedConfigMap',
        metadata: { name: 'a' },
      }),
      'federatedconfigmap.types.kubefed.io/a',
    );
  });
});
