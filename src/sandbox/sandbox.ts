// A local federation on real Kubernetes: one etcd, and per cluster (host, member1..N) one
// kube-apiserver with its own etcd prefix, port, certificates and keys, plus one
// kube-controller-manager, one kube-scheduler and one kwok that plays the kubelet of the cluster's
// simulated nodes. Processes run detached; state.json records what was started.
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { dnsEndpointCRD } from '../apis/crds/dns.ts';
import { ensureGoCommand, ensureKubeBinaries, ensureKwok } from './binaries.ts';
import {
  apiserverArgs,
  controllerManagerArgs,
  corednsArgs,
  DNS_ZONE,
  etcdArgs,
  externalDnsArgs,
  kwokArgs,
  renderCorefile,
  schedulerArgs,
} from './command-lines.ts';
import { writeClusterCredentials } from './credentials.ts';
import { renderKubeconfig, caFromServingBundle } from './kubeconfig.ts';
import { renderKwokConfig } from './kwok-stages.ts';
import { clusterNames, sandboxPaths, type SandboxPaths } from './layout.ts';
import {
  countNodes,
  countPods,
  formatCapacity,
  nodeManifests,
  planNodes,
  schedulableNodes,
  SIMULATED_NODE_LABEL,
  type ClusterNodes,
  type NodeCounts,
  type NodeFlags,
  type NodeList,
  type PodCounts,
  type PodList,
} from './nodes.ts';
import { FIRST_BLOCK_OCTET } from './load-balancer-addresses.ts';
import { freePorts } from './ports.ts';
import {
  formatTopology,
  planTopology,
  type ClusterTopology,
  type TopologyFlags,
} from './topology.ts';
import { isAlive, logTail, startDetached, stopProcess } from './processes.ts';
import {
  apiRequest,
  assertRunning,
  isReady,
  probe,
  waitForServingCA,
  waitUntilReady,
  type ProbeTarget,
} from './readiness.ts';
import {
  allProcesses,
  clusterComponents,
  readState,
  sandboxComponents,
  writeState,
  type ClusterRecord,
  type DnsRecord,
  type ProcessRecord,
  type SandboxState,
} from './state.ts';

export type Print = (line: string) => void;

const START_TIMEOUT_MS = 120_000;

export interface UpResult {
  alreadyRunning: boolean;
  kubeconfig: string;
  clusters: string[];
  /** `--dns` on a running sandbox that had no DNS pieces: they were started. */
  addedDns?: boolean;
  /** With `dns`: the zone and the port CoreDNS answers on. */
  dns?: { zone: string; port: number };
}

