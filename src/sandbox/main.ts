// kubefed-sandbox: a local federation (one etcd, a host and N member clusters with simulated
// nodes) for the demo, the tests and the benchmarks.
import { parseArgs } from 'node:util';
import { DEFAULT_SANDBOX_DIR } from './layout.ts';
import { DEFAULT_NODE_CAPACITY, DEFAULT_NODE_COUNT, formatCapacity } from './nodes.ts';
import { down, env, startCluster, status, stopCluster, up } from './sandbox.ts';
import { errorMessage } from '../kube/errors.ts';

const usage = `Usage: kubefed-sandbox <command> [flags]

Commands:
  up [--members N] [--nodes [CLUSTER:]N]... [--node-capacity [CLUSTER:]RESOURCE=QUANTITY,...]... [--dir DIR]
                                 start etcd, host and N member clusters (default 2), each with
                                 simulated nodes, and wait until ready
  down [--dir DIR]               stop every process the sandbox started and remove its data
  status [--dir DIR]             show each cluster, whether it answers, its nodes and pods
  env [--dir DIR]                print shell exports: eval "$(npx kubefed-sandbox env)"
  stop CLUSTER [--dir DIR]       stop one cluster's kube-apiserver (keeps its port and data)
  start CLUSTER [--dir DIR]      start a stopped cluster's kube-apiserver again

Nodes (kwok plays their kubelets; kube-scheduler places pods on them):
  --nodes N                      nodes per cluster (default ${DEFAULT_NODE_COUNT}); --nodes member2:1 for one cluster
  --node-capacity SPEC           capacity of each node, RESOURCE one of cpu, memory, pods
                                 (default ${formatCapacity(DEFAULT_NODE_CAPACITY)}); a cluster's own value
                                 sets only what it names: --node-capacity member2:cpu=500m,pods=4
  Both repeat; a cluster's own values win over the all-cluster ones.

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
        print,
      });
      if (result.alreadyRunning) {
        print(
          `A sandbox is already running in ${dir} (${result.clusters.join(', ')}); nothing changed.`,
        );
        if (values.nodes.length > 0 || values['node-capacity'].length > 0) {
          print(
            `--nodes and --node-capacity only shape a new sandbox: 'kubefed-sandbox down${dir === DEFAULT_SANDBOX_DIR ? '' : ` --dir ${dir}`}' first.`,
          );
        }
      } else {
        print(`Sandbox ready: ${result.clusters.join(', ')}`);
      }
      print(`kubeconfig: ${result.kubeconfig} (contexts ${result.clusters.join(', ')})`);
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
          c.nodes ? `${c.nodes.ready}/${c.nodes.total}` : '-',
          c.pods
            ? `${c.pods.running} running, ${c.pods.pending} pending, ${c.pods.other} other`
            : '-',
          c.version ?? '-',
        ]),
      ];
      process.stdout.write(`etcd: ${result.etcdRunning ? 'running' : 'stopped'}\n${table(rows)}`);
      for (const crash of [
        result.etcdCrashLog,
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
