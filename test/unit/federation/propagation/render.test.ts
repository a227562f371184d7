import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cloneJson } from '../../../../src/json/json-patch.ts';
import { parseOverrides } from '../../../../src/federation/propagation/overrides.ts';
import {
  renderMemberObject,
  templateFieldNotSupportedMessage,
  templateWarnings,
  type RenderOptions,
  type RenderResult,
  type TargetType,
} from '../../../../src/federation/propagation/render.ts';
import type { KubeObject } from '../../../../src/json/object.ts';

const configMap: TargetType = { kind: 'ConfigMap', version: 'v1' };
const deployment: TargetType = { kind: 'Deployment', group: 'apps', version: 'v1' };
const namespace: TargetType = { kind: 'Namespace', version: 'v1' };

function fedObject(spec: Record<string, unknown>, name = 'cfg', namespace = 'demo'): KubeObject {
  return {
    apiVersion: 'types.kubefed.io/v1beta1',
    kind: 'FederatedConfigMap',
    metadata: { name, namespace, generation: 1 },
    spec,
  };
}

function render(
  fed: KubeObject,
  target: TargetType,
  cluster = 'c1',
  options: RenderOptions = {},
): RenderResult {
  return renderMemberObject(fed, target, cluster, parseOverrides(fed), options);
}

function rendered(
  fed: KubeObject,
  target: TargetType,
  cluster = 'c1',
  options: RenderOptions = {},
): KubeObject {
  const result = render(fed, target, cluster, options);
  assert.ok(result.ok, result.ok ? '' : `${result.status}: ${result.error}`);
  return result.object;
}

