// kubefed-sandbox: a local federation (one etcd, a host and N member kube-apiservers) for the
// demo, the tests and the benchmarks.
import { parseArgs } from 'node:util';
import { DEFAULT_SANDBOX_DIR } from './layout.ts';
import { down, env, startCluster, status, stopCluster, up } from './sandbox.ts';
import { errorMessage } from '../kube/errors.ts';

const usage = `Usage: kubefed-sandbox <command> [flags]

Commands:
  up [--members N] [--dir DIR]   start etcd, host and N member clusters (default 2) and wait until ready
  down [--dir DIR]               stop every process the sandbox started and remove its data
  status [--dir DIR]             show each cluster and whether it answers
  env [--dir DIR]                print shell exports: eval "$(npx kubefed-sandbox env)"
  stop CLUSTER [--dir DIR]       stop one cluster's kube-apiserver (keeps its port and data)
  start CLUSTER [--dir DIR]      start a stopped cluster's kube-apiserver again

DIR defaults to ${DEFAULT_SANDBOX_DIR} in the current directory.
`;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dir: { type: 'string', default: DEFAULT_SANDBOX_DIR },
      members: { type: 'string', default: '2' },
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
      const result = await up({ dir, members, print });
      if (result.alreadyRunning) {
        print(
          `A sandbox is already running in ${dir} (${result.clusters.join(', ')}); nothing changed.`,
        );
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
      const rows = [
        ['CLUSTER', 'SERVER', 'APISERVER', 'READY', 'CONTROLLER-MANAGER', 'VERSION'],
        ...result.clusters.map((c) => [
          c.name,
          c.server,
          c.apiserverRunning ? 'running' : 'stopped',
          c.ready ? 'yes' : 'no',
          c.controllerManagerRunning ? 'running' : 'stopped',
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
