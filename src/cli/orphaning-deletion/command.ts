// `kubefedctl orphaning-deletion enable|disable|status TYPE NAME` (spec §13.7).
import { ORPHAN_ANNOTATION, ORPHAN_ANNOTATION_TRUE, ResourceScope } from '../../apis/constants.ts';
import { looksFederated } from '../../federation/api-generation/type-config.ts';
import { isConflict } from '../../kube/errors.ts';
import { resourceRefOf } from '../../kube/resource.ts';
import { lookupAPIResource } from '../api-lookup.ts';
import { UsageError, booleanFlag } from '../command.ts';
import type { CommandDefinition } from '../command.ts';
import { hostClusterFlags } from '../flags.ts';
import { getFromHost, hostClusterClient } from '../host-client.ts';
import { describeFederatedObject } from '../names.ts';
import { namespaceFlag, targetNamespace } from '../target-namespace.ts';
import {
  ORPHANING_ACTIONS,
  orphaningStatus,
  parseOrphaningAction,
  withOrphaning,
} from './orphaning.ts';
import type { KubeObject } from '../../json/object.ts';

const { kubeconfig, 'host-cluster-context': hostContext } = hostClusterFlags;

export const orphaningDeletionCommand: CommandDefinition = {
  name: 'orphaning-deletion',
  summary: 'Keep, or stop keeping, member objects when their federated object is deleted',
  description:
    `Manage orphaning deletion of a federated object. "enable" sets the annotation\n` +
    `${ORPHAN_ANNOTATION}: "${ORPHAN_ANNOTATION_TRUE}", so deleting the federated object leaves its objects in the\n` +
    'member clusters (no longer managed); "disable" removes it, so they are deleted with it;\n' +
    '"status" prints Enabled or Disabled. TYPE names the federated type (e.g. federatedconfigmaps\n' +
    'or fcm).',
  usage: `(${ORPHANING_ACTIONS.join('|')}) TYPE NAME [flags]`,
  positionals: { min: 3, max: 3 },
  flags: {
    ...(kubeconfig ? { kubeconfig } : {}),
    ...(hostContext ? { 'host-cluster-context': hostContext } : {}),
    ...hiddenHostFlags(),
    ...namespaceFlag,
  },
  examples: [
    'kubefedctl orphaning-deletion enable federateddeployments web -n web',
    'kubefedctl orphaning-deletion status fcm web-config -n web',
  ],
  async run({ flags, positionals, io }) {
    const [actionName = '', typeName = '', name = ''] = positionals;
    const action = parseOrphaningAction(actionName);
    if (action === undefined) {
      throw new UsageError(`unknown action "${actionName}": use ${ORPHANING_ACTIONS.join(', ')}`);
    }
    const namespace = targetNamespace(flags, io);
    const dryRun = booleanFlag(flags, 'dry-run');
    const client = hostClusterClient(flags, io);
    try {
      const type = await lookupAPIResource(client, typeName);
      if (!looksFederated(type)) {
        io.stderr(`Warning: ${typeName} might not be a federated resource\n`);
      }
      const ref = resourceRefOf(type, type.scope === ResourceScope.Namespaced);
      const objectNamespace = ref.namespaced ? namespace : undefined;
      for (let attempt = 0; ; attempt++) {
        const obj = await getFromHost(client, ref, {
          kind: type.kind,
          name,
          namespace: objectNamespace,
        });
        const label = describe(obj, objectNamespace);
        if (action === 'status') {
          io.stdout(`${orphaningStatus(obj)}\n`);
          return;
        }
        const enable = action === 'enable';
        const updated = withOrphaning(obj, enable);
        if (updated === undefined) {
          io.stdout(`Orphaning deletion already ${enable ? 'enabled' : 'disabled'} for ${label}\n`);
          return;
        }
        try {
          await client.update(ref, updated, { namespace: objectNamespace, dryRun });
        } catch (err) {
          // Someone wrote the object since we read it: read it again and redo the change.
          if (isConflict(err) && attempt < 2) continue;
          throw err;
        }
        io.stdout(
          `Orphaning deletion ${enable ? 'enabled' : 'disabled'} for ${label}${dryRun ? ' (server dry run)' : ''}\n`,
        );
        return;
      }
    } finally {
      await client.close();
    }
  },
};

/** `--kubefed-namespace` and `--dry-run` are accepted but hidden here, as in KubeFed. */
function hiddenHostFlags(): CommandDefinition['flags'] {
  const { 'kubefed-namespace': kfns, 'dry-run': dryRun } = hostClusterFlags;
  return {
    ...(kfns ? { 'kubefed-namespace': { ...kfns, hidden: true } } : {}),
    ...(dryRun ? { 'dry-run': { ...dryRun, hidden: true } } : {}),
  };
}

function describe(obj: KubeObject, namespace: string | undefined): string {
  return `${describeFederatedObject(obj)}${namespace === undefined ? '' : ` in namespace ${namespace}`}`;
}
