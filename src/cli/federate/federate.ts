// Federating objects of the host (spec §13.6): find each target type's FederatedTypeConfig (or
// generate one to enable), read the target objects, convert them, and create the federated
// objects. Conversion itself is pure, in conversion.ts.
import { setTimeout as sleep } from 'node:timers/promises';
import { ResourceScope } from '../../apis/constants.ts';
import { federatedTypeConfigsResource } from '../../apis/resources.ts';
import { applyTypeConfigDefaults } from '../../apis/typeconfig.ts';
import type { FederatedTypeConfig } from '../../apis/types.ts';
import { enableTypeDirective } from '../../federation/api-generation/type-config-directive.ts';
import {
  generateTypeConfig,
  isNamespaceTarget,
  typeConfigName,
} from '../../federation/api-generation/type-config.ts';
import type { TargetAPIResource } from '../../federation/api-generation/type-config.ts';
import type { KubeClient } from '../../kube/client.ts';
import { ifFound, isAlreadyExists, isNotFound, errorMessage } from '../../kube/errors.ts';
import { resourceRefOf } from '../../kube/resource.ts';
import type { ResourceRef } from '../../kube/resource.ts';
import { candidateResources, discoverResources, lookupAPIResource } from '../api-lookup.ts';
import {
  applyFederatedType,
  describeApplyResult,
  resolveFederatedType,
} from '../federated-types.ts';
import type { FederatedTypeObjects } from '../federated-types.ts';
import { getFromHost } from '../host-client.ts';
import { describeFederatedObject, isDns1123Subdomain } from '../names.ts';
import { contentTypes, federatedObjectFromTarget, isMadeInCluster } from './conversion.ts';
import type { Conversion } from './conversion.ts';
import type { KubeObject } from '../../json/object.ts';

/** One target type's share of the work: maybe enable it, then create its federated objects. */
export interface FederateArtifacts {
  target: TargetAPIResource;
  typeConfig: FederatedTypeConfig;
  /** Set when the type has no FederatedTypeConfig yet and `--enable-type` asks to create one. */
  enable?: FederatedTypeObjects;
  conversions: Conversion[];
}

export interface FederateOptions {
  kubefedNamespace: string;
  /** Namespace of a namespaced target (ignored for namespaces and cluster-scoped types). */
  namespace: string;
  enableType: boolean;
  /** Printing only: a missing FederatedTypeConfig is generated, nothing is enabled. */
  printOnly: boolean;
  contents: boolean;
  skip: readonly string[];
  warn: (message: string) => void;
}

/** How a target type is federated on this host. */
interface TypeFederation {
  typeConfig: FederatedTypeConfig;
  enable?: FederatedTypeObjects;
}

/** Reads TYPE NAME (and with `--contents` the namespace's objects) and converts them. */
export async function collectArtifacts(
  client: KubeClient,
  typeName: string,
  objectName: string,
  options: FederateOptions,
): Promise<FederateArtifacts[]> {
  const target = await lookupAPIResource(client, typeName);
  if (options.contents && !isNamespaceTarget(target)) {
    throw new Error(
      `--contents federates a namespace and its contents; "${typeName}" is ${typeConfigName(target)}, not namespaces`,
    );
  }
  const federation = await typeFederation(client, target, options);
  const namespace = target.scope === ResourceScope.Namespaced ? options.namespace : undefined;
  const object = await getFromHost(client, resourceRefOf(target, namespace !== undefined), {
    kind: target.kind,
    name: objectName,
    namespace,
  });
  const artifacts: FederateArtifacts[] = [
    { target, ...federation, conversions: [convert(federation.typeConfig, object, options)] },
  ];
  if (options.contents) {
    artifacts.push(...(await collectContents(client, objectName, options)));
  }
  return artifacts;
}

function convert(
  typeConfig: FederatedTypeConfig,
  object: KubeObject,
  options: FederateOptions,
): Conversion {
  const conversion = federatedObjectFromTarget(typeConfig, object);
  for (const warning of conversion.warnings) options.warn(warning);
  return conversion;
}

