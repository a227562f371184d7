// Generating a FederatedTypeConfig for a target type (spec §2.3, §13.4), and the rules about which
// types may be federated side by side. Pure: the CLI looks the target up and writes the result.
import {
  CORE_V1BETA1,
  ResourceScope,
  Toggle,
  TYPES_GROUP,
  groupQualifiedName,
} from '../../apis/constants.ts';
import { applyTypeConfigDefaults } from '../../apis/typeconfig.ts';
import type { APIResource, FederatedTypeConfig } from '../../apis/types.ts';
import { isJsonObject } from '../../json/object.ts';

/** The default `--federated-version`. */
export const DEFAULT_FEDERATED_VERSION = 'v1beta1';

/** A type to federate, as server discovery describes it. */
export interface TargetAPIResource {
  /** `''` for the core group. */
  group: string;
  version: string;
  kind: string;
  /** Lower-case plural resource name (`deployments`). */
  pluralName: string;
  /** Lower-case singular (`deployment`); empty when discovery does not say. */
  singularName: string;
  scope: ResourceScope;
  shortNames: readonly string[];
}

/** Where the generated `Federated<Kind>` lives: `--federated-group` / `--federated-version`. */
export interface FederatedGroupVersion {
  federatedGroup: string;
  federatedVersion: string;
}

export const defaultFederatedGroupVersion: FederatedGroupVersion = {
  federatedGroup: TYPES_GROUP,
  federatedVersion: DEFAULT_FEDERATED_VERSION,
};

/** `deployments.apps`, `configmaps`: the name of the target's FederatedTypeConfig. */
export function typeConfigName(target: Pick<TargetAPIResource, 'group' | 'pluralName'>): string {
  return groupQualifiedName(target);
}

/**
 * The target's federated type: kind `Federated<Kind>`, plural `federated<plural>`, the target's
 * scope, except that FederatedNamespace is namespaced (it lives in the namespace it federates).
 */
export function federatedAPIResource(
  target: TargetAPIResource,
  groupVersion: FederatedGroupVersion = defaultFederatedGroupVersion,
): APIResource {
  return {
    group: groupVersion.federatedGroup,
    version: groupVersion.federatedVersion,
    kind: `Federated${target.kind}`,
    pluralName: `federated${target.pluralName}`,
    scope: isNamespaceTarget(target) ? ResourceScope.Namespaced : target.scope,
  };
}

/** KubeFed's test for a generated federated type: `Federated<Kind>` in the federated types group. */
export function looksFederated(type: { group: string; kind: string }): boolean {
  return type.group === TYPES_GROUP && type.kind.startsWith('Federated');
}

/** The core-group Namespace: the one type whose federated form changes scope. */
export function isNamespaceTarget(
  target: Pick<TargetAPIResource, 'group' | 'pluralName'>,
): boolean {
  return target.group === '' && target.pluralName === 'namespaces';
}

/** `<plural>.<group>`: the name of the CRD serving a federated type. */
export function federatedCRDName(federatedType: Pick<APIResource, 'pluralName' | 'group'>): string {
  return `${federatedType.pluralName}.${federatedType.group ?? ''}`;
}

/**
 * The FederatedTypeConfig `kubefedctl enable` writes: named after the target, propagation
 * Enabled, with the defaults of spec §2.3 already filled in (target group and plural, as KubeFed
 * prints them with `-o yaml`).
 */
export function generateTypeConfig(
  target: TargetAPIResource,
  namespace: string,
  groupVersion: FederatedGroupVersion = defaultFederatedGroupVersion,
): FederatedTypeConfig {
  return {
    apiVersion: CORE_V1BETA1,
    kind: 'FederatedTypeConfig',
    metadata: { name: typeConfigName(target), namespace },
    spec: {
      targetType: {
        ...(target.group === '' ? {} : { group: target.group }),
        version: target.version,
        kind: target.kind,
        pluralName: target.pluralName,
        scope: target.scope,
      },
      propagation: Toggle.Enabled,
      federatedType: federatedAPIResource(target, groupVersion),
    },
  };
}

// --- Which types may be federated together ------------------------------------------------------

/**
 * APIs served under several groups over Kubernetes' history (spec §13.4). Federating two of a set
 * would propagate the same member objects twice, so only one of each may be enabled.
 */
