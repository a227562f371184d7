// The namespace a command acts in when `-n` is not given: the host context's own, else
// `default`, as kubectl decides it. Shared by federate, orphaning-deletion and get.
import { loadClusterConfig } from '../kube/kubeconfig.ts';
import { stringFlag } from './command.ts';
import type { CliIO, FlagSpecs, FlagValues } from './command.ts';

const DEFAULT_NAMESPACE = 'default';

export const namespaceFlag: FlagSpecs = {
  namespace: {
    type: 'string',
    short: 'n',
    valueName: 'NAMESPACE',
    description:
      'Namespace of the object (default: the namespace of the host context, else "default")',
  },
};

export function targetNamespace(flags: FlagValues, io: CliIO): string {
  const given = stringFlag(flags, 'namespace');
  if (given !== undefined && given !== '') return given;
  const config = loadClusterConfig({
    path: stringFlag(flags, 'kubeconfig'),
    context: stringFlag(flags, 'host-cluster-context'),
    env: io.env,
  });
  return config.namespace ?? DEFAULT_NAMESPACE;
}
