// `npm run demo`: the whole story on the sandbox. Brings up host + 2 members (built on first
// use), installs KubeFed with `kubefedctl init`, starts the controller manager, joins all three
// clusters, federates a namespace with a ConfigMap, Secret, Deployment, Service and
// ServiceAccount (one per-cluster override), shows the propagation table and the Deployment's 2
// replicas ready in every cluster (scheduled to the sandbox's simulated nodes) and in the
// FederatedDeployment's aggregated status (`kubectl get federateddeployments`), spreads 8 replicas
// with a ReplicaSchedulingPreference, then moves member2 out of the namespace's placement and
// shows the objects leave it and its replicas move to the others. Each step prints the command
// a user would type.
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SANDBOX_DIR, sandboxPaths } from '../src/sandbox/layout.ts';
import { freePorts } from '../src/sandbox/ports.ts';
import { up } from '../src/sandbox/sandbox.ts';
import { readState } from '../src/sandbox/state.ts';
import { errorMessage } from '../src/kube/errors.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const paths = sandboxPaths(`${root}${DEFAULT_SANDBOX_DIR}`);
const env = { ...process.env, KUBECONFIG: paths.kubeconfig };
const say = (line: string): void => {
  console.log(line);
};

/** Runs a command; prints it and its output when `shown` is given. */
function run(
  shown: string | undefined,
  command: string,
  args: string[],
  input?: string,
): Promise<string> {
  if (shown !== undefined) say(`\n$ ${shown}`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (shown !== undefined) process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk: string) => {
      err += chunk;
      if (shown !== undefined) process.stderr.write(chunk);
    });
    child.stdin.end(input ?? '');
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(out)
        : reject(
            new Error(
              `'${shown ?? `${command} ${args.join(' ')}`}' exited with ${String(code)}: ${err.trim()}`,
            ),
          ),
    );
  });
}

const replicaSchedulingPreference = `apiVersion: scheduling.kubefed.io/v1alpha1
kind: ReplicaSchedulingPreference
metadata:
  name: web
  namespace: demo
spec:
  targetKind: FederatedDeployment
  totalReplicas: 8
  rebalance: true
  clusters:
    member1: {weight: 2}
    "*": {weight: 1}
`;

/** The FederatedDeployment web's READY (and CLUSTERS) columns say so, and it is Ready. */
async function federatedDeploymentReady(
  quietly: (...args: string[]) => Promise<string>,
  ready: string,
  clusters?: string,
): Promise<boolean> {
  const out = await quietly(
    '--context',
    'host',
    '-n',
    'demo',
    'get',
    'federateddeployment',
    'web',
    '-o',
    'jsonpath={.status.workload.ready} {.status.workload.readyClusters} {.status.conditions[?(@.type=="Ready")].status}',
  );
  const [readyNow, clustersNow, condition] = out.trim().split(' ');
  return (
    readyNow === ready &&
    (clusters === undefined || clustersNow === clusters) &&
    condition === 'True'
  );
}

async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 90_000,
): Promise<void> {
  process.stdout.write(`\nWaiting until ${what}...`);
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(1000);
  }
  say(' done');
}

const kubefedctl = (...args: string[]): Promise<string> =>
  run(`npx kubefedctl ${args.join(' ')}`, process.execPath, [`${root}bin/kubefedctl.js`, ...args]);

const demoObjects = `
apiVersion: v1
kind: Namespace
metadata: {name: demo}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config, namespace: demo}
data: {greeting: hello from the host}
---
apiVersion: v1
kind: Secret
metadata: {name: web-secret, namespace: demo}
stringData: {password: not-a-real-password}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: demo}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: demo}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: web
      containers: [{name: web, image: registry.k8s.io/pause:3.10}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: demo}
spec:
  selector: {app: web}
  ports: [{port: 80}]
`;

