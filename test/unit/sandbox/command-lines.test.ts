import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  apiserverArgs,
  controllerManagerArgs,
  etcdArgs,
  kwokArgs,
  NODE_LEASE_SECONDS,
  schedulerArgs,
} from '../../../src/sandbox/command-lines.ts';
import { clusterNames, sandboxPaths } from '../../../src/sandbox/layout.ts';

const flag = (args: string[], name: string): string | undefined =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

describe('sandbox command lines', () => {
  const paths = sandboxPaths('/tmp/sb').cluster('member1');

  it('gives each cluster its own etcd prefix, port, certificates and keys', () => {
    const a = apiserverArgs({
      clusterName: 'member1',
      paths,
      port: 4001,
      etcdEndpoint: 'http://127.0.0.1:2379',
    });
    const b = apiserverArgs({
      clusterName: 'member2',
      paths: sandboxPaths('/tmp/sb').cluster('member2'),
      port: 4002,
      etcdEndpoint: 'http://127.0.0.1:2379',
    });
    assert.equal(flag(a, 'etcd-prefix'), '/sandbox/member1');
    assert.equal(flag(b, 'etcd-prefix'), '/sandbox/member2');
    assert.equal(flag(a, 'secure-port'), '4001');
    assert.equal(flag(a, 'bind-address'), '127.0.0.1');
    assert.notEqual(flag(a, 'cert-dir'), flag(b, 'cert-dir'));
    assert.equal(flag(a, 'service-account-signing-key-file'), paths.serviceAccountKey);
    assert.equal(flag(a, 'service-account-key-file'), paths.serviceAccountPub);
    assert.match(flag(a, 'authorization-mode') ?? '', /\bRBAC\b/);
    assert.equal(flag(a, 'token-auth-file'), paths.tokenFile);
  });

  it('lets the controller manager sign service-account tokens with the cluster CA', () => {
    const args = controllerManagerArgs({ paths });
    assert.equal(flag(args, 'service-account-private-key-file'), paths.serviceAccountKey);
    assert.equal(flag(args, 'root-ca-file'), paths.caFile);
    assert.equal(flag(args, 'leader-elect'), 'false');
  });

  it('runs one kube-scheduler per cluster without leader election or a serving port', () => {
    const args = schedulerArgs({ paths });
    assert.equal(flag(args, 'kubeconfig'), paths.adminKubeconfig);
    assert.equal(flag(args, 'leader-elect'), 'false');
    assert.equal(flag(args, 'secure-port'), '0');
    assert.equal(flag(args, 'profiling'), 'false');
  });

  it("lets kwok manage only the nodes labelled as the sandbox's own", () => {
    const args = kwokArgs({ paths, configFile: '/tmp/sb/kwok.yaml' });
    assert.equal(flag(args, 'kubeconfig'), paths.adminKubeconfig);
    assert.equal(flag(args, 'config'), '/tmp/sb/kwok.yaml');
    assert.equal(flag(args, 'manage-all-nodes'), 'false');
    assert.equal(
      flag(args, 'manage-nodes-with-label-selector'),
      'sandbox.kubefed.io/simulated-node=true',
    );
  });

  it("renews node leases well within the node lifecycle controller's 50 s grace period", () => {
    const args = kwokArgs({ paths, configFile: '/c' });
    assert.equal(flag(args, 'node-lease-duration-seconds'), String(NODE_LEASE_SECONDS));
    // kwok renews every quarter of the lease duration, like a kubelet.
    assert.ok(NODE_LEASE_SECONDS / 4 <= 30);
  });

  it('keeps etcd on loopback', () => {
    const args = etcdArgs({ dataDir: '/d', clientPort: 1, peerPort: 2 });
    assert.equal(flag(args, 'listen-client-urls'), 'http://127.0.0.1:1');
    assert.equal(flag(args, 'listen-peer-urls'), 'http://127.0.0.1:2');
  });

  it('names clusters host, member1 .. memberN', () => {
    assert.deepEqual(clusterNames(0), ['host']);
    assert.deepEqual(clusterNames(3), ['host', 'member1', 'member2', 'member3']);
  });
});
