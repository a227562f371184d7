// `kubefedctl get clusters [NAME]`: the KubeFedClusters of the host, as kubectl would print them.
import { kubeFedClustersResource } from '../../apis/resources.ts';
import { isNotFound } from '../../kube/errors.ts';
import { UsageError, stringFlag } from '../command.ts';
import type { CommandDefinition } from '../command.ts';
import { hostClusterFlags, kubefedNamespace } from '../flags.ts';
import { hostClusterClient } from '../host-client.ts';
import { CLUSTER_OUTPUT_FORMATS, renderClusterTable, renderClusters } from './clusters-table.ts';
import type { ClusterOutputFormat } from './clusters-table.ts';

/** Names `get` accepts for KubeFedClusters (kubectl's plural, singular, short and full names). */
export const CLUSTER_TYPE_NAMES: readonly string[] = [
  'clusters',
  'cluster',
  kubeFedClustersResource.resource,
  kubeFedClustersResource.kind.toLowerCase(),
  `${kubeFedClustersResource.resource}.${kubeFedClustersResource.group}`,
  ...kubeFedClustersResource.shortNames,
];

const {
  kubeconfig,
  'host-cluster-context': hostContext,
  'kubefed-namespace': kfns,
} = hostClusterFlags;

export const getCommand: CommandDefinition = {
  name: 'get',
  summary: 'List the clusters joined to the KubeFed control plane',
  description:
    'List the clusters joined to the KubeFed control plane (its KubeFedClusters) with their health,\n' +
    'Kubernetes version, API endpoint and age; or print them as yaml, json or names.',
  usage: 'clusters [NAME] [flags]',
  positionals: { min: 1, max: 2 },
  flags: {
    ...(kubeconfig ? { kubeconfig } : {}),
    ...(hostContext ? { 'host-cluster-context': hostContext } : {}),
    ...(kfns ? { 'kubefed-namespace': kfns } : {}),
    output: {
      type: 'string',
      short: 'o',
      valueName: 'FORMAT',
      description: `Print the clusters as ${CLUSTER_OUTPUT_FORMATS.join(', ')} instead of a table`,
    },
  },
  examples: [
    'kubefedctl get clusters --host-cluster-context host',
    'kubefedctl get kubefedclusters member1 -o yaml',
  ],
  async run({ flags, positionals, io }) {
    const [type = '', name] = positionals;
    if (!CLUSTER_TYPE_NAMES.includes(type.toLowerCase())) {
      throw new UsageError(
        `unknown resource type "${type}": get lists clusters (also: ${CLUSTER_TYPE_NAMES.slice(1).join(', ')})`,
      );
    }
    const format = parseOutput(stringFlag(flags, 'output'));
    const namespace = kubefedNamespace(flags);
    const client = hostClusterClient(flags, io);
    try {
      let clusters;
      if (name !== undefined) {
        try {
          clusters = [await client.get(kubeFedClustersResource, name, { namespace })];
        } catch (err) {
          if (!isNotFound(err)) throw err;
          throw new Error(
            `KubeFedCluster "${name}" not found in namespace ${namespace} of host cluster "${client.cluster}"`,
            { cause: err },
          );
        }
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
