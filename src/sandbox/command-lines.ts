// Command lines of the sandbox's processes. Pure, so the flags can be read and tested in one place.
import type { ClusterPaths } from './layout.ts';

export function etcdArgs(opts: {
  dataDir: string;
  clientPort: number;
  peerPort: number;
}): string[] {
  const client = `http://127.0.0.1:${opts.clientPort}`;
  const peer = `http://127.0.0.1:${opts.peerPort}`;
  return [
    '--name=sandbox',
    `--data-dir=${opts.dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=sandbox=${peer}`,
    // Loopback-only throwaway data: skipping fsync is what envtest does for speed.
    '--unsafe-no-fsync',
    '--log-level=warn',
    '--quota-backend-bytes=8589934592',
  ];
}

export function apiserverArgs(opts: {
  clusterName: string;
  paths: ClusterPaths;
  port: number;
  etcdEndpoint: string;
}): string[] {
  const { paths } = opts;
  return [
    `--etcd-servers=${opts.etcdEndpoint}`,
    // One etcd serves every cluster; each keeps its own key space.
    `--etcd-prefix=/sandbox/${opts.clusterName}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${opts.port}`,
    // kube-apiserver writes a self-signed serving certificate (SANs 127.0.0.1, localhost) and
    // its CA here on first start and reuses them on restart.
    `--cert-dir=${paths.certDir}`,
    `--token-auth-file=${paths.tokenFile}`,
    '--authorization-mode=Node,RBAC',
    `--service-account-issuer=https://127.0.0.1:${opts.port}`,
    `--service-account-key-file=${paths.serviceAccountPub}`,
    `--service-account-signing-key-file=${paths.serviceAccountKey}`,
    '--service-cluster-ip-range=10.96.0.0/16',
    // The endpoint reconciler refuses a loopback advertise address; nothing here needs the
    // kubernetes Service's endpoints.
    '--endpoint-reconciler-type=none',
    '--allow-privileged=true',
    '--profiling=false',
    '--v=1',
  ];
}

export function controllerManagerArgs(opts: { paths: ClusterPaths }): string[] {
  const { paths } = opts;
  return [
    `--kubeconfig=${paths.controllerManagerKubeconfig}`,
    // Signs service-account token Secrets (used by `kubefedctl join`) with ca.crt in them.
    `--service-account-private-key-file=${paths.serviceAccountKey}`,
    `--root-ca-file=${paths.caFile}`,
    '--leader-elect=false',
    '--secure-port=0',
    // Garbage collection, namespace deletion, deployments -> replica sets -> pods, tokens.
    '--controllers=*',
    '--profiling=false',
    '--v=1',
  ];
}