export async function up(opts: {
  dir: string;
  members: number;
  /** `--nodes` and `--node-capacity` as given; without them every cluster gets the defaults. */
  nodeFlags?: NodeFlags;
  /** `--region` and `--zones` as given; without them each cluster is alone in its region. */
  topologyFlags?: TopologyFlags;
  /** `--dns`: CoreDNS and external-dns too (added to a running sandbox that lacks them). */
  dns?: boolean;
  print: Print;
}): Promise<UpResult> {
  const paths = sandboxPaths(opts.dir);
  const existing = readState(paths.state);
  if (existing) {
    if (allProcesses(existing).some((p) => isAlive(p.pid))) {
      const addDns = opts.dns === true && !existing.dns;
      if (addDns) await startDns(paths, existing, opts.print);
      return {
        alreadyRunning: true,
        addedDns: addDns,
        kubeconfig: paths.kubeconfig,
        clusters: existing.clusters.map((c) => c.name),
        ...dnsResult(existing.dns),
      };
    }
    opts.print(`Removing the stale sandbox in ${paths.dir} (none of its processes is running)`);
    rmSync(paths.dir, { recursive: true, force: true });
  }
  if (!Number.isInteger(opts.members) || opts.members < 0) {
    throw new Error(`--members must be a whole number >= 0, got ${String(opts.members)}`);
  }
  const names = clusterNames(opts.members);
  const nodePlan = planNodes(opts.nodeFlags ?? { nodes: [], nodeCapacity: [] }, names);
  const topology = planTopology(opts.topologyFlags ?? { region: [], zones: [] }, names);
  const binaries = await ensureKubeBinaries();
  const kwok = await ensureKwok();
  // Built before anything starts: a first build takes minutes.
  if (opts.dns === true) await ensureDnsBinaries();
  mkdirSync(paths.dir, { recursive: true });
  mkdirSync(join(paths.dir, 'etcd'), { recursive: true });

  const [etcdClient, etcdPeer, ...apiPorts] = await freePorts(2 + names.length);
  if (etcdClient === undefined || etcdPeer === undefined) throw new Error('no free ports');
  const etcdEndpoint = `http://127.0.0.1:${etcdClient}`;
  const state: SandboxState = {
    binDir: binaries.dir,
    etcd: {
      ...launch(
        binaries.etcd,
        etcdArgs({ dataDir: paths.etcdData, clientPort: etcdClient, peerPort: etcdPeer }),
        paths.etcdLog,
      ),
      endpoint: etcdEndpoint,
    },
    clusters: [],
  };
  writeState(paths.state, state);
  try {
    opts.print(`Starting etcd on ${etcdEndpoint}`);
    await waitForEtcd(state.etcd, START_TIMEOUT_MS);

    opts.print(`Starting kube-apiserver for ${names.join(', ')}`);
    for (const [i, name] of names.entries()) {
      const port = apiPorts[i];
      if (port === undefined) throw new Error('no free ports');
      const cluster = paths.cluster(name);
      mkdirSync(cluster.certDir, { recursive: true });
      const token = writeClusterCredentials(cluster, name);
      const apiserver = launch(
        binaries.kubeApiserver,
        apiserverArgs({ clusterName: name, paths: cluster, port, etcdEndpoint }),
        cluster.apiserverLog,
      );
      state.clusters.push({ name, server: `https://127.0.0.1:${port}`, token, apiserver });
      writeState(paths.state, state);
    }
    await Promise.all(state.clusters.map((c) => waitForApiserver(paths, c)));

    opts.print('Starting kube-controller-manager, kube-scheduler and kwok for each cluster');
    writeFileSync(paths.kwokConfig, renderKwokConfig());
    for (const c of state.clusters) {
      const cluster = paths.cluster(c.name);
      const caPem = readFileSync(cluster.caFile, 'utf8');
      writeFileSync(
        cluster.adminKubeconfig,
        renderKubeconfig([{ name: c.name, server: c.server, caPem, token: c.token }], c.name),
        { mode: 0o600 },
      );
      c.controllerManager = launch(
        binaries.kubeControllerManager,
        controllerManagerArgs({ paths: cluster }),
        cluster.controllerManagerLog,
      );
      c.scheduler = launch(
        binaries.kubeScheduler,
        schedulerArgs({ paths: cluster }),
        cluster.schedulerLog,
      );
      c.kwok = launch(
        kwok,
        kwokArgs({ paths: cluster, configFile: paths.kwokConfig }),
        cluster.kwokLog,
        { KWOK_WORKDIR: cluster.kwokWorkDir },
      );
      writeState(paths.state, state);
    }
    writeKubeconfig(paths, state);
    mkdirSync(paths.binDir, { recursive: true });
    symlinkSync(binaries.kubectl, join(paths.binDir, 'kubectl'));

    opts.print(
      `Creating simulated nodes: ${state.clusters
        .map((c) => {
          const nodes = nodePlan.get(c.name);
          const where = topology.get(c.name);
          return nodes
            ? `${c.name} ${nodes.count} x ${formatCapacity(nodes.capacity)} in ${where ? formatTopology(where) : '-'}`
            : '';
        })
        .join('; ')}`,
    );
    for (const c of state.clusters) {
      const nodes = nodePlan.get(c.name);
      if (!nodes) continue;
      const where = topology.get(c.name);
      await createNodes(paths, c, nodes, where);
      c.nodes = nodes;
      if (where) c.topology = where;
      writeState(paths.state, state);
    }
    // The default ServiceAccount appears once the controller manager works: pods and
    // `kubefedctl join` (token Secrets) depend on it, so "up" means it is there; and so are
    // nodes a pod can be scheduled to.
    await Promise.all(state.clusters.map((c) => waitForControllerManager(paths, c)));
    await Promise.all(state.clusters.map((c) => waitForNodes(paths, c)));
    for (const c of state.clusters) {
      if (c.scheduler) assertRunning(c.scheduler.pid, `${c.name} kube-scheduler`, c.scheduler.log);
    }
    await startLoadBalancer(paths, state, opts.print);
    if (opts.dns === true) await startDns(paths, state, opts.print);
  } catch (error) {
    opts.print(
      `Sandbox start failed; stopping what was started (logs stay in ${paths.dir}; 'kubefed-sandbox down' removes them)`,
    );
    await stopAll(state);
    throw error;
  }
  return {
    alreadyRunning: false,
    kubeconfig: paths.kubeconfig,
    clusters: names,
    ...dnsResult(state.dns),
  };
}

