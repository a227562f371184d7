// `kubefedctl join CLUSTER_NAME` (spec §13.2).
import {
  closeTargets,
  clusterTarget,
  loadCommandKubeconfig,
  resolveClusterContext,
} from '../cluster-access.ts';
import type { ClusterTarget } from '../cluster-access.ts';
import { UsageError, booleanFlag, stringFlag } from '../command.ts';
import type { CommandDefinition, FlagValues } from '../command.ts';
import { hostClusterFlags, kubefedNamespace, memberClusterFlags, outputFormat } from '../flags.ts';
import { renderObjects } from '../output.ts';
import { describeObject, isDns1123Subdomain } from '../names.ts';
import { lineProgress, silentProgress } from '../progress.ts';
import { hostClusterNameFor } from '../registration.ts';
import { joinCluster } from './join.ts';
import type { JoinResult } from './join.ts';
import { RBAC_MODES, memberObjects, parseRbacMode, validateJoinNames } from './plan.ts';
import { errorMessage } from '../../kube/errors.ts';
import {
  invalidTopologyValue,
  parseZones,
  topologyAnnotations,
} from '../../federation/cluster-topology.ts';

export const joinCommand: CommandDefinition = {
  name: 'join',
  summary: 'Register a cluster with the KubeFed control plane',
  description:
    'Register a cluster with the KubeFed control plane of the host cluster. In the joining cluster,\n' +
    'create a service account for the control plane and give it access (RBAC); in the host, store\n' +
    "the account's token in a Secret and create the KubeFedCluster CLUSTER_NAME. Every check is made\n" +
    'before anything is written; if a step fails, what this join created is deleted again.',
  usage: 'CLUSTER_NAME [flags]',
  positionals: { min: 1, max: 1 },
  flags: {
    ...hostClusterFlags,
    ...memberClusterFlags,
    'secret-name': {
      type: 'string',
      valueName: 'NAME',
      description:
        'Name of the host Secret with the cluster token (default: generated, CLUSTER_NAME-xxxxx)',
    },
    // A string, so `--error-on-existing=false` parses like Go's boolean flags.
    'error-on-existing': {
      type: 'string',
      valueName: 'true|false',
      default: 'true',
      description:
        'Fail if the cluster is already (even partly) joined; with false, update the existing registration',
    },
    rbac: {
      type: 'string',
      valueName: 'MODE',
      default: 'cluster-admin',
      description:
        'Access given to the control plane in the cluster: cluster-admin (everything, as KubeFed does) or ' +
        'least-privilege (read and write only the federated types enabled on the host, except RBAC types, ' +
        'namespaces and health checks; no escalate, bind or impersonate)',
    },
    region: {
      type: 'string',
      valueName: 'REGION',
      description:
        "The cluster's region for multi-cluster DNS names (annotation kubefed.io/region; otherwise its nodes' topology.kubernetes.io/region label)",
    },
    zones: {
      type: 'string',
      valueName: 'ZONE[,ZONE...]',
      description:
        "The cluster's zones, comma-separated, for multi-cluster DNS names (annotation kubefed.io/zones; otherwise its nodes' topology.kubernetes.io/zone labels)",
    },
    output: {
      type: 'string',
      short: 'o',
      valueName: 'FORMAT',
      description: 'With --dry-run (implied), print the objects as yaml or json',
    },
  },
  examples: [
    'kubefedctl join member1 --cluster-context member1 --host-cluster-context host',
    'kubefedctl join member1 --rbac least-privilege --host-cluster-context host',
    'kubefedctl join member1 --error-on-existing=false   # update an existing registration',
    'kubefedctl join member1 --dry-run -o yaml',
    'kubefedctl join member1 --region us-east1 --zones us-east1-b,us-east1-c   # names for multi-cluster DNS',
  ],
  async run({ flags, positionals, io }) {
    const clusterName = positionals[0] ?? '';
    const namespace = kubefedNamespace(flags);
    const errorOnExisting = parseBooleanFlag(flags, 'error-on-existing', true);
    const rbacText = stringFlag(flags, 'rbac') ?? 'cluster-admin';
    let rbac;
    try {
      rbac = parseRbacMode(rbacText);
    } catch {
      throw new UsageError(`invalid --rbac "${rbacText}": use ${RBAC_MODES.join(' or ')}`);
    }
    const secretName = stringFlag(flags, 'secret-name');
    if (secretName !== undefined && !isDns1123Subdomain(secretName)) {
      throw new UsageError(
        `invalid --secret-name "${secretName}": a Secret name is lower-case letters, digits, '-' and '.'`,
      );
    }
    const clusterAnnotations = topologyFlags(flags);
    const format = outputFormat(flags);
    const dryRun = booleanFlag(flags, 'dry-run') || format !== undefined;

    // Resolve both contexts and check every derived name before contacting any cluster.
    const kubeconfig = loadCommandKubeconfig(flags, io);
    const hostConfig = resolveClusterContext(
      kubeconfig,
      'host',
      stringFlag(flags, 'host-cluster-context'),
    );
    const memberConfig = resolveClusterContext(
      kubeconfig,
      'member',
      stringFlag(flags, 'cluster-context') ?? clusterName,
    );
    const hostContext = hostConfig.contextName ?? 'host';
    const hostClusterName = usage(() =>
      hostClusterNameFor(stringFlag(flags, 'host-cluster-name'), hostContext),
    );
    usage(() => validateJoinNames(clusterName, hostClusterName));

    let host: ClusterTarget | undefined;
    let member: ClusterTarget | undefined;
    try {
      host = clusterTarget('host', hostContext, hostConfig, io);
      member = clusterTarget('member', clusterName, memberConfig, io);
      const result = await joinCluster({
        clusterName,
        host,
        member,
        hostClusterName,
        namespace,
        secretName,
        errorOnExisting,
        rbac,
        dryRun,
        clusterAnnotations,
        // Objects printed with -o must parse as they are: no progress lines between them.
        progress: format === undefined ? lineProgress(io) : silentProgress,
      });
      if (dryRun) {
        if (format !== undefined) {
          io.stdout(
            renderObjects(
              [...memberObjects(result.plan).map((p) => p.object), ...result.hostObjects],
              format,
            ),
          );
        } else {
          io.stdout(dryRunSummary(result, member, host));
        }
        return;
      }
      for (const skipped of result.plan.skippedTargetTypes) {
        io.stdout(
          `Note: ${skipped} is cluster-scoped; a Namespaced control plane does not propagate it, so no access was given.\n`,
        );
      }
      for (const withheld of result.plan.withheldRbacTypes) {
        io.stdout(
          `Note: ${withheld} is federated, but least privilege gives no write access to RBAC objects ` +
            `(it would let the control plane grant itself more); they will fail to propagate to "${clusterName}". ` +
            `Join it with --rbac cluster-admin if they must.\n`,
        );
      }
      if (result.plan.secretsInEveryNamespace) {
        io.stdout(
          `Note: secrets are federated, so the control plane may read and write Secrets in every namespace ` +
            `of "${clusterName}", kube-system included, service account tokens too. To avoid it, ` +
            `'kubefedctl disable secrets' before joining, or run the control plane with scope Namespaced.\n`,
        );
      }
      if (rbac === 'least-privilege') {
        io.stdout(
          `Note: access covers the types federated now; after 'kubefedctl enable', run join again with --error-on-existing=false.\n`,
        );
      }
      io.stdout(
        `Cluster "${clusterName}" joined host cluster "${host.name}" (KubeFedCluster ${namespace}/${clusterName}).\n`,
      );
    } finally {
      await closeTargets(host, member);
    }
  },
};

