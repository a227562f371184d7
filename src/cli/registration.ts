// A member cluster's registration with a host, shared by `kubefedctl join` (spec §13.2), which
// creates it, and `unjoin` (spec §13.3), which removes it: the names of what it consists of, and
// what its KubeFedCluster and bindings say. Pure.
import type { ResourceRef } from '../kube/resource.ts';
import { isJsonObject, type KubeObject } from '../json/object.ts';

/** A Kubernetes object together with the resource it is written to. */
export interface PlannedObject {
  ref: ResourceRef;
  object: KubeObject;
}

/** Prefix of every RBAC object join creates; unjoin recognises registrations by it. */
export const ROLE_NAME_PREFIX = 'kubefed-controller-manager:';

/** `<cluster>-<hostName>`: the member ServiceAccount (and its token Secret) the host uses. */
export function serviceAccountName(clusterName: string, hostClusterName: string): string {
  return `${clusterName}-${hostClusterName}`;
}

/** `kubefed-controller-manager:<sa>`: the (Cluster)Role and its binding. */
export function roleName(serviceAccount: string): string {
  return `${ROLE_NAME_PREFIX}${serviceAccount}`;
}

/** `kubefed-controller-manager:<N>:healthcheck-<sa>`: health-check access of a Namespaced plane. */
export function healthCheckRoleName(namespace: string, serviceAccount: string): string {
  return `${ROLE_NAME_PREFIX}${namespace}:healthcheck-${serviceAccount}`;
}

/**
 * The name the host goes by in member object names: `--host-cluster-name`, else the host's
 * kubeconfig context. Throws a message saying which flag fixes a name that cannot be used.
 */
export function hostClusterNameFor(explicit: string | undefined, hostContext: string): string {
  if (explicit !== undefined) {
    if (explicit === '' || /[/:]/.test(explicit)) {
      throw new Error(
        `invalid --host-cluster-name "${explicit}": it must not be empty or contain "/" or ":"`,
      );
    }
    return explicit;
  }
  if (/[/:]/.test(hostContext)) {
    throw new Error(
      `the host cluster context "${hostContext}" contains "/" or ":", which cannot be part of a ` +
        'service account name; name the host with --host-cluster-name',
    );
  }
  return hostContext;
}

/** `spec.secretRef.name` of a KubeFedCluster, if set. */
export function clusterSecretName(cluster: KubeObject): string | undefined {
  const spec = cluster['spec'];
  const ref = isJsonObject(spec) ? spec['secretRef'] : undefined;
  const name = isJsonObject(ref) ? ref['name'] : undefined;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** `spec.apiEndpoint` of a KubeFedCluster, if set. */
export function clusterApiEndpoint(cluster: KubeObject): string | undefined {
  const spec = cluster['spec'];
  const endpoint = isJsonObject(spec) ? spec['apiEndpoint'] : undefined;
  return typeof endpoint === 'string' && endpoint !== '' ? endpoint : undefined;
}

/**
 * The namespace of another registration a binding grants, when it binds `serviceAccount` only in
 * namespaces other than `namespace`. ClusterRole names carry no namespace, so two control planes
 * (in different namespaces of hosts with the same name) would share them.
 */
export function foreignRegistrationNamespace(
  binding: KubeObject,
  serviceAccount: string,
  namespace: string,
): string | undefined {
  const subjects = binding['subjects'];
  if (!Array.isArray(subjects)) return undefined;
  const namespaces = subjects
    .filter(isJsonObject)
    .filter((s) => s['kind'] === 'ServiceAccount' && s['name'] === serviceAccount)
    .map((s) => s['namespace']);
  if (namespaces.length === 0 || namespaces.includes(namespace)) return undefined;
  const other = namespaces[0];
  return typeof other === 'string' ? other : '';
}
