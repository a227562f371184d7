import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeObject } from '../../../src/cli/names.ts';
import {
  caBundleFor,
  clusterAdminRules,
  hostSecret,
  kubeFedCluster,
  leastPrivilegeRules,
  memberObjects,
  parseRbacMode,
  planJoin,
  reconcileExisting,
  sameClusterSpec,
  targetTypesOf,
  validateJoinNames,
} from '../../../src/cli/join/plan.ts';
import type { TargetType } from '../../../src/cli/join/plan.ts';

const ns = 'kube-federation-system';
/** The propagation verbs, spelled out: no `*`, so no escalate, bind or impersonate. */
const rw = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

function ftc(group: string | undefined, pluralName: string, scope: string) {
  return {
    kind: 'FederatedTypeConfig',
    metadata: { name: group ? `${pluralName}.${group}` : pluralName, namespace: ns },
    spec: {
      targetType: {
        ...(group !== undefined ? { group } : {}),
        version: 'v1',
        kind: 'X',
        pluralName,
        scope,
      },
    },
  };
}

describe('join names', () => {
  it('refuses names Kubernetes would refuse, before anything is sent', () => {
    assert.doesNotThrow(() => validateJoinNames('member1', 'host'));
    assert.doesNotThrow(() => validateJoinNames('eu.west-1', 'kind-host'));
    assert.throws(() => validateJoinNames('Member1', 'host'), /invalid cluster name "Member1"/);
    assert.throws(() => validateJoinNames('-a', 'host'), /invalid cluster name/);
    assert.throws(
      () => validateJoinNames('member1', 'Kind_Host'),
      /service account name "member1-Kind_Host" .* pass --host-cluster-name/,
    );
  });

  it('parses --rbac', () => {
    assert.equal(parseRbacMode('cluster-admin'), 'cluster-admin');
    assert.equal(parseRbacMode('least-privilege'), 'least-privilege');
    assert.throws(() => parseRbacMode('admin'), {
      message: 'invalid --rbac "admin": use cluster-admin or least-privilege',
    });
  });
});

describe('join plan, scope Cluster', () => {
  const plan = planJoin({
    clusterName: 'member1',
    hostClusterName: 'host',
    namespace: ns,
    scope: 'Cluster',
    rbac: 'cluster-admin',
  });

  it('creates namespace, service account, token Secret, ClusterRole and binding, in that order', () => {
    assert.deepEqual(
      memberObjects(plan).map((p) => describeObject(p.object)),
      [
        'Namespace kube-federation-system',
        'ServiceAccount kube-federation-system/member1-host',
        'Secret kube-federation-system/member1-host',
        'ClusterRole kubefed-controller-manager:member1-host',
        'ClusterRoleBinding kubefed-controller-manager:member1-host',
      ],
    );
    assert.deepEqual(
      memberObjects(plan).map((p) => p.ref.resource),
      ['namespaces', 'serviceaccounts', 'secrets', 'clusterroles', 'clusterrolebindings'],
    );
    assert.equal(plan.serviceAccountName, 'member1-host');
    assert.deepEqual(plan.skippedTargetTypes, []);
  });

  it('writes the exact objects KubeFed v0.10 writes', () => {
    assert.deepEqual(plan.namespace.object, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns },
    });
    assert.deepEqual(plan.serviceAccount.object, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'member1-host',
        namespace: ns,
        annotations: { 'kubernetes.io/enforce-mountable-secrets': 'true' },
      },
      automountServiceAccountToken: false,
    });
    assert.deepEqual(plan.tokenSecret.object, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'member1-host',
        namespace: ns,
        annotations: { 'kubernetes.io/service-account.name': 'member1-host' },
      },
      type: 'kubernetes.io/service-account-token',
    });
    assert.deepEqual(
      plan.rbac.map((p) => p.object),
      [
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          metadata: { name: 'kubefed-controller-manager:member1-host' },
          rules: [
            { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
            { verbs: ['get'], nonResourceURLs: ['*'] },
          ],
        },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name: 'kubefed-controller-manager:member1-host' },
          roleRef: {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'ClusterRole',
            name: 'kubefed-controller-manager:member1-host',
          },
          subjects: [{ kind: 'ServiceAccount', name: 'member1-host', namespace: ns }],
        },
      ],
    );
  });

  it('gives cluster-admin-like access by default, and ignores target types then', () => {
    const withTypes = planJoin({
      clusterName: 'member1',
      hostClusterName: 'host',
      namespace: ns,
      scope: 'Cluster',
      rbac: 'cluster-admin',
      targetTypes: [{ group: 'apps', pluralName: 'deployments', scope: 'Namespaced' }],
    });
    assert.deepEqual(withTypes.rbac[0]?.object['rules'], clusterAdminRules());
  });

  it('with least privilege, grants only the federated types, namespaces and health checks', () => {
    const lp = planJoin({
      clusterName: 'member1',
      hostClusterName: 'host',
      namespace: ns,
      scope: 'Cluster',
      rbac: 'least-privilege',
      targetTypes: [
        { group: '', pluralName: 'configmaps', scope: 'Namespaced' },
        { group: 'rbac.authorization.k8s.io', pluralName: 'clusterroles', scope: 'Cluster' },
      ],
    });
    assert.deepEqual(
      lp.rbac.map((p) => p.object.kind),
      ['ClusterRole', 'ClusterRoleBinding'],
    );
    assert.deepEqual(lp.rbac[0]?.object['rules'], [
      { verbs: rw, apiGroups: [''], resources: ['configmaps', 'namespaces'] },
      { verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version'] },
      { verbs: ['list'], apiGroups: [''], resources: ['nodes'] },
    ]);
    assert.deepEqual(lp.withheldRbacTypes, ['clusterroles.rbac.authorization.k8s.io']);
    assert.equal(lp.secretsInEveryNamespace, false);
  });
});