try {
  say('$ npx kubefed-sandbox up');
  const sandbox = await up({ dir: paths.dir, members: 2, print: say });
  if (sandbox.alreadyRunning) say(`A sandbox is already running in ${paths.dir}; using it.`);
  const state = readState(paths.state);
  if (!state) throw new Error(`no sandbox state in ${paths.dir}`);
  const kubectlPath = `${state.binDir}/kubectl`;
  const kubectl = (...args: string[]): Promise<string> =>
    run(`kubectl ${args.join(' ')}`, kubectlPath, args);
  const quietly = (...args: string[]): Promise<string> => run(undefined, kubectlPath, args);

  await kubefedctl('init', '--host-cluster-context', 'host');

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
        'join',
        cluster,
        '--cluster-context',
        cluster,
        '--host-cluster-context',
        'host',
        '--error-on-existing=false',
      );
    }
    await waitUntil('every cluster is Ready', async () => {
      const out = await quietly(
        '--context',
        'host',
        '-n',
        'kube-federation-system',
        'get',
        'kubefedclusters',
        '-o',
        'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
      );
      return out.split('\n').filter((s) => s === 'True').length === sandbox.clusters.length;
    });
    await kubefedctl('get', 'clusters', '--host-cluster-context', 'host');

    // A namespace with an application in the host, then federated as a whole.
    await run(
      'kubectl --context host apply -f - (namespace demo: ConfigMap, Secret, ServiceAccount, Deployment, Service)',
      kubectlPath,
      ['--context', 'host', 'apply', '-f', '-'],
      demoObjects,
    );
    await kubefedctl(
      'federate',
      'namespace',
      'demo',
      '--contents',
      '--host-cluster-context',
      'host',
    );
    await kubectl(
      '--context',
      'host',
      '-n',
      'demo',
      'patch',
      'federatedconfigmap',
      'web-config',
      '--type=merge',
      '-p',
      JSON.stringify({
        spec: {
          overrides: [
            {
              clusterName: 'member1',
              clusterOverrides: [{ path: '/data/greeting', value: 'hello from member1' }],
            },
          ],
        },
      }),
    );

    await waitUntil('the application is in every cluster', async () => {
      for (const cluster of sandbox.clusters) {
        const found = await quietly(
          '--context',
          cluster,
          '-n',
          'demo',
          'get',
          'configmap/web-config',
          'secret/web-secret',
          'serviceaccount/web',
          'deployment/web',
          'service/web',
          '-o',
          'name',
        );
        if (found.trim().split('\n').length !== 5) return false;
      }
      const greeting = await quietly(
        '--context',
        'member1',
        '-n',
        'demo',
        'get',
        'configmap',
        'web-config',
        '-o',
        'jsonpath={.data.greeting}',
      );
      return greeting === 'hello from member1';
    });
    await kubefedctl(
      'get',
      'configmaps',
      'web-config',
      '-n',
      'demo',
      '--host-cluster-context',
      'host',
    );
    await kubefedctl('get', 'deployments', '-n', 'demo', '--host-cluster-context', 'host');
    for (const cluster of sandbox.clusters) {
      await kubectl(
        '--context',
        cluster,
        '-n',
        'demo',
        'get',
        'configmap',
        'web-config',
        '-o',
        'jsonpath={.data.greeting}{"\\n"}',
      );
    }
    await kubectl(
      '--context',
      'member2',
      '-n',
      'demo',
      'get',
      'deployments,replicasets,services,serviceaccounts',
    );

    // The propagated Deployment really runs: kube-scheduler places its pods on each cluster's
    // simulated nodes and kwok, their stand-in kubelet, reports them Running and Ready.
    await waitUntil('the Deployment web is 2/2 ready in every cluster', async () => {
      for (const cluster of sandbox.clusters) {
        const ready = await quietly(
          '--context',
          cluster,
          '-n',
          'demo',
          'get',
          'deployment',
          'web',
          '-o',
          'jsonpath={.status.readyReplicas}',
        );
        if (ready !== '2') return false;
      }
      return true;
    });
    for (const cluster of sandbox.clusters) {
      await kubectl('--context', cluster, '-n', 'demo', 'get', 'deployments');
    }
    await kubectl('--context', 'member1', '-n', 'demo', 'get', 'pods', '-o', 'wide');

    // The federated Deployment says so itself: its aggregated workload status sums the members'
    // replicas, and its Ready condition holds once every placed cluster is ready.
    await waitUntil('the FederatedDeployment web reports Ready', async () => {
      const ready = await quietly(
        '--context',
        'host',
        '-n',
        'demo',
        'get',
        'federateddeployment',
        'web',
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
      );
      return ready === 'True';
    });
    await kubectl('--context', 'host', '-n', 'demo', 'get', 'federateddeployments');
    await kubectl(
      '--context',
      'host',
      '-n',
      'demo',
      'get',
      'federateddeployment',
      'web',
      '-o',
      'jsonpath={range .status.workload.clusters[*]}{.name}: {.readyReplicas}/{.replicas} ready{"\\n"}{end}',
    );
    await kubefedctl('get', 'deployments', 'web', '-n', 'demo', '--host-cluster-context', 'host');

    // Replica scheduling: a ReplicaSchedulingPreference spreads 8 replicas, twice as many on
    // member1 as elsewhere, by writing the FederatedDeployment's placement and replicas overrides.
    await run(
      'kubectl --context host -n demo apply -f - (ReplicaSchedulingPreference web: 8 replicas, member1 weight 2, "*" weight 1)',
      kubectlPath,
      ['--context', 'host', '-n', 'demo', 'apply', '-f', '-'],
      replicaSchedulingPreference,
    );
    await waitUntil('the FederatedDeployment web runs 8 ready replicas', () =>
      federatedDeploymentReady(quietly, '8/8'),
    );
    await kubectl('--context', 'host', '-n', 'demo', 'get', 'federateddeployments');
    await kubefedctl('get', 'rsp', 'web', '-n', 'demo', '--host-cluster-context', 'host');

    // Placement: take member2 out of the namespace; everything in it leaves member2.
    await kubectl(
      '--context',
      'host',
      '-n',
      'demo',
      'patch',
      'federatednamespace',
      'demo',
      '--type=merge',
      '-p',
      JSON.stringify({
        spec: { placement: { clusters: [{ name: 'host' }, { name: 'member1' }] } },
      }),
    );
    await waitUntil(
      'namespace demo is gone from member2',
      async () =>
        (
          await quietly(
            '--context',
            'member2',
            'get',
            'namespace',
            'demo',
            '--ignore-not-found',
            '-o',
            'name',
          )
        ).trim() === '',
    );
    await waitUntil(
      'the FederatedNamespace reports Propagation=True again',
      async () =>
        (await quietly(
          '--context',
          'host',
          '-n',
          'demo',
          'get',
          'federatednamespace',
          'demo',
          '-o',
          'jsonpath={.status.conditions[?(@.type=="Propagation")].status}',
        )) === 'True',
    );
    await kubectl('--context', 'member2', 'get', 'namespace', 'demo', '--ignore-not-found');
    // The RSP follows: member2's replicas now run on host and member1.
    await waitUntil('the 8 replicas run on host and member1', () =>
      federatedDeploymentReady(quietly, '8/8', '2/2'),
    );
    await kubectl('--context', 'host', '-n', 'demo', 'get', 'federateddeployments');
    await kubectl('--context', 'member1', '-n', 'demo', 'get', 'configmaps,deployments');
    await kubefedctl('get', 'namespaces', 'demo', '--host-cluster-context', 'host');
  } finally {
    manager.kill('SIGTERM');
  }
  say(`
The federation sandbox is running (${sandbox.clusters.join(', ')}): KubeFed is installed, every
cluster joined, and namespace demo is federated to host and member1. The demo stopped its
controller manager; run your own (the user guide, docs/userguide.md, goes on from here):

  npx kubefed-controller-manager --kubeconfig ${paths.kubeconfig} --context host --kubefed-namespace kube-federation-system

Reach the clusters with kubectl:

  eval "$(npx kubefed-sandbox env)"     # KUBECONFIG and the sandbox's kubectl on PATH
  kubectl --context host -n demo get federatedconfigmaps,federateddeployments
  kubectl --context member1 -n demo get configmaps

Remove everything:  npx kubefed-sandbox down`);
} catch (error) {
  console.error(`\nnpm run demo: ${errorMessage(error)}`);
  process.exitCode = 1;
}
