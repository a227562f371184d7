// `kubefedctl init`: install KubeFed's CRDs, system namespace and KubeFedConfig into the host.
import { ResourceScope } from '../../apis/constants.ts';
import { UsageError, booleanFlag, stringFlag } from '../command.ts';
import type { CommandDefinition } from '../command.ts';
import { hostClusterFlags, kubefedNamespace, outputFlag, outputFormat } from '../flags.ts';
import { enableDefaultTypes, summarizeApplyResults } from '../federated-types.ts';
import { hostClusterClient } from '../host-client.ts';
import { renderObjects } from '../output.ts';
import { lineProgress } from '../progress.ts';
import { installKubeFed } from './install.ts';
import { parseScope, planInstall, planObjects } from './plan.ts';
import { errorMessage } from '../../kube/errors.ts';

export const initCommand: CommandDefinition = {
  name: 'init',
  summary: 'Install the KubeFed CRDs, namespace and KubeFedConfig into the host cluster',
  description:
    'Install the KubeFed CRDs, the KubeFed system namespace and the KubeFedConfig "kubefed" into\n' +
    'the host cluster, then enable the default federated types (as "kubefedctl enable" does)\n' +
    'unless --skip-default-types. Safe to run again: CRDs are updated, an existing namespace and\n' +
    'KubeFedConfig are left as they are (the scope of an existing KubeFedConfig cannot change).\n' +
    "With --dry-run or -o, only KubeFed's own objects are printed; print a federated type with\n" +
    '"kubefedctl enable NAME -o yaml".',
  usage: '[flags]',
  flags: {
    ...hostClusterFlags,
    ...outputFlag,
    scope: {
      type: 'string',
      valueName: 'SCOPE',
      description: `Scope of the control plane: ${ResourceScope.Cluster} or ${ResourceScope.Namespaced} (default ${ResourceScope.Cluster} for a new install)`,
    },
    'skip-default-types': {
      type: 'boolean',
      description:
        'Do not enable the default federated types (configmaps, deployments.apps, namespaces, ...)',
    },
    'crd-timeout': {
      type: 'string',
      valueName: 'SECONDS',
      default: '60',
      description: 'How long to wait for the CRDs to become Established',
    },
  },
  examples: [
    'kubefedctl init --host-cluster-context host',
    'kubefedctl init --scope Namespaced --kubefed-namespace team-a',
    'kubefedctl init --dry-run -o json',
  ],
  async run({ flags, io }) {
    const namespace = kubefedNamespace(flags);
    const scopeText = stringFlag(flags, 'scope');
    let scope: ResourceScope | undefined;
    try {
      scope = scopeText === undefined ? undefined : parseScope(scopeText);
    } catch (err) {
      throw new UsageError(errorMessage(err));
    }
    const timeoutText = stringFlag(flags, 'crd-timeout') ?? '60';
    const timeoutSeconds = Number(timeoutText);
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
      throw new UsageError(
        `invalid --crd-timeout "${timeoutText}": use a positive number of seconds`,
      );
    }
    const format = outputFormat(flags);

    if (booleanFlag(flags, 'dry-run') || format !== undefined) {
      const plan = planInstall({ namespace, scope: scope ?? ResourceScope.Cluster });
      io.stdout(renderObjects(planObjects(plan), format ?? 'yaml'));
      return;
    }

    const client = hostClusterClient(flags, io);
    try {
      const summary = await installKubeFed(client, {
        namespace,
        scope,
        crdEstablishTimeoutMs: timeoutSeconds * 1000,
        progress: lineProgress(io),
      });
      if (!booleanFlag(flags, 'skip-default-types')) {
        const done = lineProgress(io).begin('Enabling default federated types');
        const results = await enableDefaultTypes(client, {
          namespace,
          crdEstablishTimeoutMs: timeoutSeconds * 1000,
        });
        done(`done (${summarizeApplyResults(results)})`);
      }
      io.stdout(
        `KubeFed is installed in namespace ${summary.namespace} of cluster ${client.cluster} (scope ${summary.scope}).\n`,
      );
    } finally {
      await client.close();
    }
  },
};