describe('join plan, scope Namespaced', () => {
  const plan = planJoin({
    clusterName: 'member1',
    hostClusterName: 'host',
    namespace: 'team-a',
    scope: 'Namespaced',
    rbac: 'cluster-admin',
  });
  const health = 'kubefed-controller-manager:team-a:healthcheck-member1-host';

  it('creates a Role and RoleBinding in KFNS, and the health-check ClusterRole and binding', () => {
    assert.deepEqual(
      memberObjects(plan).map((p) => describeObject(p.object)),
      [
        'Namespace team-a',
        'ServiceAccount team-a/member1-host',
        'Secret team-a/member1-host',
        'Role team-a/kubefed-controller-manager:member1-host',
        'RoleBinding team-a/kubefed-controller-manager:member1-host',
        `ClusterRole ${health}`,
        `ClusterRoleBinding ${health}`,
      ],
    );
  });

  it('writes the shipped rules, capital-G Get included', () => {
    const [role, binding, healthRole, healthBinding] = plan.rbac.map((p) => p.object);
    assert.deepEqual(role, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'kubefed-controller-manager:member1-host', namespace: 'team-a' },
      rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
    });
    assert.deepEqual(binding, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'kubefed-controller-manager:member1-host', namespace: 'team-a' },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: 'kubefed-controller-manager:member1-host',
      },
      subjects: [{ kind: 'ServiceAccount', name: 'member1-host', namespace: 'team-a' }],
    });
    assert.deepEqual(healthRole, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: health },
      rules: [
        { verbs: ['Get'], nonResourceURLs: ['/healthz'] },
        { verbs: ['list'], apiGroups: [''], resources: ['nodes'] },
      ],
    });
    assert.deepEqual(healthBinding?.['roleRef'], {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: health,
    });
    assert.ok(healthBinding);
    assert.deepEqual(healthBinding['subjects'], [
      { kind: 'ServiceAccount', name: 'member1-host', namespace: 'team-a' },
    ]);
  });

  it('with least privilege, the Role holds the namespaced types; cluster-scoped ones are skipped', () => {
    const lp = planJoin({
      clusterName: 'member1',
      hostClusterName: 'host',
      namespace: 'team-a',
      scope: 'Namespaced',
      rbac: 'least-privilege',
      targetTypes: [
        { group: 'apps', pluralName: 'deployments', scope: 'Namespaced' },
        { group: '', pluralName: 'namespaces', scope: 'Cluster' },
        { group: 'rbac.authorization.k8s.io', pluralName: 'clusterroles', scope: 'Cluster' },
      ],
    });
    assert.deepEqual(lp.rbac[0]?.object['rules'], [
      { verbs: rw, apiGroups: [''], resources: ['namespaces'] },
      { verbs: rw, apiGroups: ['apps'], resources: ['deployments'] },
      { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] },
    ]);
    assert.deepEqual(lp.rbac[2]?.object['rules'], [
      { verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version'] },
      { verbs: ['list'], apiGroups: [''], resources: ['nodes'] },
    ]);
    assert.deepEqual(lp.skippedTargetTypes, ['clusterroles.rbac.authorization.k8s.io']);
  });
});

