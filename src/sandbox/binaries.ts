// The sandbox's binaries are built from the Go module proxy by the scripts in hack/ and cached
// outside the repo, keyed by version. The scripts are idempotent: once a binary exists they only
// print where it is, so calling them on every `up` costs milliseconds.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface KubeBinaries {
  dir: string;
  etcd: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  kubectl: string;
}

const hack = (script: string): string =>
  fileURLToPath(new URL(`../../hack/${script}`, import.meta.url));

function binariesIn(dir: string): KubeBinaries {
  return {
    dir,
    etcd: `${dir}/etcd`,
    kubeApiserver: `${dir}/kube-apiserver`,
    kubeControllerManager: `${dir}/kube-controller-manager`,
    kubeScheduler: `${dir}/kube-scheduler`,
    kubectl: `${dir}/kubectl`,
  };
}

/** Builds etcd and the Kubernetes binaries if needed. */
export async function ensureKubeBinaries(): Promise<KubeBinaries> {
  return binariesIn(await runBuildScript(hack('build-kube-binaries.sh'), 'Kubernetes binaries'));
}

/** The Go commands `hack/build-go-command.sh` builds, each into its own cached directory. */
export type GoCommand = 'kwok' | 'helm' | 'external-dns' | 'coredns' | 'kubefed-go';

/**
 * Builds a Go command (and its sibling binaries, e.g. the Go KubeFed's controller-manager,
 * kubefedctl and webhook) if needed; resolves to the directory holding them.
 */
export function ensureGoCommand(tool: GoCommand): Promise<string> {
  return runBuildScript(hack('build-go-command.sh'), tool, [tool]);
}

/** Builds kwok if needed; resolves to the path of the binary. */
export async function ensureKwok(): Promise<string> {
  return `${await ensureGoCommand('kwok')}/kwok`;
}

/** Runs a build script, streaming its progress to our stderr; its last line of stdout is the result. */
async function runBuildScript(script: string, what: string, args: string[] = []): Promise<string> {
  const child = spawn('bash', [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => (stdout += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) {
    throw new Error(
      `building the sandbox's ${what} failed (${script} exited ${String(code)}); see the output above`,
    );
  }
  const result = stdout.trim().split('\n').pop();
  if (!result) throw new Error(`${script} printed no path`);
  return result;
}
