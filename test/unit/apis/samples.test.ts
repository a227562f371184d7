// Checks the samples against the CRD schemas with a small validator covering what the schemas
// use (type, required, enum, properties, items, maps, format byte), so a sample and its CRD cannot
// drift apart before the integration test applies them to a real apiserver.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kubefedCRDs } from '../../../src/apis/crds.ts';
import type { CustomResourceDefinition, JSONSchemaProps } from '../../../src/apis/crds.ts';
import { invalidSamples, sampleObjects } from '../../../src/apis/samples.ts';
import type { KubeObject } from '../../../src/json/object.ts';

const crds = kubefedCRDs();

function crdFor(object: KubeObject): CustomResourceDefinition {
  const found = crds.find(
    (crd) =>
      crd.spec.names.kind === object.kind &&
      `${crd.spec.group}/${crd.spec.versions[0]?.name}` === object.apiVersion,
  );
  assert.ok(found, `no CRD for ${object.apiVersion} ${object.kind}`);
  return found;
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function violations(schema: JSONSchemaProps, value: unknown, path: string): string[] {
  const actual = typeOf(value);
  if (schema.type && actual !== schema.type) return [`${path}: ${actual} is not ${schema.type}`];
  const found: string[] = [];
  if (schema.enum && !schema.enum.includes(value as string)) found.push(`${path}: not in enum`);
  if (schema.format === 'byte' && !/^[A-Za-z0-9+/]*={0,2}$/.test(value as string)) {
    found.push(`${path}: not base64`);
  }
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    for (const field of schema.required ?? []) {
      if (!(field in object)) found.push(`${path}.${field}: required`);
    }
    for (const [key, child] of Object.entries(object)) {
      const childSchema = schema.properties?.[key] ?? schema.additionalProperties;
      if (childSchema) found.push(...violations(childSchema, child, `${path}.${key}`));
    }
  }
  if (actual === 'array' && schema.items) {
    const items = schema.items;
    (value as unknown[]).forEach((item, index) => {
      found.push(...violations(items, item, `${path}[${index}]`));
    });
  }
  return found;
}

/** What the apiserver validates on create: the status is dropped when it is a subresource. */
function violationsOnCreate(object: KubeObject): string[] {
  const crd = crdFor(object);
  const [version] = crd.spec.versions;
  assert.ok(version);
  const sent: Record<string, unknown> = { ...object };
  if (version.subresources) delete sent['status'];
  return violations(version.schema.openAPIV3Schema, sent, object.kind ?? '?');
}

describe('sample objects', () => {
  const samples = sampleObjects('sample-ns');

  it('cover every KubeFed kind exactly once', () => {
    assert.deepEqual(
      samples.map((object) => object.kind).sort(),
      crds.map((crd) => crd.spec.names.kind).sort(),
    );
  });

  it('sit in the namespace exactly when their kind is namespaced', () => {
    for (const object of samples) {
      const namespaced = crdFor(object).spec.scope === 'Namespaced';
      assert.equal(object.metadata?.namespace, namespaced ? 'sample-ns' : undefined, object.kind);
      assert.ok(object.metadata?.name, object.kind);
    }
  });

  for (const object of samples) {
    it(`${object.kind} satisfies its schema`, () => {
      assert.deepEqual(violationsOnCreate(object), []);
      const [version] = crdFor(object).spec.versions;
      assert.ok(version);
      assert.deepEqual(violations(version.schema.openAPIV3Schema, object, 'with status'), []);
    });
  }
});

describe('invalid samples', () => {
  const invalid = invalidSamples('sample-ns');

  it('have unique names and cover every kind that validates more than its status', () => {
    const names = invalid.map(({ object }) => `${object.kind}/${object.metadata?.name}`);
    assert.equal(new Set(names).size, names.length);
    const kinds = new Set(invalid.map(({ object }) => object.kind));
    for (const kind of [
      'KubeFedCluster',
      'KubeFedConfig',
      'FederatedTypeConfig',
      'FederatedServiceStatus',
      'ReplicaSchedulingPreference',
      'Domain',
      'ServiceDNSRecord',
      'IngressDNSRecord',
      'DNSEndpoint',
    ]) {
      assert.ok(kinds.has(kind), `no invalid ${kind}`);
    }
  });

  for (const { why, object } of invalid) {
    it(`${object.kind}: ${why}`, () => {
      assert.notDeepEqual(violationsOnCreate(object), []);
    });
  }
});
