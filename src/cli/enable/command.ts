// `kubefedctl enable (NAME | -f FILE)` (spec §13.4).
import { readFileSync } from 'node:fs';
import {
  enableTypeDirective,
  parseEnableTypeDirective,
} from '../../federation/api-generation/type-config-directive.ts';
import type { EnableTypeDirective } from '../../federation/api-generation/type-config-directive.ts';
import { describeFsError } from '../../kube/kubeconfig.ts';
import { UsageError, booleanFlag, stringFlag } from '../command.ts';
import type { CommandDefinition, FlagValues } from '../command.ts';
import { hostClusterFlags, kubefedNamespace, outputFlag, outputFormat } from '../flags.ts';
import { hostClusterClient } from '../host-client.ts';
import {
  applyFederatedType,
  describeApplyResult,
  resolveFederatedType,
} from '../federated-types.ts';
import { renderObjects } from '../output.ts';

const directiveFlags = ['version', 'federated-group', 'federated-version'] as const;

export const enableCommand: CommandDefinition = {
  name: 'enable',
  summary: 'Enable propagation of a Kubernetes API type to member clusters',
  description:
    'Enable propagation of a Kubernetes API type: generate its Federated<Kind> CRD and its\n' +
    'FederatedTypeConfig in the host cluster. NAME is a plural, singular, kind or short name, or\n' +
    '<plural>.<group> when several API groups serve the name. With -o the objects are printed\n' +
    'instead of written.',
  usage: '(NAME | -f FILE) [flags]',
  positionals: { min: 0, max: 1 },
  flags: {
    ...hostClusterFlags,
    ...outputFlag,
    filename: {
      type: 'string',
      short: 'f',
      valueName: 'FILE',
      description: 'EnableTypeDirective YAML naming the type and its federated group/version',
    },
    version: {
      type: 'string',
      valueName: 'VERSION',
      description: 'API version of the target type (default: the version the server prefers)',
    },
    'federated-group': {
      type: 'string',
      valueName: 'GROUP',
      description: 'API group of the generated federated type (default "types.kubefed.io")',
    },
    'federated-version': {
      type: 'string',
      valueName: 'VERSION',
      description: 'API version of the generated federated type (default "v1beta1")',
    },
  },
  examples: [
    'kubefedctl enable deployments.apps --host-cluster-context host',
    'kubefedctl enable widgets.example.com --federated-group widgets.types.example.com',
    'kubefedctl enable -f config/enabletypedirectives/ingresses.networking.k8s.io.yaml',
    'kubefedctl enable deployments.apps -o yaml',
  ],
  async run({ flags, positionals, io }) {
    const directive = directiveFrom(flags, positionals);
    const namespace = kubefedNamespace(flags);
    const format = outputFormat(flags);
    const dryRun = booleanFlag(flags, 'dry-run');

    const client = hostClusterClient(flags, io);
    try {
      const resolved = await resolveFederatedType(client, directive, namespace);
      for (const warning of resolved.warnings) io.stderr(`Warning: ${warning}\n`);
      if (format !== undefined) {
        io.stdout(renderObjects([resolved.typeConfig, { ...resolved.crd }], format));
        return;
      }
      const result = await applyFederatedType(client, resolved, { namespace, dryRun });
      io.stdout(describeApplyResult(result, namespace, dryRun));
    } finally {
      await client.close();
    }
  },
};

function directiveFrom(flags: FlagValues, positionals: string[]): EnableTypeDirective {
  const file = stringFlag(flags, 'filename');
  const name = positionals[0];
  if (file !== undefined) {
    if (name !== undefined) {
      throw new UsageError(
        `give either a type NAME or --filename, not both (got "${name}" and -f ${file})`,
      );
    }
    const given = directiveFlags.filter((flag) => stringFlag(flags, flag) !== undefined);
    if (given.length > 0) {
      throw new UsageError(
        `--${given.join(', --')} cannot be combined with --filename: set targetVersion, federatedGroup and federatedVersion in the file's spec`,
      );
    }
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`cannot read ${file}: ${describeFsError(err)}`, { cause: err });
    }
    return parseEnableTypeDirective(text, file);
  }
  if (name === undefined || name === '') {
    throw new UsageError('name the type to enable (e.g. deployments.apps), or pass -f FILE');
  }
  return enableTypeDirective(name, {
    ...optional('targetVersion', stringFlag(flags, 'version')),
    ...optional('federatedGroup', stringFlag(flags, 'federated-group')),
    ...optional('federatedVersion', stringFlag(flags, 'federated-version')),
  });
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
