// The host cluster's client, from the common flags: --kubeconfig and --host-cluster-context.
import type { KubeObject } from '../json/object.ts';
import { KubeClient, userAgentFor } from '../kube/client.ts';
import { isNotFound } from '../kube/errors.ts';
import { loadClusterConfig } from '../kube/kubeconfig.ts';
import type { ResourceRef } from '../kube/resource.ts';
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

/**
 * The object the user named, from the host: NotFound becomes a message that names the object and
 * the host cluster, followed by `advice`.
 */
export async function getFromHost(
  client: KubeClient,
  ref: ResourceRef,
  object: { kind: string; name: string; namespace: string | undefined },
  advice = '',
): Promise<KubeObject> {
  const { kind, name, namespace } = object;
  try {
    return await client.get(ref, name, { namespace });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    const where = namespace === undefined ? '' : ` in namespace ${namespace}`;
    throw new Error(
      `${kind} "${name}" not found${where} of host cluster "${client.cluster}"${advice}`,
      { cause: err },
    );
  }
}
