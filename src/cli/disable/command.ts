// `kubefedctl disable NAME` (spec §13.5).
import { TYPES_GROUP } from '../../apis/constants.ts';
import {
  DEFAULT_FEDERATED_VERSION,
  federatedAPIResource,
  typeConfigName,
} from '../../federation/api-generation/type-config.ts';
import { lookupAPIResource } from '../api-lookup.ts';
import { UsageError, booleanFlag, stringFlag } from '../command.ts';
import type { CliIO, CommandDefinition } from '../command.ts';
import { hostClusterFlags, kubefedNamespace } from '../flags.ts';
import { hostClusterClient } from '../host-client.ts';
import { disableFederatedType } from './disable.ts';
import type { DisableReporter } from './disable.ts';
import { parseTimeout } from './plan.ts';
import { errorMessage } from '../../kube/errors.ts';

export const disableCommand: CommandDefinition = {
  name: 'disable',
  summary: 'Disable propagation of a Kubernetes API type and remove its FederatedTypeConfig',
  description:
    'Disable propagation of a Kubernetes API type: set its FederatedTypeConfig to Disabled, wait\n' +
    'until the KubeFed controller manager reports its propagation controller stopped, then delete\n' +
    'the FederatedTypeConfig. With --delete-crd the Federated<Kind> CRD is deleted too, provided\n' +
    'no federated objects of that type remain. NAME with a "." is used as the FederatedTypeConfig\n' +
    'name as is (so it works after the target type is gone); without one it is looked up.',
  usage: 'NAME [flags]',
  positionals: { min: 1, max: 1 },
  flags: {
    ...hostClusterFlags,
    'delete-crd': {
      type: 'boolean',
      description: 'Also delete the federated CRD, if no federated objects of the type remain',
    },
    'federated-group': {
      type: 'string',
      valueName: 'GROUP',
      description: `With --delete-crd and no FederatedTypeConfig: group of the federated type (default "${TYPES_GROUP}")`,
    },
    version: {
      type: 'string',
      valueName: 'VERSION',
      description: 'With --delete-crd: API version of the target type, to look it up',
    },
    timeout: {
      type: 'string',
      valueName: 'DURATION',
      default: '10s',
      description: 'How long to wait for the propagation controller to stop (e.g. 10s, 1m)',
    },
  },
  examples: [
    'kubefedctl disable deployments.apps',
    'kubefedctl disable widgets.example.com --delete-crd --timeout 1m',
  ],
  async run({ flags, positionals, io }) {
    const namespace = kubefedNamespace(flags);
    const deleteCRD = booleanFlag(flags, 'delete-crd');
    const federatedGroup = stringFlag(flags, 'federated-group');
    const version = stringFlag(flags, 'version');
    if (!deleteCRD && (federatedGroup !== undefined || version !== undefined)) {
      throw new UsageError('--federated-group and --version are only valid with --delete-crd');
    }
    const timeoutText = stringFlag(flags, 'timeout') ?? '10s';
    let timeoutMs: number;
    try {
      timeoutMs = parseTimeout(timeoutText);
    } catch (err) {
      throw new UsageError(`invalid --timeout "${timeoutText}": ${errorMessage(err)}`);
    }
    const input = positionals[0] ?? '';

    const client = hostClusterClient(flags, io);
    try {
      const name = input.includes('.')
        ? input
        : typeConfigName(await lookupAPIResource(client, input, version));
      await disableFederatedType(client, {
        namespace,
        name,
        deleteCRD,
        dryRun: booleanFlag(flags, 'dry-run'),
        timeoutMs,
        report: lineReporter(io),
        federatedTypeWithoutConfig: async () =>
          federatedAPIResource(await lookupAPIResource(client, name, version), {
            federatedGroup: federatedGroup ?? TYPES_GROUP,
            federatedVersion: DEFAULT_FEDERATED_VERSION,
          }),
      });
    } finally {
      await client.close();
    }
  },
};

/** Lines as they come; the wait as a line of dots, one a second. */
function lineReporter(io: CliIO): DisableReporter {
  return {
    line: (text) => io.stdout(text),
    waiting: (elapsedMs) => {
      if (elapsedMs > 0) io.stdout('.');
    },
    waited: () => io.stdout('\n'),
  };
}
