// Addressing any resource of any group/version: the REST paths of the Kubernetes API.

/** What a client needs to address a resource: enough to build its REST path. */
export interface ResourceRef {
  /** API group; `''` for the core group (`/api/v1`). */
  group: string;
  version: string;
  /** Lower-case plural resource name, e.g. `deployments`. */
  resource: string;
  namespaced: boolean;
}

export interface GroupVersion {
  group: string;
  version: string;
}

/** `apps/v1` → `{group: 'apps', version: 'v1'}`; `v1` → the core group. */
export function parseApiVersion(apiVersion: string): GroupVersion {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return { group: '', version: apiVersion };
  return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function formatApiVersion({ group, version }: GroupVersion): string {
  return group === '' ? version : `${group}/${version}`;
}

/** `/api/v1` for the core group, `/apis/<group>/<version>` otherwise. */
export function groupVersionPath({ group, version }: GroupVersion): string {
  return group === ''
    ? `/api/${encodeSegment(version)}`
    : `/apis/${encodeSegment(group)}/${encodeSegment(version)}`;
}

export interface ResourcePathOptions {
  /** Required for a named namespaced object; omitted for a cluster-wide list of a namespaced resource. */
  namespace?: string | undefined;
  name?: string | undefined;
  subresource?: string | undefined;
}

/**
 * The REST path of a collection or an object:
 * `/apis/apps/v1/namespaces/ns/deployments/name/status`, `/api/v1/namespaces`, ...
 */
export function resourcePath(ref: ResourceRef, options: ResourcePathOptions = {}): string {
  const { namespace, name, subresource } = options;
  if (!ref.namespaced && namespace) {
    throw new Error(
      `${describeResource(ref)} is cluster-scoped; it cannot be addressed in namespace "${namespace}"`,
    );
  }
  if (ref.namespaced && name !== undefined && !namespace) {
    throw new Error(
      `${describeResource(ref)} is namespaced; a namespace is required for "${name}"`,
    );
  }
  if (subresource !== undefined && name === undefined) {
    throw new Error(
      `subresource "${subresource}" of ${describeResource(ref)} needs an object name`,
    );
  }
  if (name === '') throw new Error(`empty object name for ${describeResource(ref)}`);
  let path = groupVersionPath(ref);
  if (namespace) path += `/namespaces/${encodeSegment(namespace)}`;
  path += `/${encodeSegment(ref.resource)}`;
  if (name !== undefined) path += `/${encodeSegment(name)}`;
  if (subresource !== undefined) path += `/${encodeSegment(subresource)}`;
  return path;
}

/** `deployments.apps/v1`, `namespaces/v1`: how errors name a resource. */
export function describeResource(ref: ResourceRef): string {
  return ref.group === ''
    ? `${ref.resource}/${ref.version}`
    : `${ref.resource}.${ref.group}/${ref.version}`;
}

function encodeSegment(segment: string): string {
  if (segment === '.' || segment === '..') throw new Error(`invalid path segment "${segment}"`);
  return encodeURIComponent(segment);
}

// The few built-in resources the client layer and the CLI address directly.
export const namespacesResource: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'namespaces',
  namespaced: false,
};

export const customResourceDefinitionsResource: ResourceRef = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  resource: 'customresourcedefinitions',
  namespaced: false,
};

export const serviceAccountsResource: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'serviceaccounts',
  namespaced: true,
};

export const secretsResource: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'secrets',
  namespaced: true,
};

const RBAC_GROUP = 'rbac.authorization.k8s.io';

export const clusterRolesResource: ResourceRef = {
  group: RBAC_GROUP,
  version: 'v1',
  resource: 'clusterroles',
  namespaced: false,
};

export const clusterRoleBindingsResource: ResourceRef = {
  group: RBAC_GROUP,
  version: 'v1',
  resource: 'clusterrolebindings',
  namespaced: false,
};

export const rolesResource: ResourceRef = {
  group: RBAC_GROUP,
  version: 'v1',
  resource: 'roles',
  namespaced: true,
};

export const roleBindingsResource: ResourceRef = {
  group: RBAC_GROUP,
  version: 'v1',
  resource: 'rolebindings',
  namespaced: true,
};

export const mutatingWebhookConfigurationsResource: ResourceRef = {
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  resource: 'mutatingwebhookconfigurations',
  namespaced: false,
};

/** The ResourceRef of an API resource as KubeFed's APIs describe one (FTC types, discovery). */
export function resourceRefOf(
  resource: { group?: string | undefined; version: string; pluralName: string },
  namespaced: boolean,
): ResourceRef {
  return {
    group: resource.group ?? '',
    version: resource.version,
    resource: resource.pluralName,
    namespaced,
  };
}
