// What integration tests share: the sandbox that `npm test` started (host + 2 members), and a
// real kubectl pointed at it. To run one test file by hand against your own sandbox:
//   KUBEFED_TEST_SANDBOX_DIR=.sandbox KUBEFED_TEST_KUBECONFIG=.sandbox/kubeconfig node --test FILE
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { KubeObject } from '../../src/json/object.ts';
import { sandboxPaths } from '../../src/sandbox/layout.ts';
import { readState } from '../../src/sandbox/state.ts';

const execFileAsync = promisify(execFile);

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface TestSandbox {
  dir: string;
  kubeconfig: string;
  kubectlPath: string;
  clusters: string[];
}

export function testSandbox(): TestSandbox {
  const dir = process.env.KUBEFED_TEST_SANDBOX_DIR;
  const kubeconfig = process.env.KUBEFED_TEST_KUBECONFIG;
  if (!dir || !kubeconfig) {
    throw new Error(
      'integration tests need a sandbox: run them with `npm test`, or set KUBEFED_TEST_SANDBOX_DIR and KUBEFED_TEST_KUBECONFIG',
    );
  }
  return sandboxAt(dir, kubeconfig);
}

export function sandboxAt(dir: string, kubeconfig = sandboxPaths(dir).kubeconfig): TestSandbox {
  const state = readState(sandboxPaths(dir).state);
  if (!state) throw new Error(`no sandbox state in ${dir}`);
  return {
    dir,
    kubeconfig,
    kubectlPath: `${state.binDir}/kubectl`,
    clusters: state.clusters.map((c) => c.name),
  };
}

/** Runs the sandbox's kubectl; rejects with kubectl's stderr when it fails. */
export async function kubectl(
  sandbox: TestSandbox,
  args: string[],
  input?: string,
): Promise<string> {
  const child = execFileAsync(sandbox.kubectlPath, ['--kubeconfig', sandbox.kubeconfig, ...args], {
    maxBuffer: 64 << 20,
  });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  try {
    return (await child).stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`kubectl ${args.join(' ')}: ${e.stderr?.trim() || e.message}`, {
      cause: error,
    });
  }
}

/** `kubectl get ARGS -o json` in one context; undefined when the object does not exist. */
export async function getJson(
  sandbox: TestSandbox,
  context: string,
  args: string[],
): Promise<KubeObject | undefined> {
  const out = await kubectl(sandbox, [
    '--context',
    context,
    'get',
    ...args,
    '-o',
    'json',
    '--ignore-not-found',
  ]);
  return out.trim() === '' ? undefined : (JSON.parse(out) as KubeObject);
}

/** `kubectl apply` of the objects on the host cluster. */
export async function applyOnHost(
  sandbox: TestSandbox,
  objects: readonly KubeObject[],
): Promise<void> {
  await kubectl(
    sandbox,
    ['--context', 'host', 'apply', '-f', '-'],
    objects.map((o) => stringify(o)).join('---\n'),
  );
}

/** A federated object's `status.clusters` as cluster name → status code ('' when OK). */
export function clusterStatuses(fed: KubeObject | undefined): Record<string, string> {
  const list =
    (fed?.['status'] as { clusters?: { name: string; status?: string }[] } | undefined)?.clusters ??
    [];
  return Object.fromEntries(list.map((c) => [c.name, c.status ?? '']));
}

/** Runs one of the project's CLIs (bin/<name>.js) and returns its exit code and output. */
export async function runCli(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(
      process.execPath,
      [`${repoRoot}bin/${name}.js`, ...args],
      { cwd: repoRoot, env, maxBuffer: 64 << 20 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === 'number' ? e.code : 1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? '',
    };
  }
}

/** Polls `check` every half second until it returns a value; fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(500);
  }
}

/** Joins each cluster (its context has the same name) to the sandbox's host; an existing registration is updated. */
export async function joinClusters(sandbox: TestSandbox, names: readonly string[]): Promise<void> {
  for (const name of names) {
    const join = await runCli('kubefedctl', [
      'join',
      name,
      '--cluster-context',
      name,
      '--error-on-existing=false',
      '--kubeconfig',
      sandbox.kubeconfig,
      '--host-cluster-context',
      'host',
    ]);
    if (join.code !== 0) throw new Error(`join ${name}: ${join.stderr}`);
  }
}

/** Unjoins each cluster, best effort (for after hooks). */
export async function unjoinClusters(
  sandbox: TestSandbox,
  names: readonly string[],
): Promise<void> {
  for (const name of names) {
    await runCli('kubefedctl', [
      'unjoin',
      name,
      '--cluster-context',
      name,
      '--kubeconfig',
      sandbox.kubeconfig,
      '--host-cluster-context',
      'host',
    ]);
  }
}

