import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResourceScope } from '../../../src/apis/constants.ts';
import { generateTypeConfig } from '../../../src/federation/api-generation/type-config.ts';
import type { TargetAPIResource } from '../../../src/federation/api-generation/type-config.ts';
import { runCli } from '../../../src/cli/cli.ts';
import type { CliIO } from '../../../src/cli/command.ts';
import {
  contentSkipReason,
  contentTypes,
  convertOffline,
  federatedObjectFromTarget,
  isMadeInCluster,
  parseSkipList,
  parseTargetObjects,
  targetTypeOfObject,
  templateOf,
} from '../../../src/cli/federate/conversion.ts';

function target(
  group: string,
  kind: string,
  pluralName: string,
  scope: ResourceScope = ResourceScope.Namespaced,
  shortNames: string[] = [],
): TargetAPIResource {
  return {
    group,
    version: 'v1',
    kind,
    pluralName,
    singularName: kind.toLowerCase(),
    scope,
    shortNames,
  };
}

const configMaps = target('', 'ConfigMap', 'configmaps', ResourceScope.Namespaced, ['cm']);
const namespaces = target('', 'Namespace', 'namespaces', ResourceScope.Cluster, ['ns']);
const services = target('', 'Service', 'services', ResourceScope.Namespaced, ['svc']);
const serviceAccounts = target('', 'ServiceAccount', 'serviceaccounts');
const deployments = { ...target('apps', 'Deployment', 'deployments'), shortNames: ['deploy'] };

const serverConfigMap = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: 'web',
    namespace: 'shop',
    uid: 'u-1',
    resourceVersion: '42',
    creationTimestamp: '2026-01-01T00:00:00Z',
    labels: { app: 'web' },
    annotations: { note: 'x' },
    managedFields: [{ manager: 'kubectl' }],
  },
  data: { a: 'b' },
};

describe('federatedObjectFromTarget', () => {
  it('builds the spec §13.6 shape: template without metadata but labels, all clusters', () => {
    const { federated, warnings } = federatedObjectFromTarget(
      generateTypeConfig(configMaps, 'kube-federation-system'),
      serverConfigMap,
    );
    assert.deepEqual(federated, {
      apiVersion: 'types.kubefed.io/v1beta1',
      kind: 'FederatedConfigMap',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        template: { data: { a: 'b' }, metadata: { labels: { app: 'web' } } },
        placement: { clusterSelector: { matchLabels: {} } },
      },
    });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /annotations of ConfigMap "shop\/web".*note/);
  });

  it('does not change its input', () => {
    const copy = structuredClone(serverConfigMap);
    federatedObjectFromTarget(generateTypeConfig(configMaps, 'kfns'), copy);
    assert.deepEqual(copy, serverConfigMap);
  });

  it('puts a FederatedNamespace in its own namespace and drops spec.finalizers and status', () => {
    const { federated } = federatedObjectFromTarget(generateTypeConfig(namespaces, 'kfns'), {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'shop' },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
    assert.deepEqual(federated.metadata, { name: 'shop', namespace: 'shop' });
    assert.deepEqual(federated.spec.template, { spec: {} });
  });

  it('drops Service clusterIP(s) and nodePorts, and ServiceAccount secrets', () => {
    const svc = federatedObjectFromTarget(generateTypeConfig(services, 'kfns'), {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', namespace: 'n' },
      spec: {
        clusterIP: '10.0.0.1',
        clusterIPs: ['10.0.0.1'],
        type: 'NodePort',
        ports: [{ port: 80, nodePort: 30080 }],
      },
    }).federated;
    assert.deepEqual(svc.spec.template, { spec: { type: 'NodePort', ports: [{ port: 80 }] } });
    const sa = federatedObjectFromTarget(generateTypeConfig(serviceAccounts, 'kfns'), {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: 'n' },
      secrets: [{ name: 'default-token' }],
      automountServiceAccountToken: false,
    }).federated;
    assert.deepEqual(sa.spec.template, { automountServiceAccountToken: false });
  });

  it('uses the federated group and version of the FTC', () => {
    const ftc = generateTypeConfig(deployments, 'kfns', {
      federatedGroup: 'types.example.com',
      federatedVersion: 'v1',
    });
    const { federated } = federatedObjectFromTarget(ftc, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', namespace: 'n' },
    });
    assert.equal(federated.apiVersion, 'types.example.com/v1');
    assert.equal(federated.kind, 'FederatedDeployment');
  });

  it('leaves no metadata in the template when the target has no labels', () => {
    assert.deepEqual(
      templateOf({ apiVersion: 'v1', kind: 'X', metadata: { name: 'a' }, data: 1 }),
      {
        data: 1,
      },
    );
  });
});

