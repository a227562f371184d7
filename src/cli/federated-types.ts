// Enabling federation of a type (spec §13.4): resolve the target on the host, generate its
// Federated<Kind> CRD and FederatedTypeConfig, and write them. `kubefedctl enable`,
// `federate --enable-type` and `init` (the default types, spec §14) all write through
// `applyFederatedType`.
import { federatedTypeConfigsResource } from '../apis/resources.ts';
import type { CustomResourceDefinition } from '../apis/crds/openapi.ts';
import type { FederatedTypeConfig } from '../apis/types.ts';
import {
  crdUpToDate,
  federatedTypeCRD,
  templateShape,
} from '../federation/api-generation/schema.ts';
import { directiveGroupVersion } from '../federation/api-generation/type-config-directive.ts';
import type { EnableTypeDirective } from '../federation/api-generation/type-config-directive.ts';
import {
  DEFAULT_FEDERATED_TYPES,
  generateDefaultFederatedType,
} from '../federation/api-generation/type-config-defaults.ts';
import {
  enableConflict,
  generateTypeConfig,
  typeConfigName,
  typeConfigUpToDate,
} from '../federation/api-generation/type-config.ts';
import type { TargetAPIResource } from '../federation/api-generation/type-config.ts';
import type { KubeClient } from '../kube/client.ts';
import { ifFound, isConflict, isNotFound } from '../kube/errors.ts';
import { customResourceDefinitionsResource, namespacesResource } from '../kube/resource.ts';
import { lookupAPIResource } from './api-lookup.ts';
import { waitForEstablished } from './crd-readiness.ts';
import { fetchTargetSchema } from './target-schema.ts';
import { listTypeConfigs } from './type-configs.ts';
import type { KubeObject } from '../json/object.ts';

/** The two objects that federate a type. */
export interface FederatedTypeObjects {
  typeConfig: FederatedTypeConfig;
  crd: CustomResourceDefinition;
}

export interface ResolvedFederatedType extends FederatedTypeObjects {
  target: TargetAPIResource;
  /** Things the user should know (e.g. no schema found, so no template field). */
  warnings: string[];
}

/** Looks the directive's type up on the host and generates its FTC and federated CRD. */
export async function resolveFederatedType(
  client: KubeClient,
  directive: EnableTypeDirective,
  namespace: string,
): Promise<ResolvedFederatedType> {
  const target = await lookupAPIResource(
    client,
    directive.metadata.name,
    directive.spec.targetVersion,
  );
  const groupVersion = directiveGroupVersion(directive);
  if (target.group === groupVersion.federatedGroup) {
    throw new Error(
      `"${typeConfigName(target)}" is in the federated group ${groupVersion.federatedGroup} itself; ` +
        'federate the target type instead, or pick another --federated-group',
    );
  }
  const { schema, source } = await fetchTargetSchema(client, target);
  const warnings =
    schema === undefined
      ? [
          `no schema found for ${typeConfigName(target)} (${source}): Federated${target.kind} ` +
            'gets no spec.template field, so templates written to it are pruned',
        ]
      : [];
  return {
    target,
    warnings,
    typeConfig: generateTypeConfig(target, namespace, groupVersion),
    crd: federatedTypeCRD(target, templateShape(schema), groupVersion),
  };
}

export type WriteResult = 'created' | 'updated' | 'unchanged';

export interface ApplyOptions {
  /** The KubeFed system namespace; must exist. */
  namespace: string;
  /** Server-side dry run: validated and defaulted, nothing persisted, no waiting. */
  dryRun?: boolean;
  /** How long the CRD may take to be Established. Default 60 s. */
  crdEstablishTimeoutMs?: number;
  pollIntervalMs?: number;
  signal?: AbortSignal | undefined;
}

export interface ApplyResult {
  crdName: string;
  crd: WriteResult;
  typeConfigName: string;
  typeConfig: WriteResult;
}

/**
 * Writes a federated type: refuses conflicts with the FTCs already in the namespace, creates or
 * replaces the CRD (skipping a no-op), waits for it to be Established, then creates the FTC or
 * merge-patches its spec.
 */