/** A namespaced CRD `<plural>.<group>` (version v1) whose spec holds an integer `size`. */
export function sizedCRD(group: string, kind: string): Record<string, unknown> {
  const plural = `${kind.toLowerCase()}s`;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
            },
          },
        },
      ],
    },
  };
}

/** Creates namespace `ns` on the host and federates it to every joined cluster. */
export async function createFederatedNamespace(sandbox: TestSandbox, ns: string): Promise<void> {
  await kubectl(sandbox, ['--context', 'host', 'create', 'namespace', ns]);
  const federatedNamespace = {
    apiVersion: 'types.kubefed.io/v1beta1',
    kind: 'FederatedNamespace',
    metadata: { name: ns, namespace: ns },
    spec: { placement: { clusterSelector: {} } },
  };
  await kubectl(
    sandbox,
    ['--context', 'host', 'apply', '-f', '-'],
    JSON.stringify(federatedNamespace),
  );
}

/** The namespaced federated resources the host serves (`federatedconfigmaps.types.kubefed.io`, ...). */
async function namespacedFederatedResources(sandbox: TestSandbox): Promise<string[]> {
  const out = await kubectl(sandbox, [
    '--context',
    'host',
    'api-resources',
    '--api-group=types.kubefed.io',
    '--namespaced=true',
    '-o',
    'name',
  ]);
  return out.split('\n').filter((r) => r !== '');
}

/**
 * Deletes every federated object in namespace `ns` of the host (every type, FederatedNamespaces
 * included when `withNamespace`) and waits until they are gone. Their finalizers belong to the
 * sync controllers, so a controller manager must still run: call this before stopping it.
 */
export async function deleteFederatedObjects(
  sandbox: TestSandbox,
  ns: string,
  { withNamespace = false, timeoutMs = 90_000 } = {},
): Promise<void> {
  const resources = (await namespacedFederatedResources(sandbox)).filter(
    (r) => withNamespace || !r.startsWith('federatednamespaces.'),
  );
  if (resources.length === 0) return;
  const args = ['--context', 'host', '-n', ns];
  await kubectl(sandbox, [...args, 'delete', resources.join(','), '--all', '--wait=false']);
  await eventually(async () => {
    const left = await kubectl(sandbox, [...args, 'get', resources.join(','), '-o', 'name']);
    return left.trim() === '' ? true : undefined;
  }, timeoutMs);
}

/**
 * Removes what `createFederatedNamespace` started: the federated objects in `ns`, then the
 * FederatedNamespace (the sync controller deletes the member namespaces), then the host namespace;
 * returns once `ns` is gone from every cluster of the sandbox, so that nothing of this test is
 * still being deleted when the next one measures. A controller manager must still run.
 */
export async function deleteFederatedNamespace(sandbox: TestSandbox, ns: string): Promise<void> {
  await deleteFederatedObjects(sandbox, ns);
  await deleteFederatedObjects(sandbox, ns, { withNamespace: true });
  await kubectl(sandbox, ['--context', 'host', 'delete', 'namespace', ns, '--ignore-not-found']);
  for (const context of sandbox.clusters) await waitForNamespaceGone(sandbox, context, ns);
}

/**
 * Waits while a namespace is being deleted (an earlier unjoin deletes the member's KubeFed
 * namespace, which can take a minute or more): joins that create objects in it fail meanwhile.
 */
export async function waitForNamespaceUsable(
  sandbox: TestSandbox,
  context: string,
  ns: string,
  timeoutMs = 150_000,
): Promise<void> {
  await eventually(
    async () => ((await namespacePhase(sandbox, context, ns)) === 'Terminating' ? undefined : true),
    timeoutMs,
  );
}

/** Waits until namespace `ns` no longer exists in cluster `context` (deleted by someone else). */
export async function waitForNamespaceGone(
  sandbox: TestSandbox,
  context: string,
  ns: string,
  timeoutMs = 90_000,
): Promise<void> {
  await eventually(
    async () => ((await namespacePhase(sandbox, context, ns)) === undefined ? true : undefined),
    timeoutMs,
  );
}

/** A namespace's `status.phase`; undefined when it does not exist. */
async function namespacePhase(
  sandbox: TestSandbox,
  context: string,
  ns: string,
): Promise<string | undefined> {
  const namespace = await getJson(sandbox, context, ['namespace', ns]);
  return namespace === undefined
    ? undefined
    : ((namespace['status'] as { phase?: string } | undefined)?.phase ?? '');
}
