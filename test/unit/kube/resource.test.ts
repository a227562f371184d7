import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeServerUrl } from '../../../src/kube/client.ts';
import {
  formatApiVersion,
  groupVersionPath,
  parseApiVersion,
  resourcePath,
  resourceRefOf,
} from '../../../src/kube/resource.ts';
import type { ResourceRef } from '../../../src/kube/resource.ts';

const configmaps: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'configmaps',
  namespaced: true,
};
const namespaces: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'namespaces',
  namespaced: false,
};
const deployments: ResourceRef = {
  group: 'apps',
  version: 'v1',
  resource: 'deployments',
  namespaced: true,
};
const crds: ResourceRef = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  resource: 'customresourcedefinitions',
  namespaced: false,
};

describe('resource paths', () => {
  it('uses /api/v1 for the core group and /apis/<group>/<version> otherwise', () => {
    assert.equal(groupVersionPath({ group: '', version: 'v1' }), '/api/v1');
    assert.equal(groupVersionPath({ group: 'apps', version: 'v1' }), '/apis/apps/v1');
  });

  it('addresses namespaced collections, objects and subresources', () => {
    assert.equal(resourcePath(configmaps), '/api/v1/configmaps');
    assert.equal(resourcePath(configmaps, { namespace: 'ns' }), '/api/v1/namespaces/ns/configmaps');
    assert.equal(
      resourcePath(configmaps, { namespace: 'ns', name: 'cm' }),
      '/api/v1/namespaces/ns/configmaps/cm',
    );
    assert.equal(
      resourcePath(deployments, { namespace: 'ns', name: 'web', subresource: 'status' }),
      '/apis/apps/v1/namespaces/ns/deployments/web/status',
    );
  });

  it('addresses cluster-scoped resources without a namespace segment', () => {
    assert.equal(
      resourcePath(namespaces, { name: 'kube-system' }),
      '/api/v1/namespaces/kube-system',
    );
    assert.equal(
      resourcePath(crds, { name: 'kubefedclusters.core.kubefed.io' }),
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/kubefedclusters.core.kubefed.io',
    );
  });

  it('rejects impossible addresses instead of sending them', () => {
    assert.throws(() => resourcePath(namespaces, { namespace: 'x', name: 'y' }), /cluster-scoped/);
    assert.throws(() => resourcePath(configmaps, { name: 'cm' }), /a namespace is required/);
    assert.throws(
      () => resourcePath(configmaps, { namespace: 'ns', name: '..' }),
      /invalid path segment/,
    );
    assert.throws(
      () => resourcePath(configmaps, { namespace: 'ns', subresource: 'status' }),
      /needs an object name/,
    );
  });

  it('escapes names', () => {
    assert.equal(
      resourcePath(configmaps, { namespace: 'ns', name: 'a/b?c' }),
      '/api/v1/namespaces/ns/configmaps/a%2Fb%3Fc',
    );
  });

  it('parses and formats apiVersions', () => {
    assert.deepEqual(parseApiVersion('v1'), { group: '', version: 'v1' });
    assert.deepEqual(parseApiVersion('core.kubefed.io/v1beta1'), {
      group: 'core.kubefed.io',
      version: 'v1beta1',
    });
    assert.equal(formatApiVersion({ group: '', version: 'v1' }), 'v1');
    assert.equal(formatApiVersion({ group: 'apps', version: 'v1' }), 'apps/v1');
  });

  it('addresses an API resource as KubeFed describes one, the core group as ""', () => {
    const federatedType = {
      group: 'types.kubefed.io',
      version: 'v1beta1',
      kind: 'FederatedWidget',
      pluralName: 'federatedwidgets',
    };
    assert.deepEqual(resourceRefOf(federatedType, true), {
      group: 'types.kubefed.io',
      version: 'v1beta1',
      resource: 'federatedwidgets',
      namespaced: true,
    });
    assert.deepEqual(resourceRefOf({ version: 'v1', pluralName: 'namespaces' }, false), namespaces);
  });

  it('normalises API server URLs like client-go (https by default, no trailing slash)', () => {
    assert.equal(normalizeServerUrl('10.0.0.1:6443'), 'https://10.0.0.1:6443');
    assert.equal(normalizeServerUrl('https://host/'), 'https://host');
    assert.equal(normalizeServerUrl('http://host:8080/prefix/'), 'http://host:8080/prefix');
    assert.throws(() => normalizeServerUrl('ftp://host'), /must use http or https/);
  });
});
