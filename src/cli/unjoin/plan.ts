// What `kubefedctl unjoin` removes (spec §13.3), and whether the member's KubeFed namespace goes
// too. Pure: the names are the registration's that join creates, so the two commands cannot drift
// apart.
import { normalizeServerUrl } from '../../kube/client.ts';
import {
  clusterRoleBindingsResource,
  clusterRolesResource,
  formatApiVersion,
  roleBindingsResource,
  rolesResource,
  secretsResource,
  serviceAccountsResource,
} from '../../kube/resource.ts';
import { isJsonObject, type KubeObject } from '../../json/object.ts';
import {
  ROLE_NAME_PREFIX,
  healthCheckRoleName,
  roleName,
  serviceAccountName,
} from '../registration.ts';
import type { PlannedObject } from '../registration.ts';

/**
 * Every member object a join of either scope can have created, bindings before the roles they
 * grant and the service account before its token Secret. The token Secret is not in the spec's
 * list (its namespace usually goes, and the token controller deletes it with the account), but
 * the namespace stays when the member is the host itself.
 */
export function unjoinMemberObjects(
  clusterName: string,
  hostClusterName: string,
  namespace: string,
): PlannedObject[] {
  const sa = serviceAccountName(clusterName, hostClusterName);
  const role = roleName(sa);
  const healthCheck = healthCheckRoleName(namespace, sa);
  const rbac = formatApiVersion(rolesResource);
  const cluster = (name: string, kind: string): KubeObject => ({
    apiVersion: rbac,
    kind,
    metadata: { name },
  });
  const inNamespace = (apiVersion: string, kind: string, name: string): KubeObject => ({
    apiVersion,
    kind,
    metadata: { name, namespace },
  });
  return [
    { ref: clusterRoleBindingsResource, object: cluster(role, 'ClusterRoleBinding') },
    { ref: clusterRoleBindingsResource, object: cluster(healthCheck, 'ClusterRoleBinding') },
    { ref: clusterRolesResource, object: cluster(role, 'ClusterRole') },
    { ref: clusterRolesResource, object: cluster(healthCheck, 'ClusterRole') },
    { ref: roleBindingsResource, object: inNamespace(rbac, 'RoleBinding', role) },
    { ref: rolesResource, object: inNamespace(rbac, 'Role', role) },
    { ref: serviceAccountsResource, object: inNamespace('v1', 'ServiceAccount', sa) },
    { ref: secretsResource, object: inNamespace('v1', 'Secret', sa) },
  ];
}

/**
 * Bindings (ClusterRoleBindings, RoleBindings) of other KubeFed registrations that remain in the
 * member: named `kubefed-controller-manager:...` and bound to a service account in `namespace`.
 * Another host may have joined this member using the same namespace.
 */
export function remainingRegistrations(
  bindings: readonly KubeObject[],
  namespace: string,
): string[] {
  const names: string[] = [];
  for (const binding of bindings) {
    const name = binding.metadata?.name ?? '';
    if (!name.startsWith(ROLE_NAME_PREFIX)) continue;
    const subjects = binding['subjects'];
    if (!Array.isArray(subjects)) continue;
    const bound = subjects.some(
      (s) => isJsonObject(s) && s['kind'] === 'ServiceAccount' && s['namespace'] === namespace,
    );
    if (bound) names.push(`${binding.kind ?? 'binding'} ${name}`);
  }
  return names.sort();
}

export interface MemberNamespaceFacts {
  namespace: string;
  /** The namespace in the member; undefined when it does not exist. */
  memberNamespace: KubeObject | undefined;
  /** The namespace of the same name in the host. */
  hostNamespace: KubeObject | undefined;
  /** Whether the host had a KubeFedCluster for this cluster. */
  registered: boolean;
  /** Whether any object of this registration was found in the member. */
  foundRegistrationObjects: boolean;
  /** From `remainingRegistrations`, after this registration's objects were deleted. */
  otherRegistrations: readonly string[];
  /** Whether the member runs a KubeFed control plane of its own in this namespace. */
  memberHasKubeFedConfig: boolean;
}

export type NamespaceDecision = { delete: true } | { delete: false; reason: string };

/**
 * The spec deletes the member's namespace unless it is the host's own (same UID). It is also kept
 * when something else still lives there that KubeFed put there: another registration, or a
 * control plane; and when nothing shows that this cluster was ever joined (a typo in the name
 * must not delete a namespace).
 */
export function decideMemberNamespace(facts: MemberNamespaceFacts): NamespaceDecision {
  const { namespace, memberNamespace, hostNamespace } = facts;
  if (!memberNamespace) return { delete: false, reason: 'it does not exist' };
  const status = memberNamespace['status'];
  if (isJsonObject(status) && status['phase'] === 'Terminating') {
    return { delete: false, reason: 'it is already being deleted' };
  }
  const memberUid = memberNamespace.metadata?.uid;
  if (memberUid !== undefined && memberUid === hostNamespace?.metadata?.uid) {
    return { delete: false, reason: `it is the host's own namespace ${namespace}` };
  }
  if (facts.memberHasKubeFedConfig) {
    return { delete: false, reason: 'a KubeFed control plane of its own runs there' };
  }
  if (facts.otherRegistrations.length > 0) {
    return {
      delete: false,
      reason: `other registrations still use it (${facts.otherRegistrations.join(', ')})`,
    };
  }
  if (!facts.registered && !facts.foundRegistrationObjects) {
    return { delete: false, reason: 'nothing shows this cluster was joined' };
  }
  return { delete: true };
}

/**
 * Whether a KubeFedCluster's apiEndpoint is the server of the member's kubeconfig context (scheme
 * defaults to https, trailing slashes do not count). Unjoining through the wrong context would
 * clean up the wrong cluster.
 */
export function sameEndpoint(apiEndpoint: string, server: string): boolean {
  try {
    return normalizeServerUrl(apiEndpoint) === normalizeServerUrl(server);
  } catch {
    return apiEndpoint === server;
  }
}