describe('least-privilege rules', () => {
  const t = (
    group: string,
    pluralName: string,
    scope: 'Cluster' | 'Namespaced' = 'Namespaced',
  ): TargetType => ({
    group,
    pluralName,
    scope,
  });

  it('always grants namespaces, even without any federated type', () => {
    assert.deepEqual(leastPrivilegeRules([], 'Cluster').rules, [
      { verbs: rw, apiGroups: [''], resources: ['namespaces'] },
      { verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version'] },
      { verbs: ['list'], apiGroups: [''], resources: ['nodes'] },
    ]);
    assert.deepEqual(leastPrivilegeRules([], 'Namespaced').rules, [
      { verbs: rw, apiGroups: [''], resources: ['namespaces'] },
    ]);
  });

  it('groups resources by API group, sorted, without duplicates', () => {
    const { rules } = leastPrivilegeRules(
      [
        t('networking.k8s.io', 'ingresses'),
        t('', 'secrets'),
        t('apps', 'statefulsets'),
        t('', 'configmaps'),
        t('', 'namespaces', 'Cluster'),
        t('', 'secrets'),
        t('batch', 'jobs'),
      ],
      'Cluster',
    );
    assert.deepEqual(rules.slice(0, 4), [
      { verbs: rw, apiGroups: [''], resources: ['configmaps', 'namespaces', 'secrets'] },
      { verbs: rw, apiGroups: ['apps'], resources: ['statefulsets'] },
      { verbs: rw, apiGroups: ['batch'], resources: ['jobs'] },
      { verbs: rw, apiGroups: ['networking.k8s.io'], resources: ['ingresses'] },
    ]);
  });

  it('never grants a wildcard or a special verb, and leaves RBAC types out in both scopes', () => {
    const rbacTypes = [
      t('rbac.authorization.k8s.io', 'clusterroles', 'Cluster'),
      t('rbac.authorization.k8s.io', 'clusterrolebindings', 'Cluster'),
      t('rbac.authorization.k8s.io', 'roles'),
      t('rbac.authorization.k8s.io', 'rolebindings'),
    ];
    const types = [...rbacTypes, t('', 'serviceaccounts'), t('apps', 'deployments')];
    for (const scope of ['Cluster', 'Namespaced'] as const) {
      const { rules, withheldRbac } = leastPrivilegeRules(types, scope);
      for (const rule of rules) {
        assert.ok(!rule.apiGroups?.includes('rbac.authorization.k8s.io'), scope);
        assert.ok(!rule.apiGroups?.includes('*') && !rule.resources?.includes('*'), scope);
        for (const verb of rule.verbs) {
          assert.ok(!['*', 'escalate', 'bind', 'impersonate'].includes(verb), `${scope} ${verb}`);
        }
      }
      assert.deepEqual(
        withheldRbac,
        scope === 'Cluster'
          ? [
              'clusterrolebindings.rbac.authorization.k8s.io',
              'clusterroles.rbac.authorization.k8s.io',
              'rolebindings.rbac.authorization.k8s.io',
              'roles.rbac.authorization.k8s.io',
            ]
          : ['rolebindings.rbac.authorization.k8s.io', 'roles.rbac.authorization.k8s.io'],
      );
    }
  });

  it('grants Secrets only when they are federated; in every namespace only with scope Cluster', () => {
    const without = leastPrivilegeRules([t('', 'configmaps')], 'Cluster');
    assert.ok(!without.rules.some((r) => r.resources?.includes('secrets')));
    assert.equal(without.secretsInEveryNamespace, false);
    const cluster = leastPrivilegeRules([t('', 'secrets')], 'Cluster');
    assert.deepEqual(cluster.rules[0], {
      verbs: rw,
      apiGroups: [''],
      resources: ['namespaces', 'secrets'],
    });
    assert.equal(cluster.secretsInEveryNamespace, true);
    // A Namespaced control plane's Role covers its own namespace only.
    assert.equal(
      leastPrivilegeRules([t('', 'secrets')], 'Namespaced').secretsInEveryNamespace,
      false,
    );
  });

  it('lets the scheduler read pods when Deployments or ReplicaSets are federated', () => {
    for (const plural of ['deployments', 'replicasets']) {
      const { rules } = leastPrivilegeRules([t('apps', plural)], 'Cluster');
      assert.ok(
        rules.some((r) => r.resources?.includes('pods') && r.verbs.join() === 'get,list,watch'),
        plural,
      );
    }
    const { rules } = leastPrivilegeRules([t('apps', 'statefulsets')], 'Cluster');
    assert.ok(!rules.some((r) => r.resources?.includes('pods')));
  });

  it('lets the ServiceDNS controller read EndpointSlices when Services are federated', () => {
    const { rules } = leastPrivilegeRules([t('', 'services')], 'Namespaced');
    assert.deepEqual(
      rules.find((r) => r.resources?.includes('endpointslices')),
      {
        verbs: ['get', 'list', 'watch'],
        apiGroups: ['discovery.k8s.io'],
        resources: ['endpointslices'],
      },
    );
    const without = leastPrivilegeRules([t('', 'configmaps')], 'Namespaced').rules;
    assert.ok(!without.some((r) => r.resources?.includes('endpointslices')));
  });

  it('does not narrow pods or nodes that a federated type already grants fully', () => {
    const { rules } = leastPrivilegeRules(
      [t('apps', 'deployments'), t('', 'pods'), t('', 'nodes', 'Cluster')],
      'Cluster',
    );
    assert.deepEqual(rules, [
      { verbs: rw, apiGroups: [''], resources: ['namespaces', 'nodes', 'pods'] },
      { verbs: rw, apiGroups: ['apps'], resources: ['deployments'] },
      { verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version'] },
    ]);
  });

  it('reads target types from FederatedTypeConfigs, skipping malformed ones', () => {
    assert.deepEqual(
      targetTypesOf([
        ftc('apps', 'deployments', 'Namespaced'),
        ftc(undefined, 'configmaps', 'Namespaced'),
        ftc('', 'namespaces', 'Cluster'),
        { metadata: { name: 'broken' } },
        { spec: { targetType: { kind: 'NoPlural' } } },
        { spec: 'nonsense' },
      ]),
      [
        { group: 'apps', pluralName: 'deployments', scope: 'Namespaced' },
        { group: '', pluralName: 'configmaps', scope: 'Namespaced' },
        { group: '', pluralName: 'namespaces', scope: 'Cluster' },
      ],
    );
  });
});

describe('join host objects', () => {
  it('stores the token in an Opaque Secret, generated <cluster>-xxxxx unless named', () => {
    assert.deepEqual(hostSecret({ clusterName: 'member1', namespace: ns, token: 'dG9r' }), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { generateName: 'member1-', namespace: ns },
      type: 'Opaque',
      data: { token: 'dG9r' },
    });
    assert.deepEqual(hostSecret({ clusterName: 'member1', namespace: ns, name: 'creds' }), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: ns },
      type: 'Opaque',
    });
    assert.equal(
      describeObject(hostSecret({ clusterName: 'member1', namespace: ns })),
      'Secret kube-federation-system/member1-<generated>',
    );
  });

  it('takes the CA from the kubeconfig first, else from the token Secret', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n';
    const base64 = Buffer.from(pem).toString('base64');
    assert.equal(caBundleFor({ server: 's', caData: pem }, 'ZnJvbS1zZWNyZXQ='), base64);
    assert.equal(caBundleFor({ server: 's' }, 'ZnJvbS1zZWNyZXQ='), 'ZnJvbS1zZWNyZXQ=');
    assert.equal(caBundleFor({ server: 's' }, ''), undefined);
    assert.equal(caBundleFor({ server: 's' }, undefined), undefined);
  });

  it('creates the KubeFedCluster with the kubeconfig server, CA and secret', () => {
    assert.deepEqual(
      kubeFedCluster({
        clusterName: 'member1',
        namespace: ns,
        endpoint: { server: 'https://10.0.0.1:6443' },
        secretName: 'member1-abcde',
        caBundle: 'Q0E=',
      }),
      {
        apiVersion: 'core.kubefed.io/v1beta1',
        kind: 'KubeFedCluster',
        metadata: { name: 'member1', namespace: ns },
        spec: {
          apiEndpoint: 'https://10.0.0.1:6443',
          caBundle: 'Q0E=',
          secretRef: { name: 'member1-abcde' },
          proxyURL: '',
        },
      },
    );
  });

  it('disables TLS validation for an insecure context and keeps its proxy', () => {
    const cluster = kubeFedCluster({
      clusterName: 'edge',
      namespace: ns,
      endpoint: {
        server: '10.0.0.1:6443',
        insecureSkipTLSVerify: true,
        proxyUrl: 'socks5://proxy:1080',
      },
      secretName: 's',
      caBundle: undefined,
    });
    assert.deepEqual(cluster.spec, {
      apiEndpoint: '10.0.0.1:6443',
      secretRef: { name: 's' },
      disabledTLSValidations: ['*'],
      proxyURL: 'socks5://proxy:1080',
    });
  });

  it('sees whether an existing KubeFedCluster needs an update', () => {
    const desired = kubeFedCluster({
      clusterName: 'm',
      namespace: ns,
      endpoint: { server: 'https://a' },
      secretName: 's',
      caBundle: 'Q0E=',
    });
    const existing = {
      metadata: { name: 'm', resourceVersion: '7' },
      spec: { secretRef: { name: 's' }, caBundle: 'Q0E=', apiEndpoint: 'https://a' },
      status: { conditions: [] },
    };
    assert.ok(sameClusterSpec(existing, desired), 'proxyURL absent equals empty');
    assert.ok(
      !sameClusterSpec(
        { ...existing, spec: { ...existing.spec, apiEndpoint: 'https://b' } },
        desired,
      ),
    );
    assert.ok(
      !sameClusterSpec(
        { ...existing, spec: { ...existing.spec, disabledTLSValidations: ['*'] } },
        desired,
      ),
    );
    assert.ok(
      !sameClusterSpec(
        { ...existing, spec: { ...existing.spec, secretRef: { name: 'x' } } },
        desired,
      ),
    );
    assert.ok(!sameClusterSpec({}, desired));
  });

  it('--region and --zones: annotations on the KubeFedCluster, an update when they differ', () => {
    const desired = kubeFedCluster({
      clusterName: 'm',
      namespace: ns,
      endpoint: { server: 'https://a' },
      secretName: 's',
      annotations: { 'kubefed.io/region': 'r1', 'kubefed.io/zones': 'z1,z2' },
    });
    assert.deepEqual(desired.metadata?.annotations, {
      'kubefed.io/region': 'r1',
      'kubefed.io/zones': 'z1,z2',
    });
    const existing = {
      metadata: {
        name: 'm',
        annotations: { other: 'x', 'kubefed.io/region': 'r1' } as Record<string, string>,
      },
      spec: { secretRef: { name: 's' }, apiEndpoint: 'https://a' },
    };
    assert.ok(!sameClusterSpec(existing, desired), 'zones missing');
    existing.metadata.annotations['kubefed.io/zones'] = 'z1,z2';
    assert.ok(sameClusterSpec(existing, desired), 'other annotations are left alone');
    const without = kubeFedCluster({
      clusterName: 'm',
      namespace: ns,
      endpoint: { server: 'https://a' },
      secretName: 's',
    });
    assert.equal(without.metadata?.annotations, undefined);
    assert.ok(sameClusterSpec(existing, without), 'no flags: existing annotations stay');
  });
});

