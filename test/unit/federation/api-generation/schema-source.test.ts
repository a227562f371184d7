// Reading a target's schema out of OpenAPI v3 documents and CRDs, shaped as a v1.3x apiserver
// serves them (properties wrapped as `allOf: [{$ref}]`).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  crdVersionSchema,
  kindSchemaFromOpenAPIv3,
  openAPIv3DocumentURL,
} from '../../../../src/federation/api-generation/schema-source.ts';
import { templateShape } from '../../../../src/federation/api-generation/schema.ts';

const ref = (name: string): Record<string, unknown> => ({
  allOf: [{ $ref: `#/components/schemas/${name}` }],
  default: {},
  description: 'wrapped reference',
});

/** The relevant corner of `/openapi/v3/apis/apps/v1`. */
const appsV1 = {
  openapi: '3.0.0',
  components: {
    schemas: {
      'io.k8s.api.apps.v1.Deployment': {
        type: 'object',
        properties: {
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          metadata: ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'),
          spec: ref('io.k8s.api.apps.v1.DeploymentSpec'),
          status: ref('io.k8s.api.apps.v1.DeploymentStatus'),
        },
        'x-kubernetes-group-version-kind': [{ group: 'apps', kind: 'Deployment', version: 'v1' }],
      },
      'io.k8s.api.apps.v1.DeploymentSpec': {
        type: 'object',
        properties: {
          replicas: { type: 'integer', format: 'int32' },
          template: ref('io.k8s.api.core.v1.PodTemplateSpec'),
        },
      },
      'io.k8s.api.apps.v1.DeploymentStatus': { type: 'object', properties: {} },
      'io.k8s.api.apps.v1.DaemonSet': {
        type: 'object',
        properties: { spec: ref('io.k8s.api.apps.v1.DaemonSetSpec') },
        'x-kubernetes-group-version-kind': [{ group: 'apps', kind: 'DaemonSet', version: 'v1' }],
      },
      'io.k8s.api.apps.v1.DaemonSetSpec': {
        type: 'object',
        properties: { template: ref('io.k8s.api.core.v1.PodTemplateSpec') },
      },
      'io.k8s.api.core.v1.PodTemplateSpec': { type: 'object' },
      'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
        type: 'object',
        properties: {
          ownerReferences: {
            type: 'array',
            items: ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'),
          },
        },
      },
    },
  },
};

describe('OpenAPI v3 documents', () => {
  it('keys group-versions as the /openapi/v3 index does', () => {
    const index = {
      paths: {
        'api/v1': { serverRelativeURL: '/openapi/v3/api/v1?hash=AB' },
        'apis/apps/v1': { serverRelativeURL: '/openapi/v3/apis/apps/v1?hash=CD' },
      },
    };
    assert.equal(
      openAPIv3DocumentURL(index, { group: 'apps', version: 'v1' }),
      '/openapi/v3/apis/apps/v1?hash=CD',
    );
    assert.equal(
      openAPIv3DocumentURL(index, { group: '', version: 'v1' }),
      '/openapi/v3/api/v1?hash=AB',
    );
    assert.equal(openAPIv3DocumentURL(index, { group: 'batch', version: 'v1' }), undefined);
    assert.equal(openAPIv3DocumentURL('not json', { group: '', version: 'v1' }), undefined);
  });

  it('finds a kind by x-kubernetes-group-version-kind and resolves spec.replicas through allOf/$ref', () => {
    const deployment = kindSchemaFromOpenAPIv3(appsV1, {
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
    });
    assert.ok(deployment);
    assert.deepEqual(templateShape(deployment), { hasSchema: true, integerReplicas: true });
    const daemonSet = kindSchemaFromOpenAPIv3(appsV1, {
      group: 'apps',
      version: 'v1',
      kind: 'DaemonSet',
    });
    assert.deepEqual(templateShape(daemonSet), { hasSchema: true, integerReplicas: false });
  });

  it('finds nothing for another version, group or kind', () => {
    assert.equal(
      kindSchemaFromOpenAPIv3(appsV1, { group: 'apps', version: 'v1beta1', kind: 'Deployment' }),
      undefined,
    );
    assert.equal(
      kindSchemaFromOpenAPIv3(appsV1, { group: '', version: 'v1', kind: 'Deployment' }),
      undefined,
    );
    assert.equal(
      kindSchemaFromOpenAPIv3(appsV1, { group: 'apps', version: 'v1', kind: 'StatefulSet' }),
      undefined,
    );
    assert.equal(
      kindSchemaFromOpenAPIv3({}, { group: 'apps', version: 'v1', kind: 'Deployment' }),
      undefined,
    );
  });

  it('stops at reference cycles', () => {
    const cyclic = {
      components: {
        schemas: {
          A: {
            allOf: [{ $ref: '#/components/schemas/B' }],
            'x-kubernetes-group-version-kind': [{ group: 'x', version: 'v1', kind: 'A' }],
          },
          B: {
            allOf: [{ $ref: '#/components/schemas/A' }],
            properties: { spec: { $ref: '#/components/schemas/A' } },
          },
        },
      },
    };
    const schema = kindSchemaFromOpenAPIv3(cyclic, { group: 'x', version: 'v1', kind: 'A' });
    assert.ok(schema);
    assert.equal(templateShape(schema).integerReplicas, false);
  });
});

describe('CRD schemas', () => {
  const crd = {
    spec: {
      versions: [
        { name: 'v1alpha1', schema: { openAPIV3Schema: { type: 'object', description: 'old' } } },
        {
          name: 'v1',
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: { type: 'object', properties: { replicas: { type: 'integer' } } },
              },
            },
          },
        },
      ],
    },
  };

  it('takes the schema of the target version', () => {
    assert.equal(templateShape(crdVersionSchema(crd, 'v1')).integerReplicas, true);
    assert.equal(crdVersionSchema(crd, 'v1alpha1')?.['description'], 'old');
  });

  it('falls back to the first version, and to none without a schema', () => {
    assert.equal(crdVersionSchema(crd, 'v2')?.['description'], 'old');
    assert.equal(crdVersionSchema({ spec: { versions: [{ name: 'v1' }] } }, 'v1'), undefined);
    assert.equal(crdVersionSchema({}, 'v1'), undefined);
  });
});
