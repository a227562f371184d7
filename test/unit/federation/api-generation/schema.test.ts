// The generated Federated<Kind> CRDs against spec §2.6 and the default types of §14.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CustomResourceDefinition, JSONSchemaProps } from '../../../../src/apis/crds.ts';
import {
  crdUpToDate,
  federatedTypeCRD,
  federatedTypePrinterColumns,
  templateShape,
} from '../../../../src/federation/api-generation/schema.ts';
import {
  DEFAULT_FEDERATED_TYPES,
  generateDefaultFederatedType,
} from '../../../../src/federation/api-generation/type-config-defaults.ts';
import type { TargetAPIResource } from '../../../../src/federation/api-generation/type-config.ts';

const ns = 'kube-federation-system';

/** Spec §14, written out independently of the generator's input table. */
const expectedDefaults = [
  // FTC name, CRD name, kind, scope, short names, retainReplicas
  [
    'clusterroles.rbac.authorization.k8s.io',
    'federatedclusterroles.types.kubefed.io',
    'FederatedClusterRole',
    'Cluster',
    [],
    false,
  ],
  [
    'configmaps',
    'federatedconfigmaps.types.kubefed.io',
    'FederatedConfigMap',
    'Namespaced',
    ['fcm'],
    false,
  ],
  [
    'deployments.apps',
    'federateddeployments.types.kubefed.io',
    'FederatedDeployment',
    'Namespaced',
    ['fdeploy'],
    true,
  ],
  [
    'ingresses.networking.k8s.io',
    'federatedingresses.types.kubefed.io',
    'FederatedIngress',
    'Namespaced',
    ['fing'],
    false,
  ],
  ['jobs.batch', 'federatedjobs.types.kubefed.io', 'FederatedJob', 'Namespaced', [], false],
  [
    'namespaces',
    'federatednamespaces.types.kubefed.io',
    'FederatedNamespace',
    'Namespaced',
    ['fns'],
    false,
  ],
  [
    'replicasets.apps',
    'federatedreplicasets.types.kubefed.io',
    'FederatedReplicaSet',
    'Namespaced',
    ['frs'],
    true,
  ],
  ['secrets', 'federatedsecrets.types.kubefed.io', 'FederatedSecret', 'Namespaced', [], false],
  [
    'serviceaccounts',
    'federatedserviceaccounts.types.kubefed.io',
    'FederatedServiceAccount',
    'Namespaced',
    ['fsa'],
    false,
  ],
  [
    'services',
    'federatedservices.types.kubefed.io',
    'FederatedService',
    'Namespaced',
    ['fsvc'],
    false,
  ],
] as const;

function rootSchema(crd: CustomResourceDefinition): JSONSchemaProps {
  const version = crd.spec.versions[0];
  assert.ok(version);
  return version.schema.openAPIV3Schema;
}

/** The schema at a dotted path; `[]` steps into array items, `{}` into map values. */
function at(crd: CustomResourceDefinition, path: string): JSONSchemaProps {
  let node = rootSchema(crd);
  for (const step of path.split('.')) {
    const next = node.properties?.[step.replace(/(\[\]|\{\})$/, '')];
    assert.ok(next, `no property ${step} in ${path}`);
    node = next;
    if (step.endsWith('[]')) {
      assert.ok(node.items, `${step} has no items`);
      node = node.items;
    }
    if (step.endsWith('{}')) {
      assert.ok(node.additionalProperties, `${step} is not a map`);
      node = node.additionalProperties;
    }
  }
  return node;
}

/** Structural-schema violations (apiextensions v1 rejects them). */
function structuralProblems(node: JSONSchemaProps, path: string): string[] {
  const problems: string[] = [];
  if (!node.type && !node['x-kubernetes-preserve-unknown-fields'])
    problems.push(`${path}: no type`);
  if (node.properties && node.type !== 'object') problems.push(`${path}: properties on non-object`);
  if (node.type === 'array' && !node.items) problems.push(`${path}: array without items`);
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    problems.push(...structuralProblems(child, `${path}.${name}`));
  }
  if (node.items) problems.push(...structuralProblems(node.items, `${path}[]`));
  if (node.additionalProperties) {
    problems.push(...structuralProblems(node.additionalProperties, `${path}{}`));
  }
  return problems;
}

