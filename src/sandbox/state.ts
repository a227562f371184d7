// The sandbox's record of what it started: ports, PIDs and the exact command lines, so that
// `down` stops exactly these processes and `start CLUSTER` relaunches an apiserver unchanged.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { ClusterNodes } from './nodes.ts';
import type { ClusterTopology } from './topology.ts';

export interface ProcessRecord {
  pid: number;
  command: string;
  args: string[];
  log: string;
  /** Environment variables set for it, beyond the starting shell's. */
  env?: Record<string, string>;
}

export interface ClusterRecord {
  name: string;
  server: string;
  token: string;
  apiserver: ProcessRecord;
  controllerManager?: ProcessRecord;
  scheduler?: ProcessRecord;
  kwok?: ProcessRecord;
  /** The simulated nodes `up` created (absent in a sandbox from before nodes existed). */
  nodes?: ClusterNodes;
  /** The region and zones its nodes are labelled with. */
  topology?: ClusterTopology;
}

/** `up --dns`: CoreDNS serving `zone` from the sandbox's etcd, and external-dns writing it. */
export interface DnsRecord {
  zone: string;
  /** CoreDNS's UDP and TCP port on 127.0.0.1. */
  port: number;
  coredns: ProcessRecord;
  externalDns: ProcessRecord;
}

export interface SandboxState {
  binDir: string;
  etcd: ProcessRecord & { endpoint: string };
  clusters: ClusterRecord[];
  /** The load-balancer role (absent in a sandbox from before it existed). */
  loadBalancer?: ProcessRecord;
  dns?: DnsRecord;
}

export function readState(file: string): SandboxState | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as SandboxState;
}

export function writeState(file: string, state: SandboxState): void {
  writeFileSync(file, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
}

/** The processes that run beside a cluster's kube-apiserver and only talk to it. */
export function clusterComponents(
  c: ClusterRecord,
): { name: 'kube-controller-manager' | 'kube-scheduler' | 'kwok'; process: ProcessRecord }[] {
  return [
    { name: 'kube-controller-manager' as const, process: c.controllerManager },
    { name: 'kube-scheduler' as const, process: c.scheduler },
    { name: 'kwok' as const, process: c.kwok },
  ].flatMap(({ name, process }) => (process ? [{ name, process }] : []));
}

/** The processes that run beside the clusters and talk to several of them (or to etcd). */
export function sandboxComponents(
  state: SandboxState,
): { name: 'load-balancer' | 'coredns' | 'external-dns'; process: ProcessRecord }[] {
  return [
    { name: 'load-balancer' as const, process: state.loadBalancer },
    { name: 'coredns' as const, process: state.dns?.coredns },
    { name: 'external-dns' as const, process: state.dns?.externalDns },
  ].flatMap(({ name, process }) => (process ? [{ name, process }] : []));
}

export function allProcesses(state: SandboxState): ProcessRecord[] {
  return [
    state.etcd,
    ...state.clusters.flatMap((c) => [c.apiserver, ...clusterComponents(c).map((x) => x.process)]),
    ...sandboxComponents(state).map((x) => x.process),
  ];
}
