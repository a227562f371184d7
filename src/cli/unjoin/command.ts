// `kubefedctl unjoin CLUSTER_NAME` (spec §13.3).
import { booleanFlag, stringFlag } from '../command.ts';
import type { CommandDefinition } from '../command.ts';
import {
  closeTargets,
  clusterTarget,
  loadCommandKubeconfig,
  resolveClusterContext,
} from '../cluster-access.ts';
import type { ClusterTarget } from '../cluster-access.ts';
import { hostClusterFlags, kubefedNamespace, memberClusterFlags } from '../flags.ts';
import { hostClusterNameFor } from '../registration.ts';
import { unjoinCluster } from './unjoin.ts';
import { errorMessage } from '../../kube/errors.ts';

export const unjoinCommand: CommandDefinition = {
  name: 'unjoin',
  summary: 'Remove a cluster from the KubeFed control plane',
  description:
    'Remove a cluster from the KubeFed control plane of the host cluster: delete the service\n' +
    'account and RBAC objects join created in the cluster, and its KubeFed namespace unless it is\n' +
    "the host's own or still used; then the token Secret and the KubeFedCluster in the host.\n" +
    'Objects the control plane propagated to the cluster are left in place.',
  usage: 'CLUSTER_NAME [flags]',
  positionals: { min: 1, max: 1 },
  flags: {
    ...hostClusterFlags,
    ...memberClusterFlags,
    force: {
      type: 'boolean',
      description:
        'Remove the registration from the host even when the cluster cannot be reached or cleaned up',
    },
  },
  examples: [
    'kubefedctl unjoin member1 --cluster-context member1 --host-cluster-context host',
    'kubefedctl unjoin gone-cluster --force   # the cluster no longer exists',
  ],
  async run({ flags, positionals, io }) {
    const clusterName = positionals[0] ?? '';
    const namespace = kubefedNamespace(flags);
    const force = booleanFlag(flags, 'force');
    const dryRun = booleanFlag(flags, 'dry-run');
    const report = (line: string): void => io.stdout(`${line}\n`);

    const kubeconfig = loadCommandKubeconfig(flags, io);
    const hostConfig = resolveClusterContext(
      kubeconfig,
      'host',
      stringFlag(flags, 'host-cluster-context'),
    );
    const hostContext = hostConfig.contextName ?? 'host';
    const hostClusterName = hostClusterNameFor(stringFlag(flags, 'host-cluster-name'), hostContext);
    let memberConfig;
    try {
      memberConfig = resolveClusterContext(
        kubeconfig,
        'member',
        stringFlag(flags, 'cluster-context') ?? clusterName,
      );
    } catch (err) {
      if (!force) {
        const message = errorMessage(err);
        throw new Error(
          `${message}; or run unjoin with --force to remove the registration from the host only`,
          { cause: err },
        );
      }
      io.stderr(`Warning: ${errorMessage(err)}; cleaning up the host only\n`);
    }

    let host: ClusterTarget | undefined;
    let member: ClusterTarget | undefined;
    try {
      host = clusterTarget('host', hostContext, hostConfig, io);
      member = memberConfig ? clusterTarget('member', clusterName, memberConfig, io) : undefined;
      const result = await unjoinCluster({
        clusterName,
        hostClusterName,
        namespace,
        host,
        member,
        force,
        dryRun,
        report,
      });
      for (const warning of result.warnings) io.stderr(`Warning: ${warning}\n`);
      io.stdout(
        dryRun
          ? `Dry run: nothing was deleted.\n`
          : `Cluster "${clusterName}" unjoined from host cluster "${host.name}".\n`,
      );
    } finally {
      await closeTargets(host, member);
    }
  },
};
