import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kubefedCRDs } from '../../../src/apis/crds.ts';
import type { CustomResourceDefinition, JSONSchemaProps } from '../../../src/apis/crds.ts';

const crds = kubefedCRDs();

function crd(name: string): CustomResourceDefinition {
  const found = crds.find((candidate) => candidate.metadata.name === name);
  assert.ok(found, `no CRD ${name}`);
  return found;
}

function rootSchema(name: string): JSONSchemaProps {
  const version = crd(name).spec.versions[0];
  assert.ok(version);
  return version.schema.openAPIV3Schema;
}

/** The schema at a dotted path; `[]` steps into array items, `{}` into map values. */
function schemaAt(name: string, path: string): JSONSchemaProps {
  let node = rootSchema(name);
  for (const step of path === '' ? [] : path.split('.')) {
    const property = step.replace(/\[\]|\{\}$/, '');
    const next = node.properties?.[property];
    assert.ok(next, `${name}: no property ${step} in ${path}`);
    node = next;
    if (step.endsWith('[]')) {
      assert.ok(node.items, `${name}: ${step} has no items`);
      node = node.items;
    }
    if (step.endsWith('{}')) {
      assert.ok(node.additionalProperties, `${name}: ${step} is not a map`);
      node = node.additionalProperties;
    }
  }
  return node;
}

/** Why a schema node is not structural (as apiextensions v1 requires), or nothing. */
function structuralProblems(node: JSONSchemaProps, path: string): string[] {
  const problems: string[] = [];
  if (!node.type) problems.push(`${path}: no type`);
  if (node.properties && node.type !== 'object') problems.push(`${path}: properties on non-object`);
  if (node.properties && node.additionalProperties) {
    problems.push(`${path}: both properties and additionalProperties`);
  }
  if (node.items && node.type !== 'array') problems.push(`${path}: items on non-array`);
  if (node.type === 'array' && !node.items) problems.push(`${path}: array without items`);
  if (node.enum && node.type !== 'string') problems.push(`${path}: enum on non-string`);
  for (const field of node.required ?? []) {
    if (!node.properties?.[field]) problems.push(`${path}: required ${field} is not a property`);
  }
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    problems.push(...structuralProblems(child, `${path}.${key}`));
  }
  if (node.items) problems.push(...structuralProblems(node.items, `${path}[]`));
  if (node.additionalProperties) {
    problems.push(...structuralProblems(node.additionalProperties, `${path}{}`));
  }
  return problems;
}