function dryRunSummary(result: JoinResult, member: ClusterTarget, host: ClusterTarget): string {
  const existing = new Set(result.existing);
  const lines = ['Dry run: nothing was written. join would write:'];
  lines.push(`  in the member cluster "${member.name}" (${member.client.server}):`);
  for (const planned of memberObjects(result.plan)) {
    const description = describeObject(planned.object);
    const exists =
      planned === result.plan.namespace ? result.memberNamespaceExisted : existing.has(description);
    const note = exists ? ' (exists: kept or updated)' : '';
    lines.push(`    ${description}${note}`);
  }
  lines.push(`  in the host cluster "${host.name}" (${host.client.server}):`);
  for (const obj of result.hostObjects) lines.push(`    ${describeObject(obj)}`);
  lines.push(`The control plane runs with scope ${result.scope}.`);
  return `${lines.join('\n')}\n`;
}

/** `--region` and `--zones`, checked: each becomes a label of the DNS names. */
function topologyFlags(flags: FlagValues): Record<string, string> {
  const region = stringFlag(flags, 'region');
  const zonesText = stringFlag(flags, 'zones');
  const zones = zonesText === undefined ? undefined : parseZones(zonesText);
  if (zonesText !== undefined && zones?.length === 0) {
    throw new UsageError(
      `invalid --zones "${zonesText}": give at least one zone, e.g. --zones us-east1-b,us-east1-c`,
    );
  }
  for (const [flag, value] of [
    ...(region === undefined ? [] : [['region', region] as const]),
    ...(zones ?? []).map((zone) => ['zones', zone] as const),
  ]) {
    const problem = invalidTopologyValue(value);
    if (problem !== undefined) throw new UsageError(`invalid --${flag}: ${problem}`);
  }
  return topologyAnnotations(region, zones);
}

/** A Go-style boolean given as a string flag: true/false, 1/0, t/f (any case). */
function parseBooleanFlag(flags: FlagValues, name: string, fallback: boolean): boolean {
  const value = stringFlag(flags, name);
  if (value === undefined) return fallback;
  const lower = value.toLowerCase();
  if (['true', 't', '1'].includes(lower)) return true;
  if (['false', 'f', '0'].includes(lower)) return false;
  throw new UsageError(`invalid --${name} "${value}": use true or false`);
}

function usage<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    throw new UsageError(errorMessage(err));
  }
}