function dnsResult(dns: DnsRecord | undefined): Pick<UpResult, 'dns'> {
  return dns ? { dns: { zone: dns.zone, port: dns.port } } : {};
}

/** The `kubefed-sandbox` launcher: the load-balancer role runs as its `load-balancer` command. */
const sandboxLauncher = fileURLToPath(new URL('../../bin/kubefed-sandbox.js', import.meta.url));

/**
 * The load-balancer role, in every sandbox: one idle process with two watches per cluster, which
 * writes only when a LoadBalancer Service or an Ingress appears (see docs/performance.md).
 */
async function startLoadBalancer(
  paths: SandboxPaths,
  state: SandboxState,
  print: Print,
): Promise<void> {
  print('Starting the load-balancer role (LoadBalancer Services and Ingresses get 127.100+i.x.y)');
  const lb = launch(
    process.execPath,
    // As the controller manager: a small young generation and a heap tuned for size, not speed.
    [
      '--max-semi-space-size=2',
      '--optimize-for-size',
      sandboxLauncher,
      'load-balancer',
      '--dir',
      paths.dir,
    ],
    paths.loadBalancerLog,
  );
  state.loadBalancer = lb;
  writeState(paths.state, state);
  // It says so once it watches every cluster; until then a crash is worth reporting at once.
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (
    (existsSync(lb.log) ? (readFileSync(lb.log, 'utf8').match(/^.*: giving /gm)?.length ?? 0) : 0) <
    state.clusters.length
  ) {
    assertRunning(lb.pid, 'the load-balancer role', lb.log);
    if (Date.now() > deadline) {
      throw new Error(
        `the load-balancer role did not start in time; log ${lb.log}:\n${logTail(lb.log)}`,
      );
    }
    await sleep(100);
  }
}

async function ensureDnsBinaries(): Promise<{ coredns: string; externalDns: string }> {
  return {
    coredns: `${await ensureGoCommand('coredns')}/coredns`,
    externalDns: `${await ensureGoCommand('external-dns')}/external-dns`,
  };
}

/**
 * CoreDNS serving DNS_ZONE from the sandbox's etcd (its own key prefix: one etcd less to run), and
 * external-dns on the host publishing the DNSEndpoints KubeFed writes. external-dns needs the
 * DNSEndpoint CRD to exist, so it is created here if KubeFed is not installed yet.
 */