describe('renderMemberObject', () => {
  it('builds the member object from the template', () => {
    const fed = fedObject({
      template: { metadata: { labels: { app: 'x' } }, data: { foo: 'bar' } },
    });
    assert.deepEqual(rendered(fed, configMap), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'cfg',
        namespace: 'demo',
        labels: { app: 'x', 'kubefed.io/managed': 'true' },
      },
      data: { foo: 'bar' },
    });
  });
  it('does not modify the federated object', () => {
    const fed = fedObject({
      template: { metadata: { annotations: { a: 'b' } }, data: { foo: 'bar' } },
      overrides: [{ clusterName: 'c1', clusterOverrides: [{ path: '/data/foo', value: 'x' }] }],
    });
    const before = cloneJson(fed);
    rendered(fed, configMap);
    assert.deepEqual(fed, before);
  });
  it('uses an empty template when there is none', () => {
    const fed = {
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: 'FederatedNamespace',
      metadata: { name: 'ns1', namespace: 'ns1' },
      spec: {},
    };
    assert.deepEqual(rendered(fed, namespace), {
      metadata: { name: 'ns1', labels: { 'kubefed.io/managed': 'true' } },
      kind: 'Namespace',
      apiVersion: 'v1',
    });
    assert.equal(
      rendered({ metadata: { name: 'ns1', namespace: 'ns1' } }, namespace).kind,
      'Namespace',
    );
  });
  it('never sets a namespace on the namespace type, and keeps a template one', () => {
    const fed = {
      metadata: { name: 'ns1', namespace: 'ns1' },
      spec: { template: { metadata: { namespace: 'kept' } } },
    };
    assert.equal(rendered(fed, namespace).metadata?.namespace, 'kept');
    assert.equal(
      rendered(fed, namespace, 'c1', { targetIsNamespace: false }).metadata?.namespace,
      'ns1',
    );
  });
  it('overwrites the template name and namespace, and removes them when the federated object has none', () => {
    const fed = {
      metadata: { name: 'admin' },
      spec: { template: { metadata: { name: 'other', namespace: 'other' } } },
    };
    const out = rendered(fed, {
      kind: 'ClusterRole',
      group: 'rbac.authorization.k8s.io',
      version: 'v1',
    });
    assert.deepEqual(out.metadata, { name: 'admin', labels: { 'kubefed.io/managed': 'true' } });
    assert.equal(out.apiVersion, 'rbac.authorization.k8s.io/v1');
  });
  it('forces the kind and keeps a template apiVersion', () => {
    const fed = fedObject({ template: { kind: 'Other', apiVersion: 'extensions/v1beta1' } });
    const out = rendered(fed, { kind: 'Ingress', group: 'networking.k8s.io', version: 'v1' });
    assert.equal(out.kind, 'Ingress');
    assert.equal(out.apiVersion, 'extensions/v1beta1');
  });
  it('emits v1, not /v1, for core types without a template apiVersion', () => {
    assert.equal(rendered(fedObject({ template: { apiVersion: '' } }), configMap).apiVersion, 'v1');
    const pod = { kind: 'Pod', group: '', version: 'v1' };
    assert.equal(rendered(fedObject({ template: {} }), pod).apiVersion, 'v1');
    assert.equal(rendered(fedObject({ template: {} }), deployment).apiVersion, 'apps/v1');
  });
  it('drops template annotations and finalizers with warnings', () => {
    const fed = fedObject({
      template: { metadata: { annotations: { a: 'b' }, finalizers: ['f'] } },
    });
    const result = render(fed, configMap);
    assert.ok(result.ok);
    assert.deepEqual(result.object.metadata, {
      name: 'cfg',
      namespace: 'demo',
      labels: { 'kubefed.io/managed': 'true' },
    });
    assert.deepEqual(result.warnings, [
      {
        reason: 'AnnotationsNotSupported',
        message: templateFieldNotSupportedMessage('annotations'),
      },
      { reason: 'FinalizersNotSupported', message: templateFieldNotSupportedMessage('finalizers') },
    ]);
    assert.equal(
      templateFieldNotSupportedMessage('annotations'),
      'metadata.annotations cannot be set via template to avoid conflicting with controllers in member clusters. Consider using an override to add or remove elements from this collection.',
    );
    assert.deepEqual(templateWarnings(fed), result.warnings);
  });
  it('keeps empty annotations and finalizers without warnings', () => {
    const fed = fedObject({ template: { metadata: { annotations: {}, finalizers: [] } } });
    const result = render(fed, configMap);
    assert.ok(result.ok);
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(result.object.metadata?.annotations, {});
  });
  it('lets overrides add annotations', () => {
    const fed = fedObject({
      template: {},
      overrides: [
        {
          clusterName: 'c1',
          clusterOverrides: [{ op: 'add', path: '/metadata/annotations', value: { a: 'b' } }],
        },
      ],
    });
    assert.deepEqual(rendered(fed, configMap).metadata?.annotations, { a: 'b' });
  });
  it('applies only the cluster’s own overrides', () => {
    const fed = fedObject({
      template: { spec: { replicas: 1 } },
      overrides: [
        { clusterName: 'c1', clusterOverrides: [{ path: '/spec/replicas', value: 5 }] },
        { clusterName: 'c2', clusterOverrides: [{ path: '/spec/replicas', value: 7 }] },
      ],
    });
    assert.equal((rendered(fed, deployment, 'c1').spec as { replicas: number }).replicas, 5);
    assert.equal((rendered(fed, deployment, 'c2').spec as { replicas: number }).replicas, 7);
    assert.equal((rendered(fed, deployment, 'c3').spec as { replicas: number }).replicas, 1);
  });
  it('overrides may change apiVersion per cluster', () => {
    const fed = fedObject({
      template: {},
      overrides: [
        {
          clusterName: 'old',
          clusterOverrides: [{ path: '/apiVersion', value: 'extensions/v1beta1' }],
        },
      ],
    });
    assert.equal(
      rendered(fed, { kind: 'Ingress', group: 'networking.k8s.io', version: 'v1' }, 'old')
        .apiVersion,
      'extensions/v1beta1',
    );
  });
  it('forces the managed label even when an override removes it', () => {
    const fed = fedObject({
      template: { metadata: { labels: { a: 'b' } } },
      overrides: [
        { clusterName: 'c1', clusterOverrides: [{ op: 'remove', path: '/metadata/labels' }] },
      ],
    });
    assert.deepEqual(rendered(fed, configMap).metadata?.labels, { 'kubefed.io/managed': 'true' });
    const falseLabel = fedObject({
      template: { metadata: { labels: { 'kubefed.io/managed': 'false' } } },
    });
    assert.deepEqual(rendered(falseLabel, configMap).metadata?.labels, {
      'kubefed.io/managed': 'true',
    });
  });
  it('retains live fields before overrides on the update path', () => {
    const fed = fedObject({
      template: { spec: { ports: [{ name: 'http', protocol: 'TCP', port: 80 }] } },
      overrides: [
        { clusterName: 'c1', clusterOverrides: [{ path: '/spec/clusterIP', value: '10.9.9.9' }] },
      ],
    });
    const live = {
      metadata: { resourceVersion: '5', annotations: { x: 'y' } },
      spec: {
        clusterIP: '10.0.0.1',
        ports: [{ name: 'http', protocol: 'TCP', port: 80, nodePort: 30001 }],
      },
    };
    const out = rendered(fed, { kind: 'Service', version: 'v1' }, 'c1', { live });
    assert.deepEqual(out.spec, {
      ports: [{ name: 'http', protocol: 'TCP', port: 80, nodePort: 30001 }],
      clusterIP: '10.9.9.9',
    });
    assert.equal(out.metadata?.resourceVersion, '5');
    assert.deepEqual(out.metadata.annotations, { x: 'y' });
  });
  it('does not retain on the create path', () => {
    const out = rendered(fedObject({ template: {} }), configMap);
    assert.equal(out.metadata?.resourceVersion, undefined);
  });
});

