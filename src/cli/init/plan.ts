// What `kubefedctl init` installs, and the decisions it takes about what already exists. Pure:
// no client, so every rule is unit-tested without a cluster.
import { KUBEFED_CONFIG_NAME, ResourceScope } from '../../apis/constants.ts';
import { kubefedCRDs } from '../../apis/crds.ts';
import { defaultKubeFedConfig } from '../../apis/kubefedconfig.ts';
import { isJsonObject, type KubeObject } from '../../json/object.ts';

export interface InstallPlan {
  namespace: string;
  scope: ResourceScope;
  crds: KubeObject[];
  namespaceObject: KubeObject;
  kubefedConfig: KubeObject;
}

export function planInstall(options: { namespace: string; scope: ResourceScope }): InstallPlan {
  return {
    namespace: options.namespace,
    scope: options.scope,
    crds: kubefedCRDs().map((crd) => ({ ...crd })),
    namespaceObject: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: options.namespace } },
    kubefedConfig: { ...defaultKubeFedConfig(options.namespace, options.scope) },
  };
}

/** Every object of the plan, in the order they are applied (and printed). */
export function planObjects(plan: InstallPlan): KubeObject[] {
  return [...plan.crds, plan.namespaceObject, plan.kubefedConfig];
}

export function parseScope(value: string): ResourceScope {
  const scopes: string[] = Object.values(ResourceScope);
  const match = Object.values(ResourceScope).find((s) => s.toLowerCase() === value.toLowerCase());
  if (!match) throw new Error(`invalid scope "${value}": use ${scopes.join(' or ')}`);
  return match;
}

export type KubeFedConfigDecision =
  { action: 'create'; scope: ResourceScope } | { action: 'keep'; scope: ResourceScope };

/**
 * Whether to create the KubeFedConfig. An existing one is the user's: keep it, unless the
 * requested scope differs, which cannot be fixed by an update (scope is immutable).
 */
export function decideKubeFedConfig(
  existing: KubeObject | undefined,
  requested: ResourceScope | undefined,
  namespace: string,
): KubeFedConfigDecision {
  if (existing === undefined)
    return { action: 'create', scope: requested ?? ResourceScope.Cluster };
  const spec = existing['spec'];
  const current = isJsonObject(spec) ? spec['scope'] : undefined;
  const name = `${namespace}/${KUBEFED_CONFIG_NAME}`;
  if (current !== ResourceScope.Cluster && current !== ResourceScope.Namespaced) {
    if (requested === undefined) {
      throw new Error(
        `KubeFedConfig ${name} exists without a valid spec.scope (${JSON.stringify(current)}); ` +
          'fix or delete it, then run init again',
      );
    }
    return { action: 'keep', scope: requested };
  }
  if (requested !== undefined && requested !== current) {
    throw new Error(
      `KubeFedConfig ${name} already exists with scope ${current}, and scope cannot be changed; ` +
        `run init with --scope ${current}, or delete the KubeFedConfig (and the KubeFed control plane using it) first`,
    );
  }
  return { action: 'keep', scope: current };
}
