import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  clusterApiEndpoint,
  clusterSecretName,
  foreignRegistrationNamespace,
  healthCheckRoleName,
  hostClusterNameFor,
  roleName,
  serviceAccountName,
} from '../../../src/cli/registration.ts';

const ns = 'kube-federation-system';

describe('registration names', () => {
  it('names the service account <cluster>-<host> and the roles after it, as KubeFed does', () => {
    assert.equal(serviceAccountName('member1', 'host'), 'member1-host');
    assert.equal(roleName('member1-host'), 'kubefed-controller-manager:member1-host');
    assert.equal(
      healthCheckRoleName(ns, 'member1-host'),
      'kubefed-controller-manager:kube-federation-system:healthcheck-member1-host',
    );
  });

  it('takes the host name from --host-cluster-name, else from the host context', () => {
    assert.equal(hostClusterNameFor(undefined, 'host'), 'host');
    assert.equal(hostClusterNameFor('primary', 'arn:aws:eks:eu/x'), 'primary');
  });

  it('asks for --host-cluster-name when the host context contains "/" or ":"', () => {
    assert.throws(() => hostClusterNameFor(undefined, 'arn:aws:eks:eu-west-1:1:cluster/x'), {
      message:
        'the host cluster context "arn:aws:eks:eu-west-1:1:cluster/x" contains "/" or ":", which ' +
        'cannot be part of a service account name; name the host with --host-cluster-name',
    });
    assert.throws(() => hostClusterNameFor('a/b', 'host'), /invalid --host-cluster-name "a\/b"/);
    assert.throws(() => hostClusterNameFor('a:b', 'host'), /must not be empty or contain/);
    assert.throws(() => hostClusterNameFor('', 'host'), /must not be empty/);
  });
});

describe('a registration in the host', () => {
  it('reads the secret and endpoint of a KubeFedCluster', () => {
    const cluster = { spec: { apiEndpoint: 'https://a', secretRef: { name: 'member1-x' } } };
    assert.equal(clusterSecretName(cluster), 'member1-x');
    assert.equal(clusterApiEndpoint(cluster), 'https://a');
    assert.equal(clusterSecretName({ spec: { secretRef: { name: '' } } }), undefined);
    assert.equal(clusterSecretName({}), undefined);
    assert.equal(clusterApiEndpoint({ spec: 'x' }), undefined);
  });
});

describe('registrations of the same cluster with two control planes', () => {
  const binding = (...namespaces: string[]) => ({
    kind: 'ClusterRoleBinding',
    metadata: { name: 'kubefed-controller-manager:member1-host' },
    subjects: namespaces.map((namespace) => ({
      kind: 'ServiceAccount',
      name: 'member1-host',
      namespace,
    })),
  });

  it('sees a binding of the same service account name in another namespace as foreign', () => {
    assert.equal(foreignRegistrationNamespace(binding('team-a'), 'member1-host', ns), 'team-a');
  });

  it('sees its own binding, or one it cannot attribute, as not foreign', () => {
    assert.equal(foreignRegistrationNamespace(binding(ns), 'member1-host', ns), undefined);
    assert.equal(
      foreignRegistrationNamespace(binding('team-a', ns), 'member1-host', ns),
      undefined,
    );
    assert.equal(foreignRegistrationNamespace(binding(), 'member1-host', ns), undefined);
    assert.equal(foreignRegistrationNamespace({ metadata: {} }, 'member1-host', ns), undefined);
    assert.equal(
      foreignRegistrationNamespace(
        { subjects: [{ kind: 'User', name: 'member1-host', namespace: 'x' }] },
        'member1-host',
        ns,
      ),
      undefined,
    );
  });
});