const widget: TargetAPIResource = {
  group: 'example.com',
  version: 'v1',
  kind: 'Widget',
  pluralName: 'widgets',
  singularName: 'widget',
  scope: 'Namespaced',
  shortNames: ['wd', 'wdg'],
};

describe('federated type CRDs of the ten default types (spec §14)', () => {
  it('covers exactly the default types, in FTC name order', () => {
    const names = DEFAULT_FEDERATED_TYPES.map(
      (type) => generateDefaultFederatedType(type, ns).typeConfig.metadata?.name,
    );
    assert.deepEqual(
      names,
      expectedDefaults.map(([name]) => name),
    );
  });

  for (const [ftcName, crdName, kind, scope, shortNames, retainReplicas] of expectedDefaults) {
    it(`${ftcName}: ${crdName}, ${scope}, short names [${shortNames.join(', ')}]${retainReplicas ? ', retainReplicas' : ''}`, () => {
      const type = DEFAULT_FEDERATED_TYPES.find(
        (t) => generateDefaultFederatedType(t, ns).typeConfig.metadata?.name === ftcName,
      );
      assert.ok(type);
      const { crd, typeConfig } = generateDefaultFederatedType(type, ns);
      assert.equal(crd.apiVersion, 'apiextensions.k8s.io/v1');
      assert.equal(crd.metadata.name, crdName);
      assert.equal(crd.spec.group, 'types.kubefed.io');
      assert.equal(crd.spec.names.kind, kind);
      assert.equal(crd.spec.names.plural, crdName.split('.')[0]);
      assert.deepEqual(crd.spec.names.shortNames ?? [], shortNames);
      assert.equal(crd.spec.scope, scope);
      assert.equal(crd.spec.versions.length, 1);
      const version = crd.spec.versions[0];
      assert.ok(version);
      assert.deepEqual([version.name, version.served, version.storage], ['v1beta1', true, true]);
      assert.deepEqual(version.subresources, { status: {} });
      assert.deepEqual(
        version.additionalPrinterColumns?.map((c) => c.name),
        ftcName === 'jobs.batch'
          ? ['Completions', 'Clusters', 'Propagation', 'Age']
          : retainReplicas // Deployment and ReplicaSet: the default workload types with replicas
            ? ['Ready', 'Clusters', 'Propagation', 'Age']
            : ['Propagation', 'Age'],
      );
      const spec = at(crd, 'spec');
      const template = at(crd, 'spec.template');
      assert.equal(template.type, 'object');
      assert.equal(template['x-kubernetes-preserve-unknown-fields'], true);
      assert.equal('retainReplicas' in (spec.properties ?? {}), retainReplicas);
      if (retainReplicas) assert.equal(at(crd, 'spec.retainReplicas').type, 'boolean');
      // The FTC names the same federated type.
      assert.equal(typeConfig.metadata?.namespace, ns);
      assert.equal(typeConfig.spec.propagation, 'Enabled');
      assert.deepEqual(typeConfig.spec.federatedType, {
        group: 'types.kubefed.io',
        version: 'v1beta1',
        kind,
        pluralName: crdName.split('.')[0],
        scope,
      });
    });
  }

  it('keeps the target scope in the FTC: Namespace and ClusterRole are cluster-scoped targets', () => {
    const scopes = new Map(
      DEFAULT_FEDERATED_TYPES.map((type) => {
        const { typeConfig } = generateDefaultFederatedType(type, ns);
        return [typeConfig.metadata?.name, typeConfig.spec.targetType.scope];
      }),
    );
    assert.equal(scopes.get('namespaces'), 'Cluster');
    assert.equal(scopes.get('clusterroles.rbac.authorization.k8s.io'), 'Cluster');
    assert.equal(scopes.get('deployments.apps'), 'Namespaced');
  });
});

