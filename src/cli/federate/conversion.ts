// Turning target objects into federated objects (spec §13.6), and choosing which types of a
// namespace `federate --contents` federates. Pure: the command reads and writes the clusters.
import { parseAllDocuments } from 'yaml';
import { CORE_GROUP, ResourceScope, groupQualifiedName, pluralName } from '../../apis/constants.ts';
import { apiVersionOf, applyTypeConfigDefaults } from '../../apis/typeconfig.ts';
import type { FederatedObject, FederatedTypeConfig } from '../../apis/types.ts';
import { generateTypeConfig, looksFederated } from '../../federation/api-generation/type-config.ts';
import type { TargetAPIResource } from '../../federation/api-generation/type-config.ts';
import { parseApiVersion } from '../../kube/resource.ts';
import { nameMatchesResource } from '../api-lookup.ts';
import { isJsonObject, type KubeObject } from '../../json/object.ts';

/** A federated object and what the user should know about how it was made. */
export interface Conversion {
  federated: FederatedObject;
  warnings: string[];
}

/**
 * The federated object for `target`: the target minus the fields controllers set on members
 * (kind-specific), its template reduced to what KubeFed honours, placed in every cluster.
 */
export function federatedObjectFromTarget(
  typeConfig: FederatedTypeConfig,
  target: KubeObject,
): Conversion {
  const ftc = applyTypeConfigDefaults(typeConfig);
  const targetKind = ftc.spec.targetType.kind;
  const copy = structuredClone(target);
  removeMemberSetFields(targetKind, copy);

  const name = copy.metadata?.name ?? '';
  const objectNamespace = copy.metadata?.namespace ?? '';
  const qualified = objectNamespace ? `${objectNamespace}/${name}` : name;
  const warnings: string[] = [];
  const annotations = copy.metadata?.annotations;
  if (annotations !== undefined && Object.keys(annotations).length > 0) {
    warnings.push(
      `annotations of ${targetKind} "${qualified}" will not appear in the template of the ` +
        `federated object: ${Object.keys(annotations).sort().join(', ')}`,
    );
  }

  // A FederatedNamespace lives in the namespace it federates.
  const namespace = isNamespaceKind(ftc) ? name : objectNamespace;
  const federated: FederatedObject = {
    apiVersion: apiVersionOf(ftc.spec.federatedType),
    kind: ftc.spec.federatedType.kind,
    metadata: { name, ...(namespace ? { namespace } : {}) },
    spec: {
      template: templateOf(copy),
      placement: { clusterSelector: { matchLabels: {} } },
    },
  };
  return { federated, warnings };
}

function isNamespaceKind(ftc: FederatedTypeConfig): boolean {
  const target = ftc.spec.targetType;
  return !target.group && target.kind === 'Namespace';
}

/** Fields controllers of each member set for themselves: a template must not pin them. */
function removeMemberSetFields(kind: string, obj: KubeObject): void {
  const spec = obj['spec'];
  if (kind === 'Namespace' && isJsonObject(spec)) {
    delete spec['finalizers'];
  } else if (kind === 'ServiceAccount') {
    delete obj['secrets'];
  } else if (kind === 'Service' && isJsonObject(spec)) {
    const ports = spec['ports'];
    if (Array.isArray(ports)) {
      for (const port of ports) if (isJsonObject(port)) delete port['nodePort'];
    }
    delete spec['clusterIP'];
    delete spec['clusterIPs'];
  }
}

/** The target without apiVersion, kind, status, and of its metadata only the labels. */
export function templateOf(target: KubeObject): Record<string, unknown> {
  const template: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(target)) {
    if (key === 'apiVersion' || key === 'kind' || key === 'status' || key === 'metadata') continue;
    template[key] = value;
  }
  const labels = target.metadata?.labels;
  if (labels !== undefined && Object.keys(labels).length > 0) {
    template['metadata'] = { labels };
  }
  return template;
}

// --- Offline conversion (-f FILE) ---------------------------------------------------------------

/**
 * The objects of a YAML or JSON stream (multi-document); `kind: List` documents (as
 * `kubectl get -o yaml` prints) contribute their items. `source` names the input in errors.
 */