export async function applyFederatedType(
  client: KubeClient,
  objects: FederatedTypeObjects,
  options: ApplyOptions,
): Promise<ApplyResult> {
  const { namespace, signal } = options;
  const dryRun = options.dryRun === true;
  const typeConfig: FederatedTypeConfig = {
    ...objects.typeConfig,
    metadata: { ...objects.typeConfig.metadata, namespace },
  };
  const name = typeConfig.metadata?.name ?? '';
  const crdName = objects.crd.metadata.name;

  await requireNamespace(client, namespace, signal);
  const existing = await listTypeConfigs(client, namespace, signal);
  const conflict = enableConflict(typeConfig, existing);
  if (conflict !== undefined) throw new Error(conflict);
  const current = existing.find((ftc) => ftc.metadata?.name === name);
  if (current?.metadata?.deletionTimestamp) {
    throw new Error(
      `FederatedTypeConfig "${namespace}/${name}" is being deleted; wait until it is gone, then enable it again`,
    );
  }

  const crdResult = await writeCRD(client, objects.crd, dryRun, signal);
  if (!dryRun) {
    await waitForEstablished(client, [crdName], {
      timeoutMs: options.crdEstablishTimeoutMs ?? 60_000,
      pollIntervalMs: options.pollIntervalMs ?? 250,
      signal,
    });
  }

  let typeConfigResult: WriteResult = 'unchanged';
  if (current === undefined) {
    await client.create(federatedTypeConfigsResource, typeConfig, { namespace, dryRun, signal });
    typeConfigResult = 'created';
  } else if (!typeConfigUpToDate(current, typeConfig)) {
    await client.patch(
      federatedTypeConfigsResource,
      name,
      { spec: typeConfig.spec },
      { type: 'merge', namespace, dryRun, signal },
    );
    typeConfigResult = 'updated';
  }
  return { crdName, crd: crdResult, typeConfigName: name, typeConfig: typeConfigResult };
}

/** The lines KubeFed prints for a write, plus `unchanged`. */
export function describeApplyResult(
  result: ApplyResult,
  namespace: string,
  dryRun: boolean,
): string {
  const suffix = dryRun ? ' (server dry run)' : '';
  return (
    `customresourcedefinition.apiextensions.k8s.io/${result.crdName} ${result.crd}${suffix}\n` +
    `federatedtypeconfig.core.kubefed.io/${result.typeConfigName} ${result.typeConfig} in namespace ${namespace}${suffix}\n`
  );
}

async function requireNamespace(
  client: KubeClient,
  namespace: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  try {
    await client.get(namespacesResource, namespace, { signal });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    throw new Error(
      `the KubeFed namespace "${namespace}" does not exist in cluster ${client.cluster}: ` +
        'install KubeFed with "kubefedctl init", or name its namespace with --kubefed-namespace',
      { cause: err },
    );
  }
}

async function writeCRD(
  client: KubeClient,
  crd: CustomResourceDefinition,
  dryRun: boolean,
  signal: AbortSignal | undefined,
): Promise<WriteResult> {
  for (let attempt = 0; ; attempt++) {
    const current = await ifFound(
      client.get(customResourceDefinitionsResource, crd.metadata.name, { signal }),
    );
    if (current === undefined) {
      await client.create(customResourceDefinitionsResource, { ...crd }, { dryRun, signal });
      return 'created';
    }
    if (crdUpToDate(current, crd)) return 'unchanged';
    // Replace the spec wholesale, as KubeFed does: a field the generator no longer emits must go.
    const replacement: KubeObject = {
      ...current,
      metadata: {
        ...current.metadata,
        labels: { ...current.metadata?.labels, ...crd.metadata.labels },
      },
      spec: crd.spec,
    };
    try {
      await client.update(customResourceDefinitionsResource, replacement, { dryRun, signal });
      return 'updated';
    } catch (err) {
      // Someone else wrote it meanwhile: read it again and redo the comparison.
      if (!isConflict(err) || attempt >= 2) throw err;
    }
  }
}

/** The ten default federated types, as `kubefedctl init` enables them after installing KubeFed. */
export async function enableDefaultTypes(
  client: KubeClient,
  options: ApplyOptions,
): Promise<ApplyResult[]> {
  // Independent types: write them side by side, so the CRDs establish in parallel.
  return Promise.all(
    DEFAULT_FEDERATED_TYPES.map((type) =>
      applyFederatedType(client, generateDefaultFederatedType(type, options.namespace), options),
    ),
  );
}

/** `10 types: 2 created, 8 unchanged`; a type counts as created/updated if either object was. */
export function summarizeApplyResults(results: readonly ApplyResult[]): string {
  const counts = new Map<WriteResult, number>();
  for (const result of results) {
    const outcome: WriteResult =
      result.crd === 'created' || result.typeConfig === 'created'
        ? 'created'
        : result.crd === 'updated' || result.typeConfig === 'updated'
          ? 'updated'
          : 'unchanged';
    counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  }
  const parts = (['created', 'updated', 'unchanged'] as const)
    .filter((outcome) => counts.has(outcome))
    .map((outcome) => `${counts.get(outcome) ?? 0} ${outcome}`);
  return `${results.length} type${results.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}