describe('federated type schema (spec §2.6)', () => {
  const crd = federatedTypeCRD(widget, { hasSchema: true, integerReplicas: true });

  it('is structural, requires spec, and has apiVersion, kind and metadata', () => {
    assert.deepEqual(structuralProblems(rootSchema(crd), '<root>'), []);
    assert.equal(rootSchema(crd).type, 'object');
    assert.deepEqual(rootSchema(crd).required, ['spec']);
    assert.equal(at(crd, 'apiVersion').type, 'string');
    assert.equal(at(crd, 'kind').type, 'string');
    assert.equal(at(crd, 'metadata').type, 'object');
  });

  it('has placement by cluster names or by a label selector', () => {
    assert.deepEqual(at(crd, 'spec.placement.clusters[]').required, ['name']);
    assert.equal(at(crd, 'spec.placement.clusters[].name').type, 'string');
    assert.deepEqual(at(crd, 'spec.placement.clusterSelector.matchExpressions[]').required, [
      'key',
      'operator',
    ]);
    assert.equal(
      at(crd, 'spec.placement.clusterSelector.matchExpressions[].values[]').type,
      'string',
    );
    assert.equal(at(crd, 'spec.placement.clusterSelector.matchLabels{}').type, 'string');
  });

  it('has per-cluster overrides with op, path and any value', () => {
    assert.equal(at(crd, 'spec.overrides[].clusterName').type, 'string');
    const override = at(crd, 'spec.overrides[].clusterOverrides[]');
    assert.deepEqual(override.required, ['path']);
    const op = at(crd, 'spec.overrides[].clusterOverrides[].op') as JSONSchemaProps & {
      pattern?: string;
    };
    assert.equal(op.type, 'string');
    assert.equal(op.pattern, '^(add|remove|replace)?$');
    assert.ok(new RegExp(op.pattern ?? '').test(''));
    assert.ok(!new RegExp(op.pattern ?? '').test('move'));
    assert.deepEqual(at(crd, 'spec.overrides[].clusterOverrides[].value'), {
      'x-kubernetes-preserve-unknown-fields': true,
    });
  });

  it('has the propagation status', () => {
    assert.deepEqual(at(crd, 'status.conditions[]').required, ['type', 'status']);
    assert.equal(at(crd, 'status.conditions[].reason').type, 'string');
    // kubefed-ts, additive: the workload Ready condition's message.
    assert.deepEqual(at(crd, 'status.conditions[].message'), { type: 'string' });
    for (const time of ['lastUpdateTime', 'lastTransitionTime']) {
      assert.deepEqual(at(crd, `status.conditions[].${time}`), {
        type: 'string',
        format: 'date-time',
      });
    }
    assert.deepEqual(at(crd, 'status.clusters[]').required, ['name']);
    assert.equal(at(crd, 'status.clusters[].status').type, 'string');
    assert.equal(
      at(crd, 'status.clusters[].remoteStatus')['x-kubernetes-preserve-unknown-fields'],
      true,
    );
    assert.deepEqual(at(crd, 'status.observedGeneration'), { type: 'integer', format: 'int64' });
    assert.deepEqual(Object.keys(at(crd, 'status').properties ?? {}), [
      'conditions',
      'clusters',
      'observedGeneration',
      'workload',
    ]);
  });

  it('has kubefed-ts’ workload status, closed and structural, on every type', () => {
    const int32 = { type: 'integer', format: 'int32' };
    const counts = {
      replicas: int32,
      updatedReplicas: int32,
      readyReplicas: int32,
      availableReplicas: int32,
      completions: int32,
      succeeded: int32,
      failed: int32,
      active: int32,
    };
    assert.deepEqual(at(crd, 'status.workload'), {
      type: 'object',
      description:
        'kubefed-ts: readiness of the workload over the clusters it is placed in (workload types only).',
      properties: {
        ready: {
          type: 'string',
          description:
            'Ready/desired replicas summed over the placed clusters (Job: succeeded/completions), e.g. 6/6.',
        },
        readyClusters: {
          type: 'string',
          description:
            'Clusters whose workload is ready (Job: complete) / clusters placed, e.g. 3/3.',
        },
        ...counts,
        clusters: {
          type: 'array',
          description: 'Every placed cluster, sorted by name.',
          items: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              ready: {
                type: 'boolean',
                description: 'The workload is ready (Job: complete) in this cluster.',
              },
              reason: { type: 'string', description: 'Why it is not ready.' },
              ...counts,
            },
            required: ['name'],
          },
        },
      },
    });
    const configMaps = federatedTypeCRD(
      { ...widget, group: '', kind: 'ConfigMap', pluralName: 'configmaps' },
      { hasSchema: true, integerReplicas: false },
    );
    assert.deepEqual(at(configMaps, 'status.workload'), at(crd, 'status.workload'));
  });

  it('names the CRD after the federated group and version, short names prefixed with f', () => {
    const custom = federatedTypeCRD(
      widget,
      { hasSchema: true, integerReplicas: false },
      { federatedGroup: 'fed.example.com', federatedVersion: 'v1alpha1' },
    );
    assert.equal(custom.metadata.name, 'federatedwidgets.fed.example.com');
    assert.equal(custom.spec.group, 'fed.example.com');
    assert.equal(custom.spec.versions[0]?.name, 'v1alpha1');
    assert.deepEqual(custom.spec.names.shortNames, ['fwd', 'fwdg']);
    assert.equal(custom.spec.names.kind, 'FederatedWidget');
  });

  it('omits template and retainReplicas when no schema of the target was found', () => {
    const bare = federatedTypeCRD(widget, templateShape(undefined));
    assert.deepEqual(Object.keys(at(bare, 'spec').properties ?? {}), ['placement', 'overrides']);
  });

  it('gives a cluster-scoped target a cluster-scoped federated type, except namespaces', () => {
    const shape = { hasSchema: true, integerReplicas: false };
    assert.equal(federatedTypeCRD({ ...widget, scope: 'Cluster' }, shape).spec.scope, 'Cluster');
    const namespaces = { ...widget, group: '', kind: 'Namespace', pluralName: 'namespaces' };
    assert.equal(
      federatedTypeCRD({ ...namespaces, scope: 'Cluster' }, shape).spec.scope,
      'Namespaced',
    );
    // Only the core Namespace: a CRD that happens to be called namespaces keeps its scope.
    const lookalike = { ...namespaces, group: 'example.com', scope: 'Cluster' as const };
    assert.equal(federatedTypeCRD(lookalike, shape).spec.scope, 'Cluster');
  });
});

