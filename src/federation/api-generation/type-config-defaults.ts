// The ten types KubeFed federates out of the box (spec §14), as the Helm chart installs them:
// fixed descriptions of the target types, so `kubefedctl init` needs no discovery or OpenAPI
// round trips and prints the same objects on every server. The integration test checks them
// against what `kubefedctl enable` derives from a real apiserver.
import { ResourceScope } from '../../apis/constants.ts';
import type { CustomResourceDefinition } from '../../apis/crds/openapi.ts';
import type { FederatedTypeConfig } from '../../apis/types.ts';
import { federatedTypeCRD } from './schema.ts';
import type { TemplateShape } from './schema.ts';
import { enableTypeDirective, renderEnableTypeDirective } from './type-config-directive.ts';
import type { EnableTypeDirective } from './type-config-directive.ts';
import { defaultFederatedGroupVersion, generateTypeConfig, typeConfigName } from './type-config.ts';
import type { TargetAPIResource } from './type-config.ts';

export interface DefaultFederatedType {
  target: TargetAPIResource;
  shape: TemplateShape;
}

const { Cluster, Namespaced } = ResourceScope;

function target(
  group: string,
  version: string,
  kind: string,
  pluralName: string,
  scope: ResourceScope,
  shortNames: string[],
  integerReplicas = false,
): DefaultFederatedType {
  return {
    target: {
      group,
      version,
      kind,
      pluralName,
      singularName: kind.toLowerCase(),
      scope,
      shortNames,
    },
    shape: { hasSchema: true, integerReplicas },
  };
}

/** Sorted by FTC name, as the chart lists them. */
export const DEFAULT_FEDERATED_TYPES: readonly DefaultFederatedType[] = [
  target('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', Cluster, []),
  target('', 'v1', 'ConfigMap', 'configmaps', Namespaced, ['cm']),
  target('apps', 'v1', 'Deployment', 'deployments', Namespaced, ['deploy'], true),
  target('networking.k8s.io', 'v1', 'Ingress', 'ingresses', Namespaced, ['ing']),
  target('batch', 'v1', 'Job', 'jobs', Namespaced, []),
  target('', 'v1', 'Namespace', 'namespaces', Cluster, ['ns']),
  target('apps', 'v1', 'ReplicaSet', 'replicasets', Namespaced, ['rs'], true),
  target('', 'v1', 'Secret', 'secrets', Namespaced, []),
  target('', 'v1', 'ServiceAccount', 'serviceaccounts', Namespaced, ['sa']),
  target('', 'v1', 'Service', 'services', Namespaced, ['svc']),
];

/** The FTC and CRD of a default type, in `types.kubefed.io/v1beta1`. */
export function generateDefaultFederatedType(
  type: DefaultFederatedType,
  namespace: string,
): { typeConfig: FederatedTypeConfig; crd: CustomResourceDefinition } {
  return {
    typeConfig: generateTypeConfig(type.target, namespace, defaultFederatedGroupVersion),
    crd: federatedTypeCRD(type.target, type.shape, defaultFederatedGroupVersion),
  };
}

/** The directive `kubefedctl enable -f` reads to enable a default type the same way. */
function defaultTypeDirective(type: DefaultFederatedType): EnableTypeDirective {
  return enableTypeDirective(typeConfigName(type.target), {
    targetVersion: type.target.version,
  });
}

/** Directory (under config/) holding one EnableTypeDirective file per default type. */
export const ENABLE_TYPE_DIRECTIVES_DIR = 'enabletypedirectives';

/** Path relative to config/ → content of every default type's EnableTypeDirective file. */
export function renderDefaultTypeDirectiveFiles(): Map<string, string> {
  const header =
    '# Generated from src/federation/api-generation/type-config-defaults.ts. Do not edit.\n';
  return new Map(
    DEFAULT_FEDERATED_TYPES.map((type) => [
      `${ENABLE_TYPE_DIRECTIVES_DIR}/${typeConfigName(type.target)}.yaml`,
      header + renderEnableTypeDirective(defaultTypeDirective(type)),
    ]),
  );
}