/**
 * The installed FederatedTypeConfig of the target; without one, the generated FTC and CRD to
 * enable (`--enable-type`), or just a generated FTC to print with (`-o`).
 */
async function typeFederation(
  client: KubeClient,
  target: TargetAPIResource,
  options: FederateOptions,
): Promise<TypeFederation> {
  const installed = await installedTypeConfig(client, target, options.kubefedNamespace);
  if (installed !== undefined) return { typeConfig: installed };
  if (options.enableType) {
    const directive = enableTypeDirective(typeConfigName(target), {
      targetVersion: target.version,
    });
    const resolved = await resolveFederatedType(client, directive, options.kubefedNamespace);
    for (const warning of resolved.warnings) options.warn(warning);
    return { typeConfig: resolved.typeConfig, enable: resolved };
  }
  if (options.printOnly)
    return { typeConfig: generateTypeConfig(target, options.kubefedNamespace) };
  throw new TypeNotEnabledError([typeConfigName(target)], options.kubefedNamespace);
}

class TypeNotEnabledError extends Error {
  override readonly name = 'TypeNotEnabledError';
  readonly typeConfigNames: readonly string[];

  constructor(names: readonly string[], kubefedNamespace: string, context = '') {
    const list = names.map((n) => `"${n}"`).join(', ');
    super(
      `${context}federation is not enabled for ${list} (no FederatedTypeConfig in namespace ` +
        `${kubefedNamespace}). Pass --enable-type to enable ${names.length === 1 ? 'it' : 'them'} ` +
        `first, or run ${names.map((n) => `'kubefedctl enable ${n}'`).join(', ')}`,
    );
    this.typeConfigNames = names;
  }
}

async function installedTypeConfig(
  client: KubeClient,
  target: TargetAPIResource,
  kubefedNamespace: string,
): Promise<FederatedTypeConfig | undefined> {
  // A NotFound for the FTC API itself (KubeFed not installed) reads the same: not enabled.
  const ftc = await ifFound(
    client.get(federatedTypeConfigsResource, typeConfigName(target), {
      namespace: kubefedNamespace,
    }),
  );
  return ftc === undefined ? undefined : applyTypeConfigDefaults(ftc as FederatedTypeConfig);
}

/** Every namespaced type the host serves, as `--contents` may federate them, listable only. */
async function namespacedTypes(client: KubeClient): Promise<TargetAPIResource[]> {
  // Types that cannot be listed (tokenreviews, bindings, ...) hold no objects to federate.
  const { groups, lists } = await discoverResources(client, {
    keep: (resource) => resource.verbs.includes('list'),
  });
  return candidateResources(groups, lists);
}

async function collectContents(
  client: KubeClient,
  namespace: string,
  options: FederateOptions,
): Promise<FederateArtifacts[]> {
  const types = contentTypes(await namespacedTypes(client), options.skip);
  const found = await Promise.all(
    types.map(async (target) => {
      try {
        const ref = resourceRefOf(target, true);
        return { target, items: (await client.list(ref, { namespace })).items };
      } catch (err) {
        options.warn(
          `cannot list ${typeConfigName(target)} in namespace ${namespace}, skipping it: ${errorMessage(err)}`,
        );
        return { target, items: [] };
      }
    }),
  );
  const withObjects = found
    .map(({ target, items }) => ({
      target,
      items: items.filter((item) => {
        const name = item.metadata?.name ?? '';
        if (isMadeInCluster(target.kind, item)) return false;
        if (isDns1123Subdomain(name)) return true;
        options.warn(
          `${target.kind} "${namespace}/${name}" is not federated: its name is not a DNS-1123 subdomain`,
        );
        return false;
      }),
    }))
    .filter(({ items }) => items.length > 0);

  // Check every type before writing anything: one message names all types left to enable.
  const federations = await Promise.all(
    withObjects.map(async ({ target }) => {
      try {
        return await typeFederation(client, target, options);
      } catch (err) {
        if (err instanceof TypeNotEnabledError) return typeConfigName(target);
        throw err;
      }
    }),
  );
  const notEnabled = federations.filter((f): f is string => typeof f === 'string');
  if (notEnabled.length > 0) {
    const error = new TypeNotEnabledError(
      notEnabled,
      options.kubefedNamespace,
      `namespace ${namespace} holds objects of types whose `,
    );
    throw new Error(
      `${error.message}; or leave them out with --skip-api-resources ${notEnabled.join(',')}`,
    );
  }
  return withObjects.map(({ target, items }, i) => {
    const federation = federations[i] as TypeFederation;
    return {
      target,
      ...federation,
      conversions: items.map((item) => convert(federation.typeConfig, item, options)),
    };
  });
}

