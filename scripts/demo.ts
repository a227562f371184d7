// `npm run demo`: the newcomer's tour. Brings up the sandbox (host + 2 members, built on first
// use), installs the KubeFed control plane's APIs into the host with `kubefedctl init`, and shows
// how to reach every cluster with kubectl. Each step prints the command a user would type.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SANDBOX_DIR, sandboxPaths } from '../src/sandbox/layout.ts';
import { up } from '../src/sandbox/sandbox.ts';
import { readState } from '../src/sandbox/state.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const paths = sandboxPaths(`${root}${DEFAULT_SANDBOX_DIR}`);
const say = (line: string): void => {
  console.log(line);
};

function run(shown: string, command: string, args: string[]): Promise<void> {
  say(`\n$ ${shown}`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, KUBECONFIG: paths.kubeconfig },
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`'${shown}' exited with ${String(code)}`)),
    );
  });
}

try {
  say('$ npx kubefed-sandbox up');
  const sandbox = await up({ dir: paths.dir, members: 2, print: say });
  if (sandbox.alreadyRunning) say(`A sandbox is already running in ${paths.dir}; using it.`);
  const state = readState(paths.state);
  if (!state) throw new Error(`no sandbox state in ${paths.dir}`);
  const kubectl = `${state.binDir}/kubectl`;
  const kubefedctl = `${root}bin/kubefedctl.js`;

  await run('npx kubefedctl init --host-cluster-context host', process.execPath, [
    kubefedctl,
    'init',
    '--host-cluster-context',
    'host',
  ]);
  await run('kubectl --context host get crds', kubectl, ['--context', 'host', 'get', 'crds']);
  await run(
    'kubectl --context host -n kube-federation-system get kubefedconfig kubefed -o yaml',
    kubectl,
    [
      '--context',
      'host',
      '-n',
      'kube-federation-system',
      'get',
      'kubefedconfig',
      'kubefed',
      '-o',
      'yaml',
    ],
  );
  for (const cluster of sandbox.clusters) {
    await run(`kubectl --context ${cluster} get namespaces`, kubectl, [
      '--context',
      cluster,
      'get',
      'namespaces',
    ]);
  }
  say(`
The federation sandbox is running (${sandbox.clusters.join(', ')}).
Reach it with kubectl:

  eval "$(npx kubefed-sandbox env)"     # KUBECONFIG=${paths.kubeconfig}, and the sandbox's kubectl on PATH
  kubectl --context host get kubefedconfigs -A
  kubectl --context member1 get namespaces

Stop one member and start it again:  npx kubefed-sandbox stop member1 && npx kubefed-sandbox start member1
Remove everything:                    npx kubefed-sandbox down`);
} catch (error) {
  console.error(`\nnpm run demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