export function parseTargetObjects(text: string, source: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const [index, document] of parseAllDocuments(text).entries()) {
    if (document.errors.length > 0) {
      throw new Error(`${source}: document ${index + 1}: ${document.errors[0]?.message ?? ''}`);
    }
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    if (!isJsonObject(value)) throw new Error(`${source}: document ${index + 1} is not an object`);
    const items =
      value['kind'] === 'List' && Array.isArray(value['items']) ? value['items'] : [value];
    for (const item of items) {
      if (!isJsonObject(item))
        throw new Error(`${source}: document ${index + 1}: a list item is not an object`);
      objects.push(requireIdentity(item, `${source}: document ${index + 1}`));
    }
  }
  return objects;
}

function requireIdentity(obj: Record<string, unknown>, where: string): KubeObject {
  const metadata = obj['metadata'];
  const name = isJsonObject(metadata) ? metadata['name'] : undefined;
  if (typeof obj['apiVersion'] !== 'string' || typeof obj['kind'] !== 'string') {
    throw new Error(`${where}: the object has no apiVersion or kind`);
  }
  if (typeof name !== 'string' || name === '') {
    throw new Error(`${where}: ${obj['kind']} has no metadata.name`);
  }
  return obj;
}

/**
 * The target type of an object read from a file, without asking a server: its group, version and
 * kind, KubeFed's naive plural, namespaced iff the object names a namespace.
 */
export function targetTypeOfObject(obj: KubeObject): TargetAPIResource {
  const { group, version } = parseApiVersion(obj.apiVersion ?? '');
  const kind = obj.kind ?? '';
  return {
    group,
    version,
    kind,
    pluralName: pluralName(kind),
    singularName: kind.toLowerCase(),
    scope: obj.metadata?.namespace ? ResourceScope.Namespaced : ResourceScope.Cluster,
    shortNames: [],
  };
}

/** The federated objects of a file's targets, each with a default generated FTC. */
export function convertOffline(objects: readonly KubeObject[]): Conversion[] {
  return objects.map((obj) =>
    federatedObjectFromTarget(generateTypeConfig(targetTypeOfObject(obj), ''), obj),
  );
}

// --- Namespace contents (--contents) ------------------------------------------------------------

/** Never federated with a namespace's contents: generated by the cluster, or KubeFed's own. */
const ALWAYS_SKIPPED_CONTENT_TYPES: readonly string[] = [
  'endpoints',
  'events',
  'events.events.k8s.io',
  `propagatedversions.${CORE_GROUP}`,
];

/**
 * Objects a namespace's contents leave out because each cluster makes its own: those a controller
 * owns (pods of a ReplicaSet, ReplicaSets of a Deployment, EndpointSlices of a Service: federating
 * the owner makes them in each member), and what every namespace gets with cluster-specific
 * content (the root CA ConfigMap, the default ServiceAccount, service-account token Secrets).
 * Federating those would make KubeFed and each member's controllers overwrite each other forever.
 */
export function isMadeInCluster(kind: string, obj: KubeObject): boolean {
  const owners = (obj.metadata?.ownerReferences ?? []) as { controller?: boolean }[];
  if (owners.some((owner) => owner.controller === true)) return true;
  const name = obj.metadata?.name;
  if (kind === 'ConfigMap') return name === 'kube-root-ca.crt';
  if (kind === 'ServiceAccount') return name === 'default';
  if (kind === 'Secret') return obj['type'] === 'kubernetes.io/service-account-token';
  return false;
}

/** `--skip-api-resources` value → names; empty entries dropped. */
export function parseSkipList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/** Why a type of a namespace is not federated with it, or undefined when it is. */
export function contentSkipReason(
  resource: TargetAPIResource,
  userSkips: readonly string[],
): string | undefined {
  if (resource.scope !== ResourceScope.Namespaced) return 'cluster-scoped';
  if (resource.group === 'extensions') return 'deprecated group extensions';
  if (looksFederated(resource)) return 'a federated type';
  const qualified = groupQualifiedName(resource);
  if (ALWAYS_SKIPPED_CONTENT_TYPES.includes(qualified)) return 'always skipped';
  for (const skip of userSkips) {
    if (nameMatchesResource(skip, resource) || skip.toLowerCase() === resource.group) {
      return `--skip-api-resources ${skip}`;
    }
  }
  return undefined;
}

/** The types whose objects `--contents` federates, in discovery order. */
export function contentTypes(
  candidates: readonly TargetAPIResource[],
  userSkips: readonly string[],
): TargetAPIResource[] {
  return candidates.filter((resource) => contentSkipReason(resource, userSkips) === undefined);
}
