// The sandbox's Kubernetes binaries are built from the Go module proxy by
// hack/build-kube-binaries.sh and cached outside the repo. The script is idempotent: once the
// binaries exist it only prints their directory, so calling it on every `up` costs milliseconds.
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

const buildScript = fileURLToPath(new URL('../../hack/build-kube-binaries.sh', import.meta.url));

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

/** Builds the binaries if needed, streaming the build's progress to our stderr. */
export async function ensureKubeBinaries(): Promise<KubeBinaries> {
  const child = spawn('bash', [buildScript], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => (stdout += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) {
    throw new Error(
      `building the sandbox's Kubernetes binaries failed (${buildScript} exited ${String(code)}); see the output above`,
    );
  }
  const dir = stdout.trim().split('\n').pop();
  if (!dir) throw new Error(`${buildScript} printed no binary directory`);
  return binariesIn(dir);
}
