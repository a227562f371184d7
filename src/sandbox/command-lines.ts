// Command lines of the sandbox's processes. Pure, so the flags can be read and tested in one place.
import type { ClusterPaths } from './layout.ts';
import { SIMULATED_NODE_LABEL } from './nodes.ts';

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
    `--kubeconfig=${paths.adminKubeconfig}`,
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

export function schedulerArgs(opts: { paths: ClusterPaths }): string[] {
  return [
    `--kubeconfig=${opts.paths.adminKubeconfig}`,
    '--leader-elect=false',
    // No serving: nothing scrapes it, and it would need certificates and a port of its own.
    '--secure-port=0',
    '--profiling=false',
    // --v=2 would log every binding.
    '--v=1',
  ];
}

/**
 * A kubelet renews its node Lease every quarter of this (kwok does the same); it must stay well
 * under kube-controller-manager's --node-monitor-grace-period (50 s) or nodes turn NotReady.
 * 100 s gives one renewal per node every 25 s, against a kubelet's 10 s.
 */
export const NODE_LEASE_SECONDS = 100;

export function kwokArgs(opts: { paths: ClusterPaths; configFile: string }): string[] {
  return [
    `--kubeconfig=${opts.paths.adminKubeconfig}`,
    `--config=${opts.configFile}`,
    // Only the sandbox's own nodes: a node someone else adds to a cluster is left alone.
    '--manage-all-nodes=false',
    `--manage-nodes-with-label-selector=${SIMULATED_NODE_LABEL}=true`,
    `--node-lease-duration-seconds=${NODE_LEASE_SECONDS}`,
    // Warnings and errors only: INFO logs every patch and delete it makes to a node or pod.
    '--v=WARN',
  ];
}

/** The DNS zone `up --dns` serves; the user guide's names end in it. */
export const DNS_ZONE = 'example.com';
/** Where external-dns' coredns provider writes and CoreDNS's etcd plugin reads (their default). */
export const SKYDNS_PREFIX = '/skydns';

/**
 * CoreDNS serving `zone` on 127.0.0.1 only, from the sandbox's etcd: its etcd plugin follows a
 * CNAME inside the zone, so a fallback name answers with the chain and the addresses at its end.
 */
export function renderCorefile(opts: { zone: string; port: number; etcdEndpoint: string }): string {
  return [
    `${opts.zone}:${opts.port} {`,
    '  bind 127.0.0.1',
    '  etcd {',
    `    path ${SKYDNS_PREFIX}`,
    `    endpoint ${opts.etcdEndpoint}`,
    '  }',
    '  errors',
    '}',
    '',
  ].join('\n');
}

export function corednsArgs(opts: { corefile: string }): string[] {
  return ['-conf', opts.corefile];
}

/** How often external-dns resyncs in any case, and at most after a DNSEndpoint event. */
export const EXTERNAL_DNS_INTERVAL = '10s';
export const EXTERNAL_DNS_MIN_EVENT_SYNC = '1s';

/**
 * external-dns reading KubeFed's DNSEndpoints on the host and writing them to CoreDNS's etcd
 * (`ETCD_URLS` in its environment). `--events` syncs on each DNSEndpoint change instead of waiting
 * for the interval; the TXT registry marks its records as ours, so it deletes only those.
 */
export function externalDnsArgs(opts: {
  kubeconfig: string;
  zone: string;
  metricsPort: number;
}): string[] {
  return [
    `--kubeconfig=${opts.kubeconfig}`,
    '--source=crd',
    '--crd-source-apiversion=multiclusterdns.kubefed.io/v1alpha1',
    '--crd-source-kind=DNSEndpoint',
    '--provider=coredns',
    `--domain-filter=${opts.zone}`,
    '--registry=txt',
    '--txt-owner-id=kubefed-sandbox',
    '--policy=sync',
    `--interval=${EXTERNAL_DNS_INTERVAL}`,
    '--events',
    `--min-event-sync-interval=${EXTERNAL_DNS_MIN_EVENT_SYNC}`,
    // Its default :7979 on every interface would clash between sandboxes.
    `--metrics-address=127.0.0.1:${opts.metricsPort}`,
    '--log-level=info',
  ];
}
