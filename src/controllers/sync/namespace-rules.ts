// The sync controller's special cases for the `namespaces` type (spec §7.12), in one place. The
// pure core has the rest: the host cluster's own namespace only ever loses the managed label
// (`isHostNamespace` in member-operations.ts).
import { systemNamespaces } from '../../apis/constants.ts';
import type { MemberCallResult } from '../../federation/propagation/member-results.ts';
import type { KubeObject } from '../../json/object.ts';
import type { SyncContext } from './context.ts';
import type { TargetName } from './member-writer.ts';

/** KubeFed never federates its own system namespaces (kube-system, the KubeFed namespace, ...). */
export function isSystemNamespaceTarget(ctx: SyncContext, target: TargetName): boolean {
  return ctx.targetIsNamespace && systemNamespaces(ctx.kubefedNamespace).has(target.name);
}

/**
 * For a FederatedNamespace: the uid of the host's Namespace of the same name (`{ uid }`), or why
 * the object is not propagated at all (`skip`). Other types: `{ uid: undefined }`.
 */
export function hostNamespaceOf(
  ctx: SyncContext,
  fed: KubeObject,
  target: TargetName,
): { uid: string | undefined } | { skip: true } {
  if (!ctx.targetIsNamespace) return { uid: undefined };
  if (fed.metadata?.namespace !== fed.metadata?.name) {
    ctx.events.record(
      fed,
      'Warning',
      'InvalidName',
      'The name of a federated namespace must match the name of its containing namespace.',
    );
    return { skip: true };
  }
  const hostNamespace = ctx.hostNamespaces?.get(target.name);
  // The namespace is being deleted (or not created yet): its FederatedNamespace goes with it.
  if (hostNamespace === undefined) return { skip: true };
  return { uid: hostNamespace.metadata?.uid };
}

/**
 * A create met an existing object. A namespace create that the member answers with a timeout is
 * taken for one too: the namespace usually exists by then, and adoption sorts it out.
 */
export function createCollided(targetIsNamespace: boolean, result: MemberCallResult): boolean {
  if (result.ok) return false;
  return (
    result.reason === 'AlreadyExists' || (targetIsNamespace && result.reason === 'ServerTimeout')
  );
}