describe('printer columns', () => {
  const propagation = {
    name: 'Propagation',
    type: 'string',
    jsonPath: '.status.conditions[?(@.type=="Propagation")].status',
  };
  const age = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };
  const clusters = { name: 'Clusters', type: 'string', jsonPath: '.status.workload.readyClusters' };

  for (const kind of ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']) {
    it(`apps ${kind}: Ready, Clusters, Propagation, Age`, () => {
      assert.deepEqual(federatedTypePrinterColumns({ group: 'apps', kind }), [
        { name: 'Ready', type: 'string', jsonPath: '.status.workload.ready' },
        clusters,
        propagation,
        age,
      ]);
    });
  }

  it('batch Job: Completions, Clusters, Propagation, Age', () => {
    assert.deepEqual(federatedTypePrinterColumns({ group: 'batch', kind: 'Job' }), [
      { name: 'Completions', type: 'string', jsonPath: '.status.workload.ready' },
      clusters,
      propagation,
      age,
    ]);
  });

  it('any other type, by group and kind: Propagation, Age', () => {
    for (const type of [
      { group: '', kind: 'ConfigMap' },
      { group: 'extensions', kind: 'Deployment' },
      { group: 'batch', kind: 'CronJob' },
      { group: 'example.com', kind: 'Job' },
    ]) {
      assert.deepEqual(federatedTypePrinterColumns(type), [propagation, age], type.kind);
    }
  });

  it('are the CRD version’s additionalPrinterColumns', () => {
    const deployments = federatedTypeCRD(
      { ...widget, group: 'apps', kind: 'Deployment', pluralName: 'deployments' },
      { hasSchema: true, integerReplicas: true },
    );
    assert.deepEqual(
      deployments.spec.versions[0]?.additionalPrinterColumns,
      federatedTypePrinterColumns({ group: 'apps', kind: 'Deployment' }),
    );
  });
});