async function startDns(paths: SandboxPaths, state: SandboxState, print: Print): Promise<void> {
  const { coredns, externalDns } = await ensureDnsBinaries();
  const host = state.clusters.find((c) => c.name === 'host');
  if (!host) throw new Error('the sandbox has no host cluster');
  await ensureDnsEndpointCRD(clusterTarget(paths, host));
  const [port, metricsPort] = await freePorts(2);
  if (port === undefined || metricsPort === undefined) throw new Error('no free ports');
  mkdirSync(dirname(paths.corefile), { recursive: true });
  writeFileSync(
    paths.corefile,
    renderCorefile({ zone: DNS_ZONE, port, etcdEndpoint: state.etcd.endpoint }),
  );
  print(`Starting CoreDNS for ${DNS_ZONE} on 127.0.0.1:${port} and external-dns`);
  const corednsProcess = launch(
    coredns,
    corednsArgs({ corefile: paths.corefile }),
    paths.corednsLog,
  );
  const dns: DnsRecord = {
    zone: DNS_ZONE,
    port,
    coredns: corednsProcess,
    externalDns: launch(
      externalDns,
      externalDnsArgs({
        kubeconfig: paths.cluster(host.name).adminKubeconfig,
        zone: DNS_ZONE,
        metricsPort,
      }),
      paths.externalDnsLog,
      { ETCD_URLS: state.etcd.endpoint },
    ),
  };
  state.dns = dns;
  writeState(paths.state, state);
  await waitForCoreDns(dns);
  await waitForExternalDns(dns, metricsPort);
}

async function ensureDnsEndpointCRD(target: ProbeTarget): Promise<void> {
  const crd = dnsEndpointCRD();
  const name = crd.metadata.name;
  const path = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
  const created = await apiRequest(target, 'POST', path, crd, 10_000);
  if (created.status !== 201 && created.status !== 409) {
    throw new Error(`creating the CRD ${name} failed (HTTP ${created.status}): ${created.body}`);
  }
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const got = await getJson<{ status?: { conditions?: { type: string; status: string }[] } }>(
      target,
      `${path}/${name}`,
    );
    if (got?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) {
      return;
    }
    if (Date.now() > deadline) throw new Error(`the CRD ${name} was not Established in time`);
    await sleep(100);
  }
}

/** Until CoreDNS answers the zone's SOA (its etcd plugin makes one up). */
async function waitForCoreDns(dns: DnsRecord): Promise<void> {
  const resolver = new Resolver({ timeout: 500, tries: 1 });
  resolver.setServers([`127.0.0.1:${dns.port}`]);
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    assertRunning(dns.coredns.pid, 'CoreDNS', dns.coredns.log);
    try {
      await resolver.resolveSoa(dns.zone);
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(
          `CoreDNS did not answer for ${dns.zone} on 127.0.0.1:${dns.port} (${String(error)}); log ${dns.coredns.log}:\n${logTail(dns.coredns.log)}`,
          { cause: error },
        );
      }
      await sleep(100);
    }
  }
}

/** Until external-dns serves /healthz, which it does once its first sync has run. */
async function waitForExternalDns(dns: DnsRecord, metricsPort: number): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    assertRunning(dns.externalDns.pid, 'external-dns', dns.externalDns.log);
    try {
      const res = await fetch(`http://127.0.0.1:${metricsPort}/healthz`, {
        signal: AbortSignal.timeout(1000),
      });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(
        `external-dns did not become healthy; log ${dns.externalDns.log}:\n${logTail(dns.externalDns.log)}`,
      );
    }
    await sleep(200);
  }
}

export async function down(opts: { dir: string; print: Print }): Promise<void> {
  const paths = sandboxPaths(opts.dir);
  const state = readState(paths.state);
  if (!state) {
    if (existsSync(paths.dir)) rmSync(paths.dir, { recursive: true, force: true });
    opts.print(`No sandbox in ${paths.dir}`);
    return;
  }
  await stopAll(state);
  rmSync(paths.dir, { recursive: true, force: true });
  opts.print(`Stopped the sandbox in ${paths.dir} and removed its data`);
}

