// FederatedTypeConfig defaulting and the predicates derived from it (spec §2.3). Controllers
// default in memory; nothing writes the defaults back.
import { ResourceScope, pluralName } from './constants.ts';
import type { FederatedTypeConfig } from './types.ts';

export const NAMESPACES_TYPE_CONFIG = 'namespaces';
/** The one type the legacy status controller (FederatedServiceStatus) serves. */
export const SERVICES_TYPE_CONFIG = 'services';

export function applyTypeConfigDefaults(ftc: FederatedTypeConfig): FederatedTypeConfig {
  const result = structuredClone(ftc);
  const name = result.metadata?.name ?? '';
  const dot = name.indexOf('.');
  const target = result.spec.targetType;
  if (!target.pluralName) target.pluralName = dot < 0 ? name : name.slice(0, dot);
  if (!target.group && dot >= 0) target.group = name.slice(dot + 1);
  const federated = result.spec.federatedType;
  if (!federated.pluralName) federated.pluralName = pluralName(federated.kind);
  const status = result.spec.statusType;
  if (status) {
    if (!status.pluralName) status.pluralName = pluralName(status.kind);
    if (!status.group) status.group = federated.group ?? '';
    if (!status.version) status.version = federated.version;
  }
  return result;
}

export function isNamespaceTypeConfig(ftc: FederatedTypeConfig): boolean {
  return ftc.metadata?.name === NAMESPACES_TYPE_CONFIG;
}

/** The target type is namespaced. */
export function targetIsNamespaced(ftc: FederatedTypeConfig): boolean {
  return ftc.spec.targetType.scope === ResourceScope.Namespaced;
}

/** The federated type is namespaced: FederatedNamespace is, though Namespace is not. */
export function federatedIsNamespaced(ftc: FederatedTypeConfig): boolean {
  return isNamespaceTypeConfig(ftc) || targetIsNamespaced(ftc);
}

/** `apps/v1`, or `v1` for the core group. */
export function apiVersionOf(resource: { group?: string | undefined; version: string }): string {
  return resource.group ? `${resource.group}/${resource.version}` : resource.version;
}
