// The host cluster's client, from the common flags: --kubeconfig and --host-cluster-context.
import { KubeClient, userAgentFor } from '../kube/client.ts';
import { loadClusterConfig } from '../kube/kubeconfig.ts';
import { versionInfo } from './build-info.ts';
import { stringFlag } from './command.ts';
import type { CliIO, FlagValues } from './command.ts';

export function kubefedctlUserAgent(): string {
  return userAgentFor('kubefedctl', versionInfo().gitVersion);
}

/** A client for the host cluster, named after its kubeconfig context in every error. */
export function hostClusterClient(flags: FlagValues, io: CliIO): KubeClient {
  const config = loadClusterConfig({
    path: stringFlag(flags, 'kubeconfig'),
    context: stringFlag(flags, 'host-cluster-context'),
    env: io.env,
  });
  return new KubeClient(config, {
    cluster: config.contextName ?? 'host',
    userAgent: kubefedctlUserAgent(),
    env: io.env,
  });
}