describe('templateShape', () => {
  const withReplicas = (replicas: Record<string, unknown>): Record<string, unknown> => ({
    type: 'object',
    properties: { spec: { type: 'object', properties: { replicas } } },
  });

  it('sees an integer spec.replicas, whatever its format', () => {
    assert.deepEqual(templateShape(withReplicas({ type: 'integer', format: 'int32' })), {
      hasSchema: true,
      integerReplicas: true,
    });
    assert.equal(templateShape(withReplicas({ type: 'integer' })).integerReplicas, true);
  });

  it('ignores a replicas field of another type, or none', () => {
    assert.equal(templateShape(withReplicas({ type: 'string' })).integerReplicas, false);
    assert.deepEqual(templateShape({ type: 'object' }), {
      hasSchema: true,
      integerReplicas: false,
    });
    assert.deepEqual(
      templateShape({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }),
      {
        hasSchema: true,
        integerReplicas: false,
      },
    );
  });

  it('reads no replicas from a spec that is not a schema', () => {
    assert.deepEqual(templateShape({ properties: { spec: 'nonsense' } }), {
      hasSchema: true,
      integerReplicas: false,
    });
  });
});

describe('crdUpToDate', () => {
  const wanted = federatedTypeCRD(widget, { hasSchema: true, integerReplicas: true });
  /** What the apiserver returns for it: defaults filled in, status and metadata added. */
  const served = (crd: CustomResourceDefinition): Record<string, unknown> => {
    const copy = structuredClone(crd) as unknown as {
      metadata: Record<string, unknown>;
      spec: Record<string, unknown>;
    };
    copy.metadata['resourceVersion'] = '42';
    copy.spec['conversion'] = { strategy: 'None' };
    return { ...copy, status: { acceptedNames: {}, storedVersions: ['v1beta1'] } };
  };

  it('accepts the same CRD with server defaults', () => {
    assert.equal(crdUpToDate(served(wanted), wanted), true);
  });

  it('sees a field the generator dropped, changed short names, or another version', () => {
    const older = served(federatedTypeCRD(widget, { hasSchema: true, integerReplicas: true }));
    const withoutReplicas = federatedTypeCRD(widget, { hasSchema: true, integerReplicas: false });
    assert.equal(crdUpToDate(older, withoutReplicas), false);
    const fewerShortNames = federatedTypeCRD(
      { ...widget, shortNames: [] },
      { hasSchema: true, integerReplicas: true },
    );
    assert.equal(crdUpToDate(older, fewerShortNames), false);
    const otherVersion = federatedTypeCRD(
      widget,
      { hasSchema: true, integerReplicas: true },
      { federatedGroup: 'types.kubefed.io', federatedVersion: 'v1' },
    );
    assert.equal(crdUpToDate(older, otherVersion), false);
    assert.equal(crdUpToDate(undefined, wanted), false);
  });

  it('sees other printer columns, also ones the generator does not emit', () => {
    const current = served(wanted) as { spec: { versions: Record<string, unknown>[] } };
    const version = current.spec.versions[0];
    assert.ok(version);
    version['additionalPrinterColumns'] = [];
    assert.equal(crdUpToDate(current, wanted), false);
    version['additionalPrinterColumns'] = [
      ...federatedTypePrinterColumns(widget),
      { name: 'Extra', type: 'string', jsonPath: '.spec.x' },
    ];
    assert.equal(crdUpToDate(current, wanted), false);
  });

  it('updates a CRD of KubeFed’s kubefedctl enable: no workload status, no columns', () => {
    const kubefed = served(wanted) as {
      spec: {
        versions: {
          additionalPrinterColumns?: unknown;
          schema: { openAPIV3Schema: JSONSchemaProps };
        }[];
      };
    };
    const version = kubefed.spec.versions[0];
    assert.ok(version);
    delete version.additionalPrinterColumns;
    assert.equal(crdUpToDate(kubefed, wanted), false);
    version.additionalPrinterColumns = federatedTypePrinterColumns(widget);
    assert.equal(crdUpToDate(kubefed, wanted), true);
    const status = version.schema.openAPIV3Schema.properties?.['status'];
    delete status?.properties?.['workload'];
    assert.equal(crdUpToDate(kubefed, wanted), false);
  });
});
