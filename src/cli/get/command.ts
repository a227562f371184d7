// `kubefedctl get clusters [NAME]`: the KubeFedClusters of the host, as kubectl would print them;
// `kubefedctl get TYPE [NAME]`: federated objects and how they are propagated to the members;
// `kubefedctl get rsp [NAME]`: ReplicaSchedulingPreferences and how they spread the replicas.
import { parseGoDuration } from '../../apis/duration.ts';
import {
  kubeFedClustersResource,
  replicaSchedulingPreferencesResource,
} from '../../apis/resources.ts';
import { NAMESPACES_TYPE_CONFIG } from '../../apis/typeconfig.ts';
import type { ReplicaSchedulingPreference } from '../../apis/types.ts';
import { workloadCounting } from '../../apis/workload-types.ts';
import { UNSCHEDULABLE_THRESHOLD_MS } from '../../federation/scheduling/pod-analysis.ts';
import { isNotFound } from '../../kube/errors.ts';
import { UsageError, booleanFlag, stringFlag } from '../command.ts';
import type { CliIO, CommandDefinition, FlagValues } from '../command.ts';
import { hostClusterFlags, kubefedNamespace } from '../flags.ts';
import { getFromHost, hostClusterClient } from '../host-client.ts';
import { namespaceFlag, targetNamespace } from '../target-namespace.ts';
import {
  CLUSTER_OUTPUT_FORMATS,
  renderAsKubectl,
  renderClusterTable,
  renderClusters,
} from './clusters-table.ts';
import type { ClusterOutputFormat } from './clusters-table.ts';
import { readMemberView, resolveFederatedTypeView } from './federated.ts';
import { renderFederatedList, renderFederatedObject } from './federated-table.ts';
import { readPreferenceView } from './preference.ts';
import { renderPreference, renderPreferenceList } from './preference-table.ts';

/** Names `get` accepts for KubeFedClusters (kubectl's plural, singular, short and full names). */
const CLUSTER_TYPE_NAMES: readonly string[] = [
  'clusters',
  'cluster',
  kubeFedClustersResource.resource,
  kubeFedClustersResource.kind.toLowerCase(),
  `${kubeFedClustersResource.resource}.${kubeFedClustersResource.group}`,
  ...kubeFedClustersResource.shortNames,
];

/** Names `get` accepts for ReplicaSchedulingPreferences. */
const PREFERENCE_TYPE_NAMES: readonly string[] = [
  replicaSchedulingPreferencesResource.resource,
  replicaSchedulingPreferencesResource.kind.toLowerCase(),
  `${replicaSchedulingPreferencesResource.resource}.${replicaSchedulingPreferencesResource.group}`,
  ...replicaSchedulingPreferencesResource.shortNames,
];

const THRESHOLD_FLAG = 'pod-unschedulable-threshold';

const {
  kubeconfig,
  'host-cluster-context': hostContext,
  'kubefed-namespace': kfns,
} = hostClusterFlags;

