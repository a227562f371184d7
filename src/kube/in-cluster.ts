// In-cluster configuration: the service account mounted into every pod, as client-go's
// rest.InClusterConfig reads it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeFsError } from './kubeconfig.ts';
import type { ClusterConnectionConfig } from './kubeconfig.ts';

export const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface InClusterOptions {
  env?: NodeJS.ProcessEnv;
  /** Where the service account is mounted (tests point this at a temporary directory). */
  serviceAccountDir?: string;
}

/** True when running in a pod (the API server address is in the environment). */
export function isInCluster(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env['KUBERNETES_SERVICE_HOST'] && env['KUBERNETES_SERVICE_PORT']);
}

export function inClusterConfig(options: InClusterOptions = {}): ClusterConnectionConfig {
  const env = options.env ?? process.env;
  const dir = options.serviceAccountDir ?? serviceAccountDir;
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'];
  if (!host || !port) {
    throw new Error(
      'not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set',
    );
  }
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const tokenFile = join(dir, 'token');
  const config: ClusterConnectionConfig = {
    server: `https://${hostPart}:${port}`,
    caData: readServiceAccountFile(dir, 'ca.crt'),
    // Projected tokens rotate: the client re-reads the file rather than keeping one value.
    tokenFile,
  };
  readServiceAccountFile(dir, 'token');
  try {
    const namespace = readFileSync(join(dir, 'namespace'), 'utf8').trim();
    if (namespace) config.namespace = namespace;
  } catch {
    // The namespace file is optional; callers needing a namespace say so themselves.
  }
  return config;
}

function readServiceAccountFile(dir: string, name: string): string {
  const path = join(dir, name);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read service account ${name} (${path}): ${describeFsError(err)}`, {
      cause: err,
    });
  }
}