export async function stopCluster(opts: {
  dir: string;
  cluster: string;
  print: Print;
}): Promise<void> {
  const { paths, state, cluster } = loadCluster(opts.dir, opts.cluster);
  if (!isAlive(cluster.apiserver.pid)) {
    opts.print(`${cluster.name}: kube-apiserver is already stopped`);
    return;
  }
  await stopProcess(cluster.apiserver.pid);
  writeState(paths.state, state);
  opts.print(`${cluster.name}: kube-apiserver stopped (${cluster.server} no longer answers)`);
}

export async function startCluster(opts: {
  dir: string;
  cluster: string;
  print: Print;
}): Promise<void> {
  const { paths, state, cluster } = loadCluster(opts.dir, opts.cluster);
  if (isAlive(cluster.apiserver.pid)) {
    opts.print(`${cluster.name}: kube-apiserver is already running`);
    return;
  }
  const { command, args, log } = cluster.apiserver;
  cluster.apiserver = launch(command, args, log);
  writeState(paths.state, state);
  await waitForApiserver(paths, cluster);
  // After a long outage kube-controller-manager's caches may not catch up (its ReplicaSet
  // controller then refuses every sync: "read version ... is not as new as written version"),
  // and Deployments stay 0 ready with their pods Running. It starts afresh with its apiserver,
  // as on a control-plane node that rebooted.
  const kcm = cluster.controllerManager;
  if (kcm !== undefined) {
    await stopProcess(kcm.pid);
    cluster.controllerManager = launch(kcm.command, kcm.args, kcm.log, kcm.env);
    writeState(paths.state, state);
  }
  opts.print(`${cluster.name}: kube-apiserver started again on ${cluster.server}`);
}

export interface ClusterStatus {
  name: string;
  server: string;
  apiserverRunning: boolean;
  ready: boolean;
  controllerManagerRunning: boolean;
  schedulerRunning: boolean;
  kwokRunning: boolean;
  /** `region/zone,...` of its nodes. */
  topology?: string;
  /** The tail of the log of each process that should run and does not (a crash, not a `stop`). */
  crashLog?: string;
  version?: string;
  /** Read from the cluster when it answers. */
  nodes?: NodeCounts;
  pods?: PodCounts;
}

/** The load-balancer role and, with `--dns`, CoreDNS and external-dns. */
export interface ComponentStatus {
  name: string;
  running: boolean;
  /** E.g. the DNS zone and port. */
  detail: string;
  crashLog?: string;
}

export async function status(opts: { dir: string }): Promise<
  | {
      etcdRunning: boolean;
      etcdCrashLog?: string;
      clusters: ClusterStatus[];
      components: ComponentStatus[];
    }
  | undefined
