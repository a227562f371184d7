// The two clusters join and unjoin talk to, from one kubeconfig: contexts resolved up front (so a
// wrong name fails before anything is written), clients named after the cluster, and errors that
// say which cluster failed and what to check.
import { KubeClient } from '../kube/client.ts';
import { isTransportError, isUnauthorized, errorMessage } from '../kube/errors.ts';
import { loadKubeconfig, resolveContext } from '../kube/kubeconfig.ts';
import type { ClusterConnectionConfig, Kubeconfig } from '../kube/kubeconfig.ts';
import { stringFlag } from './command.ts';
import type { CliIO, FlagValues } from './command.ts';
import { kubefedctlUserAgent } from './host-client.ts';

export type ClusterRole = 'host' | 'member';

/** One cluster of a join or unjoin: its client and where it came from, for messages. */
export interface ClusterTarget {
  role: ClusterRole;
  /** The cluster's name in messages: the joining cluster's name, or the host cluster name. */
  name: string;
  /** Its kubeconfig context. */
  context: string;
  config: ClusterConnectionConfig;
  client: KubeClient;
}

/** The kubeconfig of `--kubeconfig` (else `$KUBECONFIG`, else `~/.kube/config`). */
export function loadCommandKubeconfig(flags: FlagValues, io: CliIO): Kubeconfig {
  return loadKubeconfig({ path: stringFlag(flags, 'kubeconfig'), env: io.env });
}

const contextFlag: Record<ClusterRole, string> = {
  host: '--host-cluster-context',
  member: '--cluster-context',
};

/**
 * Resolve a context (default: the current one) of the kubeconfig; a failure names the flag that
 * picks another.
 */
export function resolveClusterContext(
  kubeconfig: Kubeconfig,
  role: ClusterRole,
  context: string | undefined,
): ClusterConnectionConfig {
  try {
    return resolveContext(kubeconfig, context);
  } catch (err) {
    const message = errorMessage(err);
    throw new Error(
      `cannot use the ${role} cluster's kubeconfig context: ${message}; ` +
        `choose the ${role} cluster's context with ${contextFlag[role]}`,
      { cause: err },
    );
  }
}

export function clusterTarget(
  role: ClusterRole,
  name: string,
  config: ClusterConnectionConfig,
  io: CliIO,
): ClusterTarget {
  const client = new KubeClient(config, {
    cluster: name,
    userAgent: kubefedctlUserAgent(),
    env: io.env,
    timeoutMs: 20_000,
  });
  return { role, name, context: config.contextName ?? name, config, client };
}

/** `member cluster "member1"`. */
export function describeTarget(target: ClusterTarget): string {
  return `${target.role} cluster "${target.name}"`;
}

/**
 * Turn a failure to reach a cluster, or rejected credentials, into a message that names the
 * cluster, its URL and its kubeconfig context. Other errors pass through unchanged.
 */
export function explainClusterError(err: unknown, target: ClusterTarget): unknown {
  const where = `${describeTarget(target)} at ${target.client.server} (kubeconfig context "${target.context}")`;
  if (isTransportError(err)) {
    let detail = err.message;
    const prefix = `${err.context.cluster}: `;
    const suffix = ` (${err.context.server})`;
    if (detail.startsWith(prefix)) detail = detail.slice(prefix.length);
    if (detail.endsWith(suffix)) detail = detail.slice(0, -suffix.length);
    return new Error(
      `cannot reach the ${where}: ${detail}; check that the cluster is running and that the context points at it`,
      { cause: err },
    );
  }
  if (isUnauthorized(err)) {
    return new Error(`the ${where} rejected the context's credentials (401 Unauthorized)`, {
      cause: err,
    });
  }
  return err;
}

/** Run `call` against `target`, explaining a connection or credential failure. */
export async function onCluster<T>(target: ClusterTarget, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw explainClusterError(err, target);
  }
}

export async function closeTargets(...targets: (ClusterTarget | undefined)[]): Promise<void> {
  await Promise.all(targets.filter((t) => t !== undefined).map((t) => t.client.close()));
}
