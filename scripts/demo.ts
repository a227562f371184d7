// `npm run demo`: the newcomer's tour. Brings up the sandbox (host + 2 members, built on first
// use), installs KubeFed into the host with `kubefedctl init`, starts the controller manager,
// joins all three clusters and shows them healthy, with the default federated types running.
// Each step prints the command a user would type.
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SANDBOX_DIR, sandboxPaths } from '../src/sandbox/layout.ts';
import { freePorts } from '../src/sandbox/ports.ts';
import { up } from '../src/sandbox/sandbox.ts';
import { readState } from '../src/sandbox/state.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const paths = sandboxPaths(`${root}${DEFAULT_SANDBOX_DIR}`);
const env = { ...process.env, KUBECONFIG: paths.kubeconfig };
const say = (line: string): void => {
  console.log(line);
};

function run(shown: string, command: string, args: string[]): Promise<string> {
  say(`\n$ ${shown}`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      process.stdout.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`'${shown}' exited with ${String(code)}`)),
    );
  });
}

const kubefedctl = (shown: string, ...args: string[]): Promise<string> =>
  run(`npx kubefedctl ${shown}`, process.execPath, [`${root}bin/kubefedctl.js`, ...args]);

try {
  say('$ npx kubefed-sandbox up');
  const sandbox = await up({ dir: paths.dir, members: 2, print: say });
  if (sandbox.alreadyRunning) say(`A sandbox is already running in ${paths.dir}; using it.`);
  const state = readState(paths.state);
  if (!state) throw new Error(`no sandbox state in ${paths.dir}`);
  const kubectl = (...args: string[]): Promise<string> =>
    run(`kubectl ${args.join(' ')}`, `${state.binDir}/kubectl`, args);

  await kubefedctl('init --host-cluster-context host', 'init', '--host-cluster-context', 'host');

  const log = `${paths.dir}/controller-manager.log`;
  const [healthzPort, metricsPort] = await freePorts(2);
  say(
    `\n$ npx kubefed-controller-manager --context host --kubefed-namespace kube-federation-system &   # log: ${log}`,
  );
  const logFd = openSync(log, 'a');
  const manager = spawn(
    process.execPath,
    [
      `${root}bin/kubefed-controller-manager.js`,
      '--context',
      'host',
      '--kubefed-namespace',
      'kube-federation-system',
      `--healthz-addr=127.0.0.1:${String(healthzPort)}`,
      `--metrics-addr=127.0.0.1:${String(metricsPort)}`,
    ],
    { cwd: root, env, stdio: ['ignore', logFd, logFd] },
  );
  try {
    for (const cluster of sandbox.clusters) {
      await kubefedctl(
        `join ${cluster} --cluster-context ${cluster} --host-cluster-context host --error-on-existing=false`,
        'join',
        cluster,
        '--cluster-context',
        cluster,
        '--host-cluster-context',
        'host',
        '--error-on-existing=false',
      );
    }
    say('\nWaiting for the controller manager to find every cluster ready...');
    for (let i = 0; i < 60; i++) {
      const out = await new Promise<string>((resolve) => {
        const child = spawn(
          `${state.binDir}/kubectl`,
          [
            '--context',
            'host',
            '-n',
            'kube-federation-system',
            'get',
            'kubefedclusters',
            '-o',
            'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
          ],
          { env, stdio: ['ignore', 'pipe', 'ignore'] },
        );
        let text = '';
        child.stdout.on('data', (c: Buffer) => (text += c.toString()));
        child.on('close', () => resolve(text));
      });
      if (out.split('\n').filter((s) => s === 'True').length === sandbox.clusters.length) break;
      await sleep(1000);
    }
    await kubefedctl(
      'get clusters --host-cluster-context host',
      'get',
      'clusters',
      '--host-cluster-context',
      'host',
    );
    await kubectl(
      '--context',
      'host',
      '-n',
      'kube-federation-system',
      'get',
      'federatedtypeconfigs',
      '-o',
      'custom-columns=NAME:.metadata.name,PROPAGATION:.spec.propagation,CONTROLLER:.status.propagationController',
    );
  } finally {
    manager.kill('SIGTERM');
  }
  say(`
The federation sandbox is running (${sandbox.clusters.join(', ')}), with KubeFed installed and
every cluster joined. The demo stopped its controller manager; run your own with:

  npx kubefed-controller-manager --kubeconfig ${paths.kubeconfig} --context host --kubefed-namespace kube-federation-system

Reach the clusters with kubectl:

  eval "$(npx kubefed-sandbox env)"     # KUBECONFIG and the sandbox's kubectl on PATH
  kubectl --context host -n kube-federation-system get kubefedclusters
  kubectl --context member1 get namespaces

Stop one member and start it again:  npx kubefed-sandbox stop member1 && npx kubefed-sandbox start member1
Remove everything:                    npx kubefed-sandbox down`);
} catch (error) {
  console.error(`\nnpm run demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