> {
  const paths = sandboxPaths(opts.dir);
  const state = readState(paths.state);
  if (!state) return undefined;
  const clusters = await Promise.all(
    state.clusters.map(async (c): Promise<ClusterStatus> => {
      const caPem = existsSync(paths.cluster(c.name).caFile)
        ? readFileSync(paths.cluster(c.name).caFile, 'utf8')
        : '';
      const target = { server: c.server, caPem, token: c.token };
      const ready = caPem !== '' && (await isReady(target));
      const running = (p: ProcessRecord | undefined): boolean => p !== undefined && isAlive(p.pid);
      const result: ClusterStatus = {
        name: c.name,
        server: c.server,
        apiserverRunning: isAlive(c.apiserver.pid),
        ready,
        controllerManagerRunning: running(c.controllerManager),
        schedulerRunning: running(c.scheduler),
        kwokRunning: running(c.kwok),
        ...(c.topology ? { topology: formatTopology(c.topology) } : {}),
      };
      const crashes = clusterComponents(c)
        .filter(({ process }) => !isAlive(process.pid))
        .map(
          ({ name, process }) =>
            `${name} exited; last lines of ${process.log}:\n${logTail(process.log, 10)}`,
        );
      if (crashes.length > 0) result.crashLog = crashes.join('\n\n');
      if (ready) {
        const [version, nodes, pods] = await Promise.all([
          getJson<{ gitVersion: string }>(target, '/version'),
          getJson<NodeList>(target, '/api/v1/nodes'),
          getJson<PodList>(target, '/api/v1/pods'),
        ]);
        if (version) result.version = version.gitVersion;
        if (nodes) result.nodes = countNodes(nodes);
        if (pods) result.pods = countPods(pods);
      }
      return result;
    }),
  );
  const etcdRunning = isAlive(state.etcd.pid);
  const etcdCrashLog = etcdRunning
    ? undefined
    : `etcd exited; last lines of ${state.etcd.log}:\n${logTail(state.etcd.log, 10)}`;
  const details: Record<string, string> = {
    'load-balancer': `LoadBalancer Services and Ingresses of cluster i get 127.${FIRST_BLOCK_OCTET}+i.x.y`,
    ...(state.dns
      ? {
          coredns: `zone ${state.dns.zone} on 127.0.0.1:${state.dns.port} (dig @127.0.0.1 -p ${state.dns.port} NAME)`,
          'external-dns':
            'DNSEndpoints of the host (multiclusterdns.kubefed.io/v1alpha1) to CoreDNS',
        }
      : {}),
  };
  const components = sandboxComponents(state).map(({ name, process }): ComponentStatus => {
    const running = isAlive(process.pid);
    return {
      name,
      running,
      detail: details[name] ?? '',
      ...(running
        ? {}
        : {
            crashLog: `${name} exited; last lines of ${process.log}:\n${logTail(process.log, 10)}`,
          }),
    };
  });
  return { etcdRunning, ...(etcdCrashLog ? { etcdCrashLog } : {}), clusters, components };
}

/** Shell exports that point kubectl at the sandbox, with the sandbox's own kubectl first (and its DNS port). */
export function env(opts: { dir: string }): string {
  const paths = sandboxPaths(opts.dir);
  const state = readState(paths.state);
  if (!state) throw new Error(`no sandbox in ${paths.dir}; start one with 'kubefed-sandbox up'`);
  return (
    `export KUBECONFIG='${paths.kubeconfig}'\nexport PATH='${paths.binDir}':"$PATH"\n` +
    // For `dig @127.0.0.1 -p $SANDBOX_DNS_PORT NAME`.
    (state.dns ? `export SANDBOX_DNS_PORT=${state.dns.port}\n` : '')
  );
}

function launch(
  command: string,
  args: string[],
  log: string,
  env?: Record<string, string>,
): ProcessRecord {
  const { pid } = startDetached(command, args, log, env);
  return { pid, command, args, log, ...(env ? { env } : {}) };
}

async function stopAll(state: SandboxState): Promise<void> {
  // The apiservers' clients first (they would only log errors once their apiserver is gone),
  // then the apiservers, then the etcd they share.
  await Promise.all(sandboxComponents(state).map((x) => stopProcess(x.process.pid)));
  await Promise.all(
    state.clusters.flatMap((c) => clusterComponents(c).map((x) => stopProcess(x.process.pid))),
  );
  await Promise.all(state.clusters.map((c) => stopProcess(c.apiserver.pid)));
  await stopProcess(state.etcd.pid);
}

function loadCluster(
  dir: string,
  name: string,
): { paths: SandboxPaths; state: SandboxState; cluster: ClusterRecord } {
  const paths = sandboxPaths(dir);
  const state = readState(paths.state);
  if (!state) throw new Error(`no sandbox in ${paths.dir}; start one with 'kubefed-sandbox up'`);
  const cluster = state.clusters.find((c) => c.name === name);
  if (!cluster) {
    throw new Error(
      `no cluster "${name}" in the sandbox (clusters: ${state.clusters.map((c) => c.name).join(', ')})`,
    );
  }
  return { paths, state, cluster };
}