describe('renderMemberObject failures', () => {
  it('ComputeResourceFailed for a template that is not an object', () => {
    for (const template of [null, 'x', [1]]) {
      const result = render(fedObject({ template }), configMap);
      assert.equal(
        result.ok ? '' : result.status,
        'ComputeResourceFailed',
        JSON.stringify(template),
      );
    }
    const result = render(fedObject({ template: { metadata: 'x' } }), configMap);
    assert.equal(result.ok ? '' : result.status, 'ComputeResourceFailed');
  });
  it('FieldRetentionFailed for unusable live fields', () => {
    const result = render(fedObject({ template: {} }), { kind: 'Service', version: 'v1' }, 'c1', {
      live: { spec: { clusterIP: 1 } },
    });
    assert.equal(result.ok ? '' : result.status, 'FieldRetentionFailed');
  });
  it('ApplyOverridesFailed for every cluster when overrides do not parse', () => {
    const fed = fedObject({
      template: {},
      overrides: [{ clusterName: 'c1' }, { clusterName: 'c1' }],
    });
    for (const cluster of ['c1', 'c2']) {
      const result = render(fed, configMap, cluster);
      assert.equal(result.ok, false);
      assert.equal(result.status, 'ApplyOverridesFailed');
      assert.equal(
        result.error,
        'Error reading cluster overrides: cluster "c1" appears more than once',
      );
    }
  });
  it('ApplyOverridesFailed when the patch fails for that cluster only', () => {
    const fed = fedObject({
      template: {},
      overrides: [
        { clusterName: 'c1', clusterOverrides: [{ op: 'remove', path: '/data/missing' }] },
      ],
    });
    assert.equal(render(fed, configMap, 'c1').ok, false);
    assert.equal(render(fed, configMap, 'c2').ok, true);
  });
  it('ApplyOverridesFailed when an override makes metadata unusable', () => {
    const fed = fedObject({
      template: {},
      overrides: [{ clusterName: 'c1', clusterOverrides: [{ path: '/metadata', value: 'x' }] }],
    });
    const result = render(fed, configMap);
    assert.equal(result.ok ? '' : result.status, 'ApplyOverridesFailed');
  });
  it('keeps template warnings on failures', () => {
    const fed = fedObject({ template: { metadata: { finalizers: ['f'] } }, overrides: 'bad' });
    const result = render(fed, configMap);
    assert.equal(result.ok, false);
    assert.equal(result.warnings.length, 1);
  });
});