export interface CreateOptions {
  kubefedNamespace: string;
  dryRun: boolean;
  /** How long to retry NotFound while a just-enabled CRD becomes servable. Default 10 s. */
  retryTimeoutMs?: number;
  retryIntervalMs?: number;
  out: (line: string) => void;
}

/**
 * Enables what needs enabling, then creates each federated object. A failure of one object
 * (already federated, invalid) does not stop the others; all failures end in one error.
 */
export async function createArtifacts(
  client: KubeClient,
  artifacts: readonly FederateArtifacts[],
  options: CreateOptions,
): Promise<void> {
  const failures: string[] = [];
  for (const artifact of artifacts) {
    if (artifact.enable !== undefined) {
      const result = await applyFederatedType(client, artifact.enable, {
        namespace: options.kubefedNamespace,
        dryRun: options.dryRun,
      });
      options.out(describeApplyResult(result, options.kubefedNamespace, options.dryRun));
      client.discovery.invalidate();
    }
    const ref = federatedRef(artifact.typeConfig);
    for (const { federated } of artifact.conversions) {
      try {
        const validated = await createFederated(client, ref, federated, {
          ...options,
          justEnabled: artifact.enable !== undefined,
        });
        const namespace = federated.metadata?.namespace;
        const dryRun = !options.dryRun
          ? ''
          : validated
            ? ' (server dry run)'
            : ' (dry run; not validated: the type is not enabled yet)';
        options.out(
          `${describeFederatedObject(federated)} created` +
            `${namespace ? ` in namespace ${namespace}` : ''}${dryRun}\n`,
        );
      } catch (err) {
        failures.push(errorMessage(err));
      }
    }
  }
  if (failures.length === 1) throw new Error(failures[0]);
  if (failures.length > 1) {
    throw new Error(
      `${failures.length} federated objects were not created:\n  ${failures.join('\n  ')}`,
    );
  }
}

function federatedRef(typeConfig: FederatedTypeConfig): ResourceRef {
  const type = applyTypeConfigDefaults(typeConfig).spec.federatedType;
  return resourceRefOf(type, type.scope === ResourceScope.Namespaced);
}

/** Creates one federated object; false when a dry run could not validate it (type not served). */
async function createFederated(
  client: KubeClient,
  ref: ResourceRef,
  federated: KubeObject,
  options: CreateOptions & { justEnabled: boolean },
): Promise<boolean> {
  const namespace = federated.metadata?.namespace;
  const name = namespace
    ? `${namespace}/${federated.metadata?.name ?? ''}`
    : (federated.metadata?.name ?? '');
  const deadline = Date.now() + (options.retryTimeoutMs ?? 10_000);
  for (;;) {
    try {
      await client.create(ref, federated, { namespace, dryRun: options.dryRun });
      return true;
    } catch (err) {
      if (isAlreadyExists(err)) {
        throw new Error(
          `${federated.kind ?? ''} "${name}" already exists: the object is already federated ` +
            '(edit the federated object to change it, or delete it to federate again)',
          { cause: err },
        );
      }
      if (isNotFound(err) && options.justEnabled) {
        // A dry run enabled nothing, so the federated type is not served: nothing to validate.
        if (options.dryRun) return false;
        if (Date.now() < deadline) {
          await sleep(options.retryIntervalMs ?? 1_000);
          continue;
        }
      }
      throw new Error(`creating ${federated.kind ?? ''} "${name}": ${errorMessage(err)}`, {
        cause: err,
      });
    }
  }
}