describe('offline conversion', () => {
  it('reads multi-document YAML and List items', () => {
    const objects = parseTargetObjects(
      [
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: n}\n',
        '',
        'apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: d, namespace: n}\n',
      ].join('---\n'),
      'f.yaml',
    );
    assert.deepEqual(
      objects.map((o) => o.kind),
      ['ConfigMap', 'Deployment'],
    );
  });

  it('rejects objects without kind or name, naming the document', () => {
    assert.throws(
      () => parseTargetObjects('apiVersion: v1\nkind: ConfigMap\n', 'f.yaml'),
      /f\.yaml: document 1: ConfigMap has no metadata\.name/,
    );
    assert.throws(
      () => parseTargetObjects('metadata: {name: a}\n', 'stdin'),
      /stdin: document 1: the object has no apiVersion or kind/,
    );
  });

  it('guesses the type from the object: naive plural, namespaced iff it has a namespace', () => {
    assert.deepEqual(
      targetTypeOfObject({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'i', namespace: 'n' },
      }),
      {
        group: 'networking.k8s.io',
        version: 'v1',
        kind: 'Ingress',
        pluralName: 'ingresses',
        singularName: 'ingress',
        scope: ResourceScope.Namespaced,
        shortNames: [],
      },
    );
    assert.equal(
      targetTypeOfObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } }).scope,
      ResourceScope.Cluster,
    );
  });

  it('converts to types.kubefed.io/v1beta1', () => {
    const [conversion] = convertOffline([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    ]);
    assert.equal(conversion?.federated.apiVersion, 'types.kubefed.io/v1beta1');
    assert.equal(conversion.federated.kind, 'FederatedNamespace');
    assert.equal(conversion.federated.metadata?.namespace, 'shop');
  });
});

describe('namespace contents', () => {
  it('parses the skip list', () => {
    assert.deepEqual(parseSkipList(' secrets, ,apps,'), ['secrets', 'apps']);
    assert.deepEqual(parseSkipList(undefined), []);
  });

  it('skips cluster-scoped, extensions, federated, always-skipped and user-named types', () => {
    const events = target('', 'Event', 'events');
    const eventsK8s = target('events.k8s.io', 'Event', 'events');
    const fcm = target('types.kubefed.io', 'FederatedConfigMap', 'federatedconfigmaps');
    const pv = target('core.kubefed.io', 'PropagatedVersion', 'propagatedversions');
    const ing = target('extensions', 'Ingress', 'ingresses');
    assert.equal(contentSkipReason(namespaces, []), 'cluster-scoped');
    assert.equal(contentSkipReason(ing, []), 'deprecated group extensions');
    assert.equal(contentSkipReason(fcm, []), 'a federated type');
    for (const t of [events, eventsK8s, pv, target('', 'Endpoints', 'endpoints')]) {
      assert.equal(contentSkipReason(t, []), 'always skipped');
    }
    assert.equal(contentSkipReason(deployments, ['deploy']), '--skip-api-resources deploy');
    assert.equal(contentSkipReason(deployments, ['Deployment']), '--skip-api-resources Deployment');
    assert.equal(
      contentSkipReason(deployments, ['deployments.apps']),
      '--skip-api-resources deployments.apps',
    );
    assert.equal(contentSkipReason(deployments, ['apps']), '--skip-api-resources apps');
    assert.equal(contentSkipReason(configMaps, ['apps']), undefined);
    assert.deepEqual(contentTypes([configMaps, namespaces, deployments], ['cm']), [deployments]);
  });
});

describe('kubefedctl federate (flags)', () => {
  function io() {
    const out = { stdout: '', stderr: '' };
    const cli: CliIO = {
      stdout: (t) => void (out.stdout += t),
      stderr: (t) => void (out.stderr += t),
      env: { KUBECONFIG: '/nonexistent' },
    };
    return { out, cli };
  }

  it('refuses --enable-type with -o, and -f with arguments', async () => {
    const a = io();
    assert.equal(await runCli(['federate', 'cm', 'x', '-t', '-o', 'yaml'], a.cli), 1);
    assert.match(a.out.stderr, /--enable-type cannot be combined with --output/);
    const b = io();
    assert.equal(await runCli(['federate', 'cm', 'x', '-f', 'file.yaml'], b.cli), 1);
    assert.match(b.out.stderr, /takes no TYPE NAME/);
    const c = io();
    assert.equal(await runCli(['federate', 'cm', 'x', '-s', 'secrets'], c.cli), 1);
    assert.match(c.out.stderr, /--skip-api-resources is only valid with --contents/);
  });

  it('names a file it cannot read', async () => {
    const a = io();
    assert.equal(await runCli(['federate', '-f', '/nonexistent/x.yaml'], a.cli), 1);
    assert.match(a.out.stderr, /cannot read \/nonexistent\/x\.yaml: no such file/);
  });
});

describe('isMadeInCluster', () => {
  it('recognises what each cluster makes in every namespace', () => {
    assert.equal(isMadeInCluster('ConfigMap', { metadata: { name: 'kube-root-ca.crt' } }), true);
    assert.equal(isMadeInCluster('ConfigMap', { metadata: { name: 'app' } }), false);
    assert.equal(isMadeInCluster('ServiceAccount', { metadata: { name: 'default' } }), true);
    assert.equal(
      isMadeInCluster('Secret', {
        metadata: { name: 't' },
        type: 'kubernetes.io/service-account-token',
      }),
      true,
    );
    assert.equal(isMadeInCluster('Secret', { metadata: { name: 't' }, type: 'Opaque' }), false);
  });

  it('leaves out what a controller owns, not what merely has an owner', () => {
    const owned = (controller: boolean) => ({
      metadata: {
        name: 'web-5d9f',
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'u', controller },
        ],
      },
    });
    assert.equal(isMadeInCluster('Pod', owned(true)), true);
    assert.equal(isMadeInCluster('ConfigMap', owned(false)), false);
  });
});