describe('the managed label', () => {
  const overridden = (path: string, value: unknown): KubeObject =>
    fedObject({
      template: { metadata: { labels: { app: 'x' } } },
      overrides: [{ clusterName: 'c1', clusterOverrides: [{ path, value }] }],
    });

  it('is forced after overrides, even when they remove every label', () => {
    assert.deepEqual(rendered(overridden('/metadata/labels', {}), configMap).metadata, {
      name: 'cfg',
      namespace: 'demo',
      labels: { 'kubefed.io/managed': 'true' },
    });
  });

  it('needs metadata to stay an object', () => {
    const result = render(overridden('/metadata', 5), configMap);
    assert.deepEqual(result.ok ? undefined : [result.status, result.error], [
      'ApplyOverridesFailed',
      'the overrides for cluster "c1" make metadata a number: it must stay a map',
    ]);
  });
});

describe('malformed input is refused, not repaired in silence', () => {
  const withOverride = (override: Record<string, unknown>, template: unknown = {}): KubeObject =>
    fedObject({ template, overrides: [{ clusterName: 'c1', clusterOverrides: [override] }] });
  const failure = (fed: KubeObject, options: RenderOptions = {}): [string, string] | undefined => {
    const result = render(fed, configMap, 'c1', options);
    return result.ok ? undefined : [result.status, result.error];
  };

  // KubeFed dropped every template label (Propagation=True) for these.
  for (const value of [true, 42, ['a'], 'x']) {
    it(`an override of /metadata/labels with ${JSON.stringify(value)}: ApplyOverridesFailed`, () => {
      const fed = withOverride(
        { path: '/metadata/labels', value },
        { metadata: { labels: { app: 'x' } } },
      );
      const result = failure(fed);
      assert.equal(result?.[0], 'ApplyOverridesFailed');
      assert.match(
        result[1],
        /^the overrides for cluster "c1" make metadata\.labels a (boolean|number|list|string): it must be a map of strings to strings$/,
      );
      // Only that cluster fails.
      assert.equal(render(fed, configMap, 'c2').ok, true);
    });
  }

  it('a label or annotation value that is not a string, from an override', () => {
    assert.deepEqual(failure(withOverride({ path: '/metadata/labels', value: { a: 1 } })), [
      'ApplyOverridesFailed',
      'the overrides for cluster "c1" make metadata.labels["a"] a number: labels values must be strings (quote it in YAML)',
    ]);
    assert.deepEqual(
      failure(withOverride({ op: 'add', path: '/metadata/annotations', value: { 'x/y': false } })),
      [
        'ApplyOverridesFailed',
        'the overrides for cluster "c1" make metadata.annotations["x/y"] a boolean: annotations values must be strings (quote it in YAML)',
      ],
    );
  });

  it('finalizers that are not a list of strings, from an override', () => {
    assert.equal(
      failure(withOverride({ path: '/metadata/finalizers', value: [1] }))?.[1],
      'the overrides for cluster "c1" make metadata.finalizers a list: it must be a list of strings',
    );
  });

  it('a template label that is not a string: ComputeResourceFailed in every cluster', () => {
    const fed = fedObject({ template: { metadata: { labels: { app: 'x', replicas: 3 } } } });
    for (const cluster of ['c1', 'c2']) {
      const result = render(fed, configMap, cluster);
      assert.deepEqual(result.ok ? undefined : [result.status, result.error], [
        'ComputeResourceFailed',
        'spec.template.metadata.labels["replicas"] is a number: labels values must be strings (quote it in YAML)',
      ]);
    }
    assert.equal(
      failure(fedObject({ template: { metadata: { labels: 'app=x' } } }))?.[1],
      'spec.template.metadata.labels is a string: it must be a map of strings to strings',
    );
  });

  it('overrides may not rename, move or retype the object through /metadata or the whole document', () => {
    assert.deepEqual(
      failure(withOverride({ path: '/metadata', value: { name: 'other', namespace: 'demo' } })),
      [
        'ApplyOverridesFailed',
        'the overrides for cluster "c1" make metadata.name "other": overrides may not change it (it is "cfg")',
      ],
    );
    assert.deepEqual(failure(withOverride({ path: '/metadata', value: { name: 'cfg' } })), [
      'ApplyOverridesFailed',
      'the overrides for cluster "c1" make metadata.namespace null: overrides may not change it (it is "demo")',
    ]);
    // `/metadata` itself stays allowed when it keeps the identity.
    assert.deepEqual(
      rendered(
        withOverride({
          path: '/metadata',
          value: { name: 'cfg', namespace: 'demo', labels: { a: 'b' } },
        }),
        configMap,
      ).metadata,
      { name: 'cfg', namespace: 'demo', labels: { a: 'b', 'kubefed.io/managed': 'true' } },
    );
  });

  it('the per-cluster override checks of parseOverrides fail that cluster only', () => {
    const fed = withOverride({ path: 'data/foo', value: 'x' });
    assert.deepEqual(failure(fed), [
      'ApplyOverridesFailed',
      'spec.overrides[0].clusterOverrides[0] (path "data/foo"): the path must be a JSON pointer starting with "/", e.g. "/data/foo"',
    ]);
    assert.equal(render(fed, configMap, 'c2').ok, true);
  });
});

