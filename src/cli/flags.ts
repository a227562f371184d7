// Flags shared by kubefedctl commands (spec §13.1).
import { DEFAULT_KUBEFED_NAMESPACE } from '../apis/constants.ts';
import { UsageError, stringFlag } from './command.ts';
import type { FlagSpecs, FlagValues } from './command.ts';

/** Accepted by every command and at the top level. */
export const globalFlags: FlagSpecs = {
  help: { type: 'boolean', short: 'h', description: 'Show help for the command' },
  v: {
    type: 'string',
    short: 'v',
    valueName: 'LEVEL',
    description: 'Log level; 4 or more prints stack traces with errors',
  },
};

/** `--kubeconfig`, `--host-cluster-context`, `--kubefed-namespace`, `--dry-run`. */
export const hostClusterFlags: FlagSpecs = {
  kubeconfig: {
    type: 'string',
    valueName: 'FILE',
    description: 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)',
  },
  'host-cluster-context': {
    type: 'string',
    valueName: 'CONTEXT',
    description: 'Kubeconfig context of the host cluster (default: the current context)',
  },
  'kubefed-namespace': {
    type: 'string',
    valueName: 'NAMESPACE',
    default: DEFAULT_KUBEFED_NAMESPACE,
    description: 'Namespace of the KubeFed control plane',
  },
  'dry-run': {
    type: 'boolean',
    description: 'Do not write to any cluster; print what would be done',
  },
};

/** `--cluster-context` and `--host-cluster-name`: the member of join and unjoin. */
export const memberClusterFlags: FlagSpecs = {
  'cluster-context': {
    type: 'string',
    valueName: 'CONTEXT',
    description: 'Kubeconfig context of the cluster (default: CLUSTER_NAME)',
  },
  'host-cluster-name': {
    type: 'string',
    valueName: 'NAME',
    description:
      'Name of the host cluster in the member\'s object names (default: the host context); required when that context contains "/" or ":"',
  },
};

export const outputFlag: FlagSpecs = {
  output: {
    type: 'string',
    short: 'o',
    valueName: 'FORMAT',
    description: 'Print the objects as yaml or json instead of applying them',
  },
};

export type OutputFormat = 'yaml' | 'json';

/** The `-o` value, validated; undefined when not given. */
export function outputFormat(flags: FlagValues): OutputFormat | undefined {
  const value = stringFlag(flags, 'output');
  if (value === undefined) return undefined;
  if (value === 'yaml' || value === 'json') return value;
  throw new UsageError(`invalid --output "${value}": use yaml or json`);
}

/** klog-style verbosity from `-v`/`--v`; 0 when absent. */
export function verbosity(flags: FlagValues): number {
  const value = stringFlag(flags, 'v');
  if (value === undefined) return 0;
  const level = Number(value);
  if (!Number.isInteger(level) || level < 0) {
    throw new UsageError(`invalid -v "${value}": use a non-negative integer`);
  }
  return level;
}

// DNS-1123 label: what Kubernetes accepts as a namespace name.
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function kubefedNamespace(flags: FlagValues): string {
  const namespace = stringFlag(flags, 'kubefed-namespace') ?? DEFAULT_KUBEFED_NAMESPACE;
  if (namespace.length > 63 || !dns1123Label.test(namespace)) {
    throw new UsageError(
      `invalid --kubefed-namespace "${namespace}": a namespace name is lower-case letters, digits and '-', at most 63 characters`,
    );
  }
  return namespace;
}