const EQUIVALENT_API_GROUPS: Readonly<Record<string, readonly string[]>> = {
  deployments: ['apps', 'extensions'],
  daemonsets: ['apps', 'extensions'],
  replicasets: ['apps', 'extensions'],
  statefulsets: ['apps'],
  networkpolicies: ['networking.k8s.io', 'extensions'],
  podsecuritypolicies: ['policy', 'extensions'],
  ingresses: ['networking.k8s.io', 'extensions'],
};

/** FTC names of the APIs equivalent to `name` (not including `name` itself). */
export function equivalentTypeConfigNames(name: string): string[] {
  const dot = name.indexOf('.');
  if (dot < 0) return [];
  const plural = name.slice(0, dot);
  const group = name.slice(dot + 1);
  const groups = Object.hasOwn(EQUIVALENT_API_GROUPS, plural) ? EQUIVALENT_API_GROUPS[plural] : [];
  if (!groups?.includes(group)) return [];
  return groups.filter((g) => g !== group).map((g) => `${plural}.${g}`);
}

/**
 * Why `wanted` cannot be written next to the FTCs that exist in its namespace, or undefined:
 * an enabled type cannot be moved to another federated type, an equivalent API cannot be
 * federated twice, and two targets cannot share one federated CRD.
 */
export function enableConflict(
  wanted: FederatedTypeConfig,
  existing: readonly FederatedTypeConfig[],
): string | undefined {
  const name = wanted.metadata?.name ?? '';
  const namespace = wanted.metadata?.namespace ?? '';
  const wantedType = wanted.spec.federatedType;
  const qualified = (ftcName: string): string => (namespace ? `${namespace}/${ftcName}` : ftcName);
  const equivalents = new Set(equivalentTypeConfigNames(name));
  for (const raw of existing) {
    const other = applyTypeConfigDefaults(raw);
    const otherName = other.metadata?.name ?? '';
    const otherType = other.spec.federatedType;
    if (otherName === name) {
      if (
        otherType.group !== wantedType.group ||
        otherType.version !== wantedType.version ||
        otherType.pluralName !== wantedType.pluralName
      ) {
        return (
          `Federation is already enabled for "${name}" with the federated type ` +
          `"${describeFederatedType(otherType)}". Changing the federated type to ` +
          `"${describeFederatedType(wantedType)}" is not supported; to move it, run ` +
          `"kubefedctl disable ${name} --delete-crd" first (federated objects of the old type must be deleted).`
        );
      }
      continue;
    }
    if (equivalents.has(otherName)) {
      return (
        `Cannot enable federation of "${name}": the equivalent API "${otherName}" is already ` +
        `federated by FederatedTypeConfig "${qualified(otherName)}", and only one of ` +
        `${[name, ...equivalents].sort().join(', ')} may be federated. ` +
        `Run "kubefedctl disable ${otherName}" first to switch.`
      );
    }
    if (federatedCRDName(otherType) === federatedCRDName(wantedType)) {
      return (
        `Cannot enable federation of "${name}": its federated type "${federatedCRDName(wantedType)}" ` +
        `is already used by FederatedTypeConfig "${qualified(otherName)}" (target "${otherName}"). ` +
        `Use --federated-group to generate ${wantedType.kind} in another API group.`
      );
    }
  }
  return undefined;
}

/** `federateddeployments.types.kubefed.io/v1beta1`. */
function describeFederatedType(type: APIResource): string {
  return `${federatedCRDName(type)}/${type.version}`;
}

// --- Whether a write would change anything --------------------------------------------------------

/**
 * Every field of `wanted` has the same value in `current` (arrays element by element, same
 * length). Fields only `current` has, such as those the apiserver defaults, are ignored.
 */
export function containsFields(current: unknown, wanted: unknown): boolean {
  if (Array.isArray(wanted)) {
    return (
      Array.isArray(current) &&
      current.length === wanted.length &&
      wanted.every((item, i) => containsFields(current[i], item))
    );
  }
  if (isJsonObject(wanted)) {
    return (
      isJsonObject(current) &&
      Object.entries(wanted).every(([key, value]) => containsFields(current[key], value))
    );
  }
  return current === wanted;
}

/** Writing `wanted`'s spec over `current` (a merge patch) would change nothing. */
export function typeConfigUpToDate(
  current: FederatedTypeConfig,
  wanted: FederatedTypeConfig,
): boolean {
  return containsFields(current.spec, wanted.spec);
}
