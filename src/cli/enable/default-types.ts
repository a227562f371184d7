// Enabling the ten default federated types (spec §14), as `kubefedctl init` does after installing
// KubeFed: the same writes as `kubefedctl enable`, from the fixed descriptions of the targets.
import {
  DEFAULT_FEDERATED_TYPES,
  generateDefaultFederatedType,
} from '../../federation/api-generation/type-config-defaults.ts';
import type { KubeClient } from '../../kube/client.ts';
import { applyFederatedType } from './enable.ts';
import type { ApplyOptions, ApplyResult, WriteResult } from './enable.ts';

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
