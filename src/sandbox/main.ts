// kubefed-sandbox: a local federation (one etcd, a host and N member clusters with simulated
// nodes) for the demo, the tests and the benchmarks.
import { parseArgs } from 'node:util';
import { DEFAULT_SANDBOX_DIR } from './layout.ts';
import { DEFAULT_NODE_CAPACITY, DEFAULT_NODE_COUNT, formatCapacity } from './nodes.ts';
import { runLoadBalancer } from './load-balancer.ts';
import { down, env, startCluster, status, stopCluster, up } from './sandbox.ts';
import { errorMessage } from '../kube/errors.ts';

const usage = `Usage: kubefed-sandbox <command> [flags]

Commands:
  up [--members N] [--nodes [CLUSTER:]N]... [--node-capacity [CLUSTER:]RESOURCE=QUANTITY,...]...
     [--region CLUSTER:REGION]... [--zones CLUSTER:ZONE,...]... [--dns] [--dir DIR]
                                 start etcd, host and N member clusters (default 2), each with
                                 simulated nodes, and the load-balancer role, and wait until
                                 ready; --dns adds CoreDNS and external-dns (also to a running
                                 sandbox)
  down [--dir DIR]               stop every process the sandbox started and remove its data
  status [--dir DIR]             show each cluster, whether it answers, its nodes and pods
  env [--dir DIR]                print shell exports: eval "$(npx kubefed-sandbox env)" (KUBECONFIG,
                                 PATH with its kubectl, SANDBOX_DNS_PORT with --dns)
  stop CLUSTER [--dir DIR]       stop one cluster's kube-apiserver (keeps its port and data)
  start CLUSTER [--dir DIR]      start a stopped cluster's kube-apiserver again

Nodes (kwok plays their kubelets; kube-scheduler places pods on them):
  --nodes N                      nodes per cluster (default ${DEFAULT_NODE_COUNT}); --nodes member2:1 for one cluster
  --node-capacity SPEC           capacity of each node, RESOURCE one of cpu, memory, pods
                                 (default ${formatCapacity(DEFAULT_NODE_CAPACITY)}); a cluster's own value
                                 sets only what it names: --node-capacity member2:cpu=500m,pods=4
  Both repeat; a cluster's own values win over the all-cluster ones.

Topology (node labels topology.kubernetes.io/region and /zone, and the failure-domain ones):
  --region CLUSTER:REGION        default region<i> for cluster i (host 0, member1 1, ...)
  --zones CLUSTER:ZONE,...       default <region>-a; nodes take the zones in turn

Load balancer and DNS:
  Services of type LoadBalancer and Ingresses of cluster i get an address of 127.(100+i).0.0/16
  in status.loadBalancer (the load-balancer role, always on). --dns serves the zone example.com
  with CoreDNS on a free 127.0.0.1 port (status shows it) from records external-dns writes for
  the host's DNSEndpoints (multiclusterdns.kubefed.io/v1alpha1).

DIR defaults to ${DEFAULT_SANDBOX_DIR} in the current directory.
`;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dir: { type: 'string', default: DEFAULT_SANDBOX_DIR },
      members: { type: 'string', default: '2' },
      nodes: { type: 'string', multiple: true, default: [] },
      'node-capacity': { type: 'string', multiple: true, default: [] },
      region: { type: 'string', multiple: true, default: [] },
      zones: { type: 'string', multiple: true, default: [] },
      dns: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  const print = (line: string): void => {
    console.error(line);
  };
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(usage);
    return;
  }
  const dir = values.dir;
  switch (command) {
    case 'up': {
      const members = Number(values.members);
      const result = await up({
        dir,
        members,
        nodeFlags: { nodes: values.nodes, nodeCapacity: values['node-capacity'] },
        topologyFlags: { region: values.region, zones: values.zones },
        dns: values.dns,
        print,
      });
      if (result.alreadyRunning) {
        print(
          `A sandbox is already running in ${dir} (${result.clusters.join(', ')}); ${result.addedDns === true ? 'started its DNS pieces' : 'nothing changed'}.`,
        );
        if (
          [values.nodes, values['node-capacity'], values.region, values.zones].some(
            (v) => v.length > 0,
          )
        ) {
          print(
            `--nodes, --node-capacity, --region and --zones only shape a new sandbox: 'kubefed-sandbox down${dir === DEFAULT_SANDBOX_DIR ? '' : ` --dir ${dir}`}' first.`,
          );
        }
      } else {
        print(`Sandbox ready: ${result.clusters.join(', ')}`);
      }
      print(`kubeconfig: ${result.kubeconfig} (contexts ${result.clusters.join(', ')})`);
      if (result.dns) {
        print(
          `DNS:         zone ${result.dns.zone} on 127.0.0.1:${result.dns.port}: dig @127.0.0.1 -p ${result.dns.port} NAME.${result.dns.zone}`,
        );
      }
      print(
        `Use it:      eval "$(npx kubefed-sandbox env${dir === DEFAULT_SANDBOX_DIR ? '' : ` --dir ${dir}`})" && kubectl --context host get namespaces`,
      );
      return;
    }
    case 'down':
      await down({ dir, print });
      return;
    case 'status': {
      const result = await status({ dir });
      if (!result) {
        print(`No sandbox in ${dir}`);
        process.exitCode = 1;
        return;
      }
      const state = (running: boolean): string => (running ? 'running' : 'stopped');
      const rows = [
        [
          'CLUSTER',
          'SERVER',
          'APISERVER',
          'READY',
          'CONTROLLER-MANAGER',
          'SCHEDULER',
          'KWOK',
          'TOPOLOGY',
          'NODES-READY',
          'PODS',
          'VERSION',
        ],
        ...result.clusters.map((c) => [
          c.name,
          c.server,
          state(c.apiserverRunning),
          c.ready ? 'yes' : 'no',
          state(c.controllerManagerRunning),
          state(c.schedulerRunning),
          state(c.kwokRunning),
          c.topology ?? '-',
          c.nodes ? `${c.nodes.ready}/${c.nodes.total}` : '-',
          c.pods
            ? `${c.pods.running} running, ${c.pods.pending} pending, ${c.pods.other} other`
            : '-',
          c.version ?? '-',
        ]),
      ];
      process.stdout.write(`etcd: ${result.etcdRunning ? 'running' : 'stopped'}\n${table(rows)}`);
      if (result.components.length > 0) {
        process.stdout.write(
          `\n${table([
            ['COMPONENT', 'STATE', 'SERVES'],
            ...result.components.map((c) => [c.name, state(c.running), c.detail]),
          ])}`,
        );
      }
      for (const crash of [
        result.etcdCrashLog,
        ...result.components.map((c) => c.crashLog),
        ...result.clusters.map((c) => c.crashLog && `${c.name}: ${c.crashLog}`),
      ]) {
        if (crash) print(`\n${crash}`);
      }
      return;
    }
    case 'env':
      process.stdout.write(env({ dir }));
      return;
    case 'stop':
    case 'start': {
      const cluster = rest[0];
      if (!cluster) throw new Error(`usage: kubefed-sandbox ${command} CLUSTER`);
      await (command === 'stop' ? stopCluster : startCluster)({ dir, cluster, print });
      return;
    }
    case 'load-balancer': {
      // Started by `up` in the background; runs until SIGTERM (`down`).
      const stop = new AbortController();
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        process.once(signal, () => stop.abort());
      }
      await runLoadBalancer({ dir, print, signal: stop.signal });
      return;
    }
    default:
      throw new Error(`unknown command "${command}"\n\n${usage}`);
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map(
      (r) =>
        r
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join('   ')
          .trimEnd() + '\n',
    )
    .join('');
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  console.error(`Error: ${errorMessage(error)}`);
  process.exitCode = 1;
}