export const getCommand: CommandDefinition = {
  name: 'get',
  summary: 'List the clusters joined to KubeFed, or show federated objects and their propagation',
  description:
    'get clusters: list the clusters joined to the KubeFed control plane (its KubeFedClusters) with\n' +
    'their health, Kubernetes version, API endpoint and age.\n' +
    'get TYPE NAME: show a federated object: its Propagation condition and, for each member cluster\n' +
    'it is placed on or reports on, whether the object is there, its propagation status and its age\n' +
    "there (read with the cluster's KubeFed credentials), and for workloads (Deployment, ReplicaSet,\n" +
    'StatefulSet, DaemonSet, Job) how ready they are. TYPE is the target type (configmaps, cm)\n' +
    'or the federated one (federatedconfigmaps, fcm). Without NAME, list the federated objects.\n' +
    'get rsp NAME: show a ReplicaSchedulingPreference and, for each cluster, the preference that\n' +
    'applies (WEIGHT, MIN, MAX), the replicas the scheduler wrote for it (PLANNED), what the member\n' +
    'workload runs (REPLICAS: ready/desired), the capacity its unschedulable pods leave\n' +
    '(CAPACITY) and WHY the cluster has that number. Without NAME, list the preferences.\n' +
    'With -o the objects are printed as yaml, json or names.',
  usage: '(clusters | rsp | TYPE) [NAME] [flags]',
  positionals: { min: 1, max: 2 },
  flags: {
    ...(kubeconfig ? { kubeconfig } : {}),
    ...(hostContext ? { 'host-cluster-context': hostContext } : {}),
    ...(kfns ? { 'kubefed-namespace': kfns } : {}),
    output: {
      type: 'string',
      short: 'o',
      valueName: 'FORMAT',
      description: `Print the objects as ${CLUSTER_OUTPUT_FORMATS.join(', ')} instead of a table`,
    },
    ...namespaceFlag,
    'all-namespaces': {
      type: 'boolean',
      short: 'A',
      description: 'Without NAME: list the objects of every namespace',
    },
    [THRESHOLD_FLAG]: {
      type: 'string',
      valueName: 'DURATION',
      description:
        "get rsp: pods unschedulable this long lower a cluster's capacity; give the manager's value (default 1m0s)",
    },
  },
  examples: [
    'kubefedctl get clusters --host-cluster-context host',
    'kubefedctl get kubefedclusters member1 -o yaml',
    'kubefedctl get configmaps web-config -n web',
    'kubefedctl get fdeploy -A',
    'kubefedctl get rsp web -n shop',
  ],
  async run({ flags, positionals, io }) {
    const [type = '', name] = positionals;
    if (PREFERENCE_TYPE_NAMES.includes(type.toLowerCase())) {
      await getPreferences(flags, name, io);
      return;
    }
    if (stringFlag(flags, THRESHOLD_FLAG) !== undefined) {
      throw new UsageError(`--${THRESHOLD_FLAG} applies to 'get rsp' only`);
    }
    if (!CLUSTER_TYPE_NAMES.includes(type.toLowerCase())) {
      await getFederated(flags, type, name, io);
      return;
    }
    const format = parseOutput(stringFlag(flags, 'output'));
    const namespace = kubefedNamespace(flags);
    const client = hostClusterClient(flags, io);
    try {
      let clusters;
      if (name !== undefined) {
        const kind = kubeFedClustersResource.kind;
        clusters = [await getFromHost(client, kubeFedClustersResource, { kind, name, namespace })];
      } else {
        try {
          clusters = (await client.list(kubeFedClustersResource, { namespace })).items;
        } catch (err) {
          if (!isNotFound(err)) throw err;
          throw new Error(
            `host cluster "${client.cluster}" does not serve KubeFedClusters: is KubeFed installed? ` +
              "Install it with 'kubefedctl init'",
            { cause: err },
          );
        }
      }
      if (format !== 'table') {
        io.stdout(renderClusters(clusters, format, name !== undefined));
      } else if (clusters.length === 0) {
        io.stderr(`No resources found in ${namespace} namespace.\n`);
      } else {
        io.stdout(renderClusterTable(clusters, new Date()));
      }
    } finally {
      await client.close();
    }
  },
};

function parseOutput(value: string | undefined): ClusterOutputFormat {
  if (value === undefined) return 'table';
  const format = CLUSTER_OUTPUT_FORMATS.find((f) => f === value);
  if (!format) {
    throw new UsageError(`invalid --output "${value}": use ${CLUSTER_OUTPUT_FORMATS.join(', ')}`);
  }
  return format;
}