async function waitForEtcd(
  etcd: ProcessRecord & { endpoint: string },
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    assertRunning(etcd.pid, 'etcd', etcd.log);
    try {
      const res = await fetch(`${etcd.endpoint}/health`, { signal: AbortSignal.timeout(1000) });
      if (res.ok && ((await res.json()) as { health?: string }).health === 'true') return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`etcd did not become healthy; log ${etcd.log}:\n${logTail(etcd.log)}`);
    await sleep(100);
  }
}

async function waitForApiserver(paths: SandboxPaths, c: ClusterRecord): Promise<void> {
  const cluster = paths.cluster(c.name);
  const caPem = await waitForServingCA(
    join(cluster.certDir, 'apiserver.crt'),
    c.apiserver.pid,
    c.apiserver.log,
    START_TIMEOUT_MS,
  );
  writeFileSync(cluster.caFile, caPem);
  await waitUntilReady(
    c.name,
    { server: c.server, caPem, token: c.token },
    c.apiserver.pid,
    c.apiserver.log,
    START_TIMEOUT_MS,
  );
}

function clusterTarget(paths: SandboxPaths, c: ClusterRecord): ProbeTarget {
  return {
    server: c.server,
    caPem: readFileSync(paths.cluster(c.name).caFile, 'utf8'),
    token: c.token,
  };
}

/** A GET whose JSON body is wanted only if it comes: status shows what it can get. */
async function getJson<T>(target: ProbeTarget, path: string): Promise<T | undefined> {
  const res = await probe(target, path, 5000).catch(() => undefined);
  return res?.status === 200 ? (JSON.parse(res.body) as T) : undefined;
}

async function createNodes(
  paths: SandboxPaths,
  c: ClusterRecord,
  nodes: ClusterNodes,
  topology: ClusterTopology | undefined,
): Promise<void> {
  const target = clusterTarget(paths, c);
  for (const node of nodeManifests(c.name, nodes, topology)) {
    const res = await apiRequest(target, 'POST', '/api/v1/nodes', node, 10_000);
    if (res.status !== 201) {
      throw new Error(`${c.name}: creating a node failed (HTTP ${res.status}): ${res.body}`);
    }
  }
}

/** Until every simulated node is Ready and untainted (kwok plays its kubelet). */
async function waitForNodes(paths: SandboxPaths, c: ClusterRecord): Promise<void> {
  const { kwok, nodes } = c;
  if (!kwok || !nodes) return;
  const target = clusterTarget(paths, c);
  const path = `/api/v1/nodes?labelSelector=${encodeURIComponent(`${SIMULATED_NODE_LABEL}=true`)}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    assertRunning(kwok.pid, `${c.name} kwok`, kwok.log);
    const list = await getJson<NodeList>(target, path);
    if (list && schedulableNodes(list) === nodes.count) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${c.name}: the simulated nodes did not become Ready and schedulable in time; kwok log ${kwok.log}:\n${logTail(kwok.log)}`,
      );
    }
    await sleep(250);
  }
}

async function waitForControllerManager(paths: SandboxPaths, c: ClusterRecord): Promise<void> {
  const kcm = c.controllerManager;
  if (!kcm) return;
  const target = clusterTarget(paths, c);
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    assertRunning(kcm.pid, `${c.name} kube-controller-manager`, kcm.log);
    const res = await probe(target, '/api/v1/namespaces/default/serviceaccounts/default').catch(
      () => undefined,
    );
    if (res?.status === 200) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${c.name} kube-controller-manager created no default ServiceAccount in time; log ${kcm.log}:\n${logTail(kcm.log)}`,
      );
    }
    await sleep(250);
  }
}

function writeKubeconfig(paths: SandboxPaths, state: SandboxState): void {
  const entries = state.clusters.map((c) => ({
    name: c.name,
    server: c.server,
    caPem: caFromServingBundle(readFileSync(paths.cluster(c.name).caFile, 'utf8')),
    token: c.token,
  }));
  writeFileSync(paths.kubeconfig, renderKubeconfig(entries, 'host'), { mode: 0o600 });
}