describe('KubeFed CRDs', () => {
  it('are the eleven kinds, in a stable order', () => {
    assert.deepEqual(
      crds.map((c) => c.metadata.name),
      [
        'kubefedclusters.core.kubefed.io',
        'kubefedconfigs.core.kubefed.io',
        'federatedtypeconfigs.core.kubefed.io',
        'propagatedversions.core.kubefed.io',
        'clusterpropagatedversions.core.kubefed.io',
        'federatedservicestatuses.core.kubefed.io',
        'replicaschedulingpreferences.scheduling.kubefed.io',
        'domains.multiclusterdns.kubefed.io',
        'servicednsrecords.multiclusterdns.kubefed.io',
        'ingressdnsrecords.multiclusterdns.kubefed.io',
        'dnsendpoints.multiclusterdns.kubefed.io',
      ],
    );
  });

  // name → [kind, version, scope, short names, status subresource]
  const expected: Record<string, [string, string, string, string[], boolean]> = {
    'kubefedclusters.core.kubefed.io': ['KubeFedCluster', 'v1beta1', 'Namespaced', ['kfc'], true],
    'kubefedconfigs.core.kubefed.io': ['KubeFedConfig', 'v1beta1', 'Namespaced', [], false],
    'federatedtypeconfigs.core.kubefed.io': [
      'FederatedTypeConfig',
      'v1beta1',
      'Namespaced',
      ['ftc'],
      true,
    ],
    'propagatedversions.core.kubefed.io': ['PropagatedVersion', 'v1alpha1', 'Namespaced', [], true],
    'clusterpropagatedversions.core.kubefed.io': [
      'ClusterPropagatedVersion',
      'v1alpha1',
      'Cluster',
      [],
      true,
    ],
    'federatedservicestatuses.core.kubefed.io': [
      'FederatedServiceStatus',
      'v1alpha1',
      'Namespaced',
      [],
      false,
    ],
    'replicaschedulingpreferences.scheduling.kubefed.io': [
      'ReplicaSchedulingPreference',
      'v1alpha1',
      'Namespaced',
      ['rsp'],
      false,
    ],
    'domains.multiclusterdns.kubefed.io': ['Domain', 'v1alpha1', 'Namespaced', [], false],
    'servicednsrecords.multiclusterdns.kubefed.io': [
      'ServiceDNSRecord',
      'v1alpha1',
      'Namespaced',
      [],
      true,
    ],
    'ingressdnsrecords.multiclusterdns.kubefed.io': [
      'IngressDNSRecord',
      'v1alpha1',
      'Namespaced',
      [],
      true,
    ],
    'dnsendpoints.multiclusterdns.kubefed.io': ['DNSEndpoint', 'v1alpha1', 'Namespaced', [], true],
  };

  for (const definition of crds) {
    const name = definition.metadata.name;
    describe(name, () => {
      it('is named <plural>.<group> with the usual kind names', () => {
        const { names, group } = definition.spec;
        assert.equal(name, `${names.plural}.${group}`);
        assert.equal(names.listKind, `${names.kind}List`);
        assert.equal(names.singular, names.kind.toLowerCase());
        assert.equal(definition.apiVersion, 'apiextensions.k8s.io/v1');
        assert.equal(definition.metadata.labels['app.kubernetes.io/part-of'], 'kubefed');
      });

      it('has the kind, version, scope, short names and subresources of KubeFed', () => {
        const want = expected[name];
        assert.ok(want, `unexpected CRD ${name}`);
        const [kind, version, scope, shortNames, statusSubresource] = want;
        assert.equal(definition.spec.names.kind, kind);
        assert.equal(definition.spec.scope, scope);
        assert.deepEqual(definition.spec.names.shortNames ?? [], shortNames);
        assert.equal(definition.spec.versions.length, 1);
        const [only] = definition.spec.versions;
        assert.ok(only);
        assert.equal(only.name, version);
        assert.ok(only.served && only.storage);
        assert.equal(only.subresources !== undefined, statusSubresource);
      });

      it('has a structural schema', () => {
        const schema = rootSchema(name);
        assert.equal(schema.type, 'object');
        const properties = schema.properties ?? {};
        assert.deepEqual(properties['metadata'], { type: 'object' });
        assert.deepEqual(properties['apiVersion'], { type: 'string' });
        assert.deepEqual(properties['kind'], { type: 'string' });
        assert.deepEqual(structuralProblems(schema, name), []);
      });
    });
  }

  it('gives KubeFedCluster the age, ready and kubernetes-version columns', () => {
    const [version] = crd('kubefedclusters.core.kubefed.io').spec.versions;
    assert.deepEqual(version?.additionalPrinterColumns, [
      { name: 'age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      { name: 'ready', type: 'string', jsonPath: ".status.conditions[?(@.type=='Ready')].status" },
      { name: 'kubernetes-version', type: 'string', jsonPath: '.status.kubernetesVersion' },
    ]);
    const others = crds.filter(
      (c) => c.spec.names.kind !== 'KubeFedCluster' && c.spec.names.kind !== 'FederatedTypeConfig',
    );
    for (const other of others) {
      assert.equal(
        other.spec.versions[0]?.additionalPrinterColumns,
        undefined,
        other.metadata.name,
      );
    }
  });

  it('gives FederatedTypeConfig propagation and controller columns, beyond the chart', () => {
    const [version] = crd('federatedtypeconfigs.core.kubefed.io').spec.versions;
    assert.deepEqual(
      version?.additionalPrinterColumns?.map((c) => [c.name, c.jsonPath]),
      [
        ['propagation', '.spec.propagation'],
        ['controller', '.status.propagationController'],
        ['age', '.metadata.creationTimestamp'],
      ],
    );
  });

  // [CRD, path, required fields] as spec §2 states them.
  const required: [string, string, string[]][] = [
    ['kubefedclusters.core.kubefed.io', '', ['spec']],
    ['kubefedclusters.core.kubefed.io', 'spec', ['apiEndpoint', 'secretRef']],
    ['kubefedclusters.core.kubefed.io', 'spec.secretRef', ['name']],
    ['kubefedclusters.core.kubefed.io', 'status', ['conditions']],
    ['kubefedclusters.core.kubefed.io', 'status.conditions[]', ['type', 'status', 'lastProbeTime']],
    ['kubefedconfigs.core.kubefed.io', '', ['spec']],
    ['kubefedconfigs.core.kubefed.io', 'spec', ['scope']],
    ['kubefedconfigs.core.kubefed.io', 'spec.featureGates[]', ['name', 'configuration']],
    ['federatedtypeconfigs.core.kubefed.io', '', ['spec']],
    [
      'federatedtypeconfigs.core.kubefed.io',
      'spec',
      ['federatedType', 'propagation', 'targetType'],
    ],
    ...['targetType', 'federatedType', 'statusType'].map((field): [string, string, string[]] => [
      'federatedtypeconfigs.core.kubefed.io',
      `spec.${field}`,
      ['kind', 'pluralName', 'scope', 'version'],
    ]),
    [
      'federatedtypeconfigs.core.kubefed.io',
      'status',
      ['observedGeneration', 'propagationController'],
    ],
    ...['propagatedversions', 'clusterpropagatedversions'].flatMap(
      (plural): [string, string, string[]][] => [
        [`${plural}.core.kubefed.io`, 'status', ['overridesVersion', 'templateVersion']],
        [`${plural}.core.kubefed.io`, 'status.clusterVersions[]', ['clusterName', 'version']],
      ],
    ),
    ['federatedservicestatuses.core.kubefed.io', 'clusterStatus[]', ['clusterName', 'status']],
    ['replicaschedulingpreferences.scheduling.kubefed.io', 'spec', ['targetKind', 'totalReplicas']],
    ['domains.multiclusterdns.kubefed.io', '', ['domain']],
    ['servicednsrecords.multiclusterdns.kubefed.io', 'spec', ['domainRef']],
  ];
  for (const [name, path, fields] of required) {
    it(`${name} requires ${path || '<root>'}: ${fields.join(', ')}`, () => {
      assert.deepEqual([...(schemaAt(name, path).required ?? [])].sort(), [...fields].sort());
    });
  }

  // [CRD, path, values] of every closed set the webhooks enforce.
  const enums: [string, string, string[]][] = [
    [
      'kubefedclusters.core.kubefed.io',
      'spec.disabledTLSValidations[]',
      ['*', 'SubjectName', 'ValidityPeriod'],
    ],
    [
      'kubefedclusters.core.kubefed.io',
      'status.conditions[].type',
      ['Ready', 'Offline', 'ConfigMalformed'],
    ],
    ['kubefedclusters.core.kubefed.io', 'status.conditions[].status', ['True', 'False', 'Unknown']],
    ['kubefedconfigs.core.kubefed.io', 'spec.scope', ['Cluster', 'Namespaced']],
    [
      'kubefedconfigs.core.kubefed.io',
      'spec.leaderElect.resourceLock',
      ['configmaps', 'endpoints'],
    ],
    [
      'kubefedconfigs.core.kubefed.io',
      'spec.featureGates[].configuration',
      ['Enabled', 'Disabled'],
    ],
    [
      'kubefedconfigs.core.kubefed.io',
      'spec.syncController.adoptResources',
      ['Enabled', 'Disabled'],
    ],
    ['federatedtypeconfigs.core.kubefed.io', 'spec.propagation', ['Enabled', 'Disabled']],
    ['federatedtypeconfigs.core.kubefed.io', 'spec.statusCollection', ['Enabled', 'Disabled']],
    ['federatedtypeconfigs.core.kubefed.io', 'spec.targetType.scope', ['Cluster', 'Namespaced']],
    [
      'federatedtypeconfigs.core.kubefed.io',
      'status.propagationController',
      ['Running', 'NotRunning'],
    ],
    ['federatedtypeconfigs.core.kubefed.io', 'status.statusController', ['Running', 'NotRunning']],
  ];
  for (const [name, path, values] of enums) {
    it(`${name} limits ${path} to ${values.join(', ')}`, () => {
      assert.deepEqual(schemaAt(name, path).enum, values);
    });
  }

  it('makes the KubeFedConfig scope immutable', () => {
    assert.deepEqual(
      schemaAt('kubefedconfigs.core.kubefed.io', 'spec.scope')['x-kubernetes-validations'],
      [{ rule: 'self == oldSelf', message: 'field is immutable' }],
    );
  });

  it('keeps open content unpruned and typed maps as maps of strings', () => {
    const status = schemaAt('federatedservicestatuses.core.kubefed.io', 'clusterStatus[].status');
    assert.equal(status['x-kubernetes-preserve-unknown-fields'], true);
    assert.deepEqual(
      schemaAt('dnsendpoints.multiclusterdns.kubefed.io', 'spec.endpoints[].labels{}'),
      { type: 'string' },
    );
    assert.equal(
      schemaAt('replicaschedulingpreferences.scheduling.kubefed.io', 'spec.clusters{}.weight')
        .format,
      'int64',
    );
  });
});