describe('retained annotations and overrides of the whole map', () => {
  // KubeFed's own sample (example/sample1/federateddeployment.yaml), for cluster c1.
  const sample = fedObject({
    template: { spec: { replicas: 3 } },
    overrides: [
      {
        clusterName: 'c1',
        clusterOverrides: [
          { path: '/spec/replicas', value: 5 },
          { path: '/metadata/annotations', op: 'add', value: { foo: 'bar' } },
          { path: '/metadata/annotations/foo', op: 'remove' },
        ],
      },
    ],
  });
  const live: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'cfg',
      namespace: 'demo',
      resourceVersion: '7',
      annotations: { 'deployment.kubernetes.io/revision': '1', keep: 'me' },
    },
  };

  it('keeps what the member’s controllers set when an override replaces the map (no endless update)', () => {
    const object = rendered(sample, deployment, 'c1', { live });
    assert.deepEqual(object.metadata?.annotations, {
      'deployment.kubernetes.io/revision': '1',
      keep: 'me',
    });
    assert.equal((object['spec'] as { replicas: number }).replicas, 5);
  });

  it('creates with the override’s annotations only', () => {
    assert.deepEqual(rendered(sample, deployment, 'c1').metadata?.annotations, {});
  });

  it('an override still sets a retained key, and removes one it names', () => {
    const fed = fedObject({
      template: {},
      overrides: [
        {
          clusterName: 'c1',
          clusterOverrides: [
            { path: '/metadata/annotations/keep', op: 'remove' },
            { path: '/metadata/annotations/deployment.kubernetes.io~1revision', value: '9' },
          ],
        },
      ],
    });
    assert.deepEqual(rendered(fed, deployment, 'c1', { live }).metadata?.annotations, {
      'deployment.kubernetes.io/revision': '9',
    });
  });

  it('removing the whole map removes them all', () => {
    const fed = fedObject({
      template: {},
      overrides: [
        { clusterName: 'c1', clusterOverrides: [{ path: '/metadata/annotations', op: 'remove' }] },
      ],
    });
    assert.equal(rendered(fed, deployment, 'c1', { live }).metadata?.annotations, undefined);
  });

  it('unescapes ~1 and ~0 in a removed key', () => {
    const fed = fedObject({
      template: {},
      overrides: [
        {
          clusterName: 'c1',
          clusterOverrides: [
            { path: '/metadata/annotations/deployment.kubernetes.io~1revision', op: 'remove' },
          ],
        },
      ],
    });
    assert.deepEqual(rendered(fed, deployment, 'c1', { live }).metadata?.annotations, {
      keep: 'me',
    });
  });
});
