// `kubefedctl join --rbac least-privilege` on the sandbox, checked by acting as the member service
// account join creates: with its own token, against member1's apiserver, it is refused every
// escalation (SelfSubjectAccessReviews, as `kubectl auth can-i` sends them, and a server-side
// dry-run of widening its own ClusterRole), and allowed what propagation needs. The control plane
// of this test is a second one, in its own namespace of the host, so that it federates exactly the
// types the test chooses.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kubectl, runCli, testSandbox, waitForNamespaceGone } from './fixture.ts';
import {
  asAccount as asJoinedAccount,
  canI as canJoinedAccount,
  escalationChecks,
  joinedAccountToken,
  joinedRole,
  widenedRole,
} from './joined-account.ts';

const sandbox = testSandbox();
const kfns = 'lp-fed';
const cluster = 'lp-member1';
const role = joinedRole(cluster);
const common = [
  '--kubeconfig',
  sandbox.kubeconfig,
  '--host-cluster-context',
  'host',
  '--kubefed-namespace',
  kfns,
];

async function kubefedctl(args: string[]): Promise<string> {
  const result = await runCli('kubefedctl', [...args, ...common]);
  assert.equal(result.code, 0, `kubefedctl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

function join(): Promise<string> {
  return kubefedctl([
    'join',
    cluster,
    '--cluster-context',
    'member1',
    '--rbac',
    'least-privilege',
    '--error-on-existing=false',
  ]);
}

const asAccount = (token: string, args: string[], input?: string) =>
  asJoinedAccount(sandbox, 'member1', token, args, input);
const canI = (token: string, check: string): Promise<boolean> =>
  canJoinedAccount(sandbox, 'member1', token, check);

describe('join --rbac least-privilege', () => {
  let token = '';
  let joinOutput = '';
  before(async () => {
    await waitForNamespaceGone(sandbox, 'host', kfns);
    await kubefedctl(['init', '--skip-default-types']);
    for (const type of [
      'configmaps',
      'deployments.apps',
      'namespaces',
      'clusterroles.rbac.authorization.k8s.io',
    ]) {
      await kubefedctl(['enable', type]);
    }
    joinOutput = await join();
    token = await joinedAccountToken(sandbox, 'member1', kfns, cluster);
    assert.notEqual(token, '');
  });
  after(async () => {
    await runCli('kubefedctl', ['unjoin', cluster, '--cluster-context', 'member1', ...common]);
    // Not waited for: the next run's `before` waits if it is still going.
    await kubectl(sandbox, ['--context', 'host', 'delete', 'namespace', kfns, '--wait=false']);
  });

  it('denies escalate, bind, impersonate and any write to RBAC objects, its own ClusterRole included', async () => {
    for (const check of escalationChecks(role)) {
      assert.equal(await canI(token, check), false, `can-i ${check}`);
    }
    assert.match(joinOutput, /Note: clusterroles\.rbac\.authorization\.k8s\.io is federated, but/);
  });

  it('denies Secrets, in kube-system and everywhere, while secrets are not federated', async () => {
    for (const check of [
      'get secrets -n kube-system',
      'list secrets -n kube-system',
      'list secrets --all-namespaces',
      `get secrets -n ${kfns}`,
    ]) {
      assert.equal(await canI(token, check), false, `can-i ${check}`);
    }
  });

  it('refuses (403) a server-side dry-run that widens its own ClusterRole to */*/*', async () => {
    const widened = await widenedRole(sandbox, 'member1', role);
    const refused = await asAccount(token, ['replace', '--dry-run=server', '-f', '-'], widened);
    assert.notEqual(refused.code, 0, refused.output);
    assert.match(refused.output, /Error from server \(Forbidden\)/);
    // The same request is valid: an administrator's dry-run of it passes.
    await kubectl(
      sandbox,
      ['--context', 'member1', 'replace', '--dry-run=server', '-f', '-'],
      widened,
    );
  });

  it('allows what propagating the federated types needs', async () => {
    for (const check of [
      'create configmaps -n lp-app',
      'update configmaps -n lp-app',
      'delete configmaps -n lp-app',
      'watch configmaps --all-namespaces',
      'patch deployments.apps -n lp-app',
      'create namespaces',
      'delete namespaces',
      'list pods --all-namespaces', // the RSP pod analyzer, as Deployments are federated
      'list nodes', // health checks: zones and region
      'get /healthz',
      'get /version',
    ]) {
      assert.equal(await canI(token, check), true, `can-i ${check}`);
    }
    const created = await asAccount(
      token,
      ['-n', 'default', 'create', 'configmap', 'lp-probe', '--dry-run=server'],
      undefined,
    );
    assert.equal(created.code, 0, created.output);
  });

  it('grants Secrets once secrets are federated and join runs again, and says it covers every namespace', async () => {
    await kubefedctl(['enable', 'secrets']);
    const output = await join();
    assert.match(output, /Note: secrets are federated.*every namespace.*kube-system included/);
    assert.equal(await canI(token, 'create secrets -n lp-app'), true);
    assert.equal(await canI(token, 'escalate clusterroles'), false);
  });
});
