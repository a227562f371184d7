// Where a sandbox keeps its files. Everything lives under one directory so `down` can remove it.
import { join, resolve } from 'node:path';

export interface ClusterPaths {
  dir: string;
  certDir: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
  tokenFile: string;
  caFile: string;
  /** The admin credentials kube-controller-manager, kube-scheduler and kwok use. */
  adminKubeconfig: string;
  apiserverLog: string;
  controllerManagerLog: string;
  schedulerLog: string;
  kwokLog: string;
  /** kwok's KWOK_WORKDIR: kept empty, so no ~/.kwok/kwok.yaml of the user's mixes into ours. */
  kwokWorkDir: string;
}

export interface SandboxPaths {
  dir: string;
  state: string;
  kubeconfig: string;
  binDir: string;
  etcdData: string;
  etcdLog: string;
  /** kwok's config (its stages), shared by every cluster's kwok. */
  kwokConfig: string;
  loadBalancerLog: string;
  /** `up --dns`: CoreDNS's Corefile and log, external-dns's log. */
  corefile: string;
  corednsLog: string;
  externalDnsLog: string;
  cluster(name: string): ClusterPaths;
}

export const DEFAULT_SANDBOX_DIR = '.sandbox';

export function sandboxPaths(dir: string): SandboxPaths {
  const root = resolve(dir);
  return {
    dir: root,
    state: join(root, 'state.json'),
    kubeconfig: join(root, 'kubeconfig'),
    binDir: join(root, 'bin'),
    etcdData: join(root, 'etcd', 'data'),
    etcdLog: join(root, 'etcd', 'etcd.log'),
    kwokConfig: join(root, 'kwok.yaml'),
    loadBalancerLog: join(root, 'load-balancer.log'),
    corefile: join(root, 'dns', 'Corefile'),
    corednsLog: join(root, 'dns', 'coredns.log'),
    externalDnsLog: join(root, 'dns', 'external-dns.log'),
    cluster(name: string): ClusterPaths {
      const clusterDir = join(root, 'clusters', name);
      return {
        dir: clusterDir,
        certDir: join(clusterDir, 'pki'),
        serviceAccountKey: join(clusterDir, 'sa.key'),
        serviceAccountPub: join(clusterDir, 'sa.pub'),
        tokenFile: join(clusterDir, 'tokens.csv'),
        caFile: join(clusterDir, 'ca.crt'),
        adminKubeconfig: join(clusterDir, 'admin.kubeconfig'),
        apiserverLog: join(clusterDir, 'kube-apiserver.log'),
        controllerManagerLog: join(clusterDir, 'kube-controller-manager.log'),
        schedulerLog: join(clusterDir, 'kube-scheduler.log'),
        kwokLog: join(clusterDir, 'kwok.log'),
        kwokWorkDir: join(clusterDir, 'kwok'),
      };
    },
  };
}

/** `host`, `member1` .. `memberN`. */
export function clusterNames(members: number): string[] {
  return ['host', ...Array.from({ length: members }, (_, i) => `member${i + 1}`)];
}