describe('join on existing objects (--error-on-existing=false)', () => {
  const plan = planJoin({
    clusterName: 'member1',
    hostClusterName: 'host',
    namespace: ns,
    scope: 'Cluster',
    rbac: 'cluster-admin',
  });
  const [role, binding] = plan.rbac.map((p) => p.object);
  assert.ok(role && binding);

  it('keeps roles and bindings that match, whatever the key order and server fields', () => {
    const serverRole = {
      ...role,
      metadata: { ...role.metadata, uid: 'u', resourceVersion: '5' },
      rules: [
        { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
        { nonResourceURLs: ['*'], verbs: ['get'] },
      ],
    };
    assert.deepEqual(reconcileExisting(role, serverRole), { action: 'keep' });
    assert.deepEqual(
      reconcileExisting(binding, { ...binding, metadata: { name: 'x', uid: 'u' } }),
      {
        action: 'keep',
      },
    );
  });

  it('updates the rules of a role, keeping the rest of the object', () => {
    const stale = { ...role, metadata: { ...role.metadata, resourceVersion: '5' }, rules: [] };
    assert.deepEqual(reconcileExisting(role, stale), {
      action: 'update',
      object: { ...stale, rules: role['rules'] },
    });
  });

  it('updates the subjects of a binding, and re-creates one bound to another role', () => {
    const otherSubjects = { ...binding, subjects: [{ kind: 'User', name: 'bob' }] };
    assert.deepEqual(reconcileExisting(binding, otherSubjects), {
      action: 'update',
      object: { ...otherSubjects, subjects: binding['subjects'] },
    });
    const otherRole = {
      ...binding,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    };
    assert.deepEqual(reconcileExisting(binding, otherRole), { action: 'recreate' });
  });

  it('keeps the namespace, service account and token Secret as they are', () => {
    for (const planned of [plan.namespace, plan.serviceAccount, plan.tokenSecret]) {
      assert.deepEqual(reconcileExisting(planned.object, { metadata: { name: 'x' } }), {
        action: 'keep',
      });
    }
  });
});