/** `get TYPE [NAME]` for a federated type (named by its target or by itself). */
async function getFederated(
  flags: FlagValues,
  typeName: string,
  name: string | undefined,
  io: CliIO,
): Promise<void> {
  const format = parseOutput(stringFlag(flags, 'output'));
  const allNamespaces = booleanFlag(flags, 'all-namespaces');
  if (allNamespaces && name !== undefined) {
    throw new UsageError('--all-namespaces lists objects; it cannot be combined with a NAME');
  }
  const kfns = kubefedNamespace(flags);
  const namespaceGiven = stringFlag(flags, 'namespace') !== undefined;
  const client = hostClusterClient(flags, io);
  try {
    const view = await resolveFederatedTypeView(client, typeName, kfns);
    // A FederatedNamespace lives in the namespace it federates: NAME is enough.
    const isNamespaceType = view.typeConfig?.metadata?.name === NAMESPACES_TYPE_CONFIG;
    const namespace = !view.ref.namespaced
      ? undefined
      : isNamespaceType && name !== undefined && !namespaceGiven
        ? name
        : targetNamespace(flags, io);
    const prefix = `${view.kind.toLowerCase()}${view.ref.group ? `.${view.ref.group}` : ''}`;
    const counting = view.typeConfig && workloadCounting(view.typeConfig.spec.targetType);
    if (name === undefined) {
      const listNamespace = allNamespaces ? undefined : namespace;
      const objects = (await client.list(view.ref, { namespace: listNamespace })).items;
      if (format !== 'table') io.stdout(renderAsKubectl(objects, format, false, prefix));
      else if (objects.length === 0) {
        io.stderr(
          listNamespace === undefined
            ? 'No resources found\n'
            : `No resources found in ${listNamespace} namespace.\n`,
        );
      } else {
        const withNamespace = allNamespaces && view.ref.namespaced;
        io.stdout(renderFederatedList(objects, new Date(), withNamespace, counting));
      }
      return;
    }
    const fed = await getFromHost(
      client,
      view.ref,
      { kind: view.kind, name, namespace },
      ": is the object federated? Federate it with 'kubefedctl federate'",
    );
    if (format !== 'table') {
      io.stdout(renderAsKubectl([fed], format, true, prefix));
      return;
    }
    const members = await readMemberView(client, view, fed, kfns);
    for (const warning of members.warnings) io.stderr(`Warning: ${warning}\n`);
    io.stdout(renderFederatedObject(fed, members.placement, members.members, new Date(), counting));
  } finally {
    await client.close();
  }
}

/** `get rsp [NAME]`: the ReplicaSchedulingPreferences of a namespace, or one and its clusters. */
async function getPreferences(
  flags: FlagValues,
  name: string | undefined,
  io: CliIO,
): Promise<void> {
  const format = parseOutput(stringFlag(flags, 'output'));
  const allNamespaces = booleanFlag(flags, 'all-namespaces');
  if (allNamespaces && name !== undefined) {
    throw new UsageError('--all-namespaces lists objects; it cannot be combined with a NAME');
  }
  const thresholdMs = unschedulableThreshold(stringFlag(flags, THRESHOLD_FLAG));
  const kfns = kubefedNamespace(flags);
  const ref = replicaSchedulingPreferencesResource;
  const prefix = `${ref.kind.toLowerCase()}.${ref.group}`;
  const client = hostClusterClient(flags, io);
  try {
    const namespace = allNamespaces ? undefined : targetNamespace(flags, io);
    if (name === undefined) {
      let preferences;
      try {
        preferences = (await client.list(ref, { namespace })).items;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        throw new Error(
          `host cluster "${client.cluster}" does not serve ReplicaSchedulingPreferences: is KubeFed installed? ` +
            "Install it with 'kubefedctl init'",
          { cause: err },
        );
      }
      if (format !== 'table') io.stdout(renderAsKubectl(preferences, format, false, prefix));
      else if (preferences.length === 0) {
        io.stderr(
          namespace === undefined
            ? 'No resources found\n'
            : `No resources found in ${namespace} namespace.\n`,
        );
      } else io.stdout(renderPreferenceList(preferences, new Date(), allNamespaces));
      return;
    }
    const rsp = (await getFromHost(client, ref, {
      kind: ref.kind,
      name,
      namespace,
    })) as ReplicaSchedulingPreference;
    if (format !== 'table') {
      io.stdout(renderAsKubectl([rsp], format, true, prefix));
      return;
    }
    const { view, warnings } = await readPreferenceView(client, rsp, kfns, { thresholdMs });
    for (const warning of warnings) io.stderr(`Warning: ${warning}\n`);
    io.stdout(renderPreference(view, new Date()));
  } finally {
    await client.close();
  }
}

function unschedulableThreshold(value: string | undefined): number {
  if (value === undefined) return UNSCHEDULABLE_THRESHOLD_MS;
  let ms: number;
  try {
    ms = parseGoDuration(value);
  } catch (err) {
    throw new UsageError(
      `invalid --${THRESHOLD_FLAG} "${value}": use a duration such as 60s or 1m30s`,
      { cause: err },
    );
  }
  if (ms < 0) throw new UsageError(`invalid --${THRESHOLD_FLAG} "${value}": must not be negative`);
  return ms;
}
