// EnableTypeDirective (spec §13.4): the file `kubefedctl enable -f` reads. Not served by any API;
// it only names a type and the federated group/version to generate for it. Pure.
import { parseAllDocuments, stringify } from 'yaml';
import { CORE_V1BETA1, TYPES_GROUP } from '../../apis/constants.ts';
import { DEFAULT_FEDERATED_VERSION } from './type-config.ts';
import type { FederatedGroupVersion } from './type-config.ts';
import { isJsonObject } from '../../json/object.ts';

const ENABLE_TYPE_DIRECTIVE_KIND = 'EnableTypeDirective';

export interface EnableTypeDirectiveSpec {
  /** Only the target API version of this name (`--version`). */
  targetVersion?: string;
  /** Default `types.kubefed.io`. */
  federatedGroup?: string;
  /** Default `v1beta1`. */
  federatedVersion?: string;
}

export interface EnableTypeDirective {
  apiVersion: typeof CORE_V1BETA1;
  kind: typeof ENABLE_TYPE_DIRECTIVE_KIND;
  /** The type to enable: a plural, singular, kind, short name or `<plural>.<group>`. */
  metadata: { name: string };
  spec: EnableTypeDirectiveSpec;
}

/** A directive as the command-line flags give it. */
export function enableTypeDirective(
  name: string,
  spec: EnableTypeDirectiveSpec = {},
): EnableTypeDirective {
  return {
    apiVersion: CORE_V1BETA1,
    kind: ENABLE_TYPE_DIRECTIVE_KIND,
    metadata: { name },
    spec: {
      ...(spec.targetVersion ? { targetVersion: spec.targetVersion } : {}),
      ...(spec.federatedGroup ? { federatedGroup: spec.federatedGroup } : {}),
      ...(spec.federatedVersion ? { federatedVersion: spec.federatedVersion } : {}),
    },
  };
}

/** The directive's federated group and version, defaults filled in. */
export function directiveGroupVersion(directive: EnableTypeDirective): FederatedGroupVersion {
  return {
    federatedGroup: directive.spec.federatedGroup || TYPES_GROUP,
    federatedVersion: directive.spec.federatedVersion || DEFAULT_FEDERATED_VERSION,
  };
}

const specFields: readonly string[] = ['targetVersion', 'federatedGroup', 'federatedVersion'];

/** Reads the one EnableTypeDirective of a YAML (or JSON) file; `source` names it in errors. */
export function parseEnableTypeDirective(text: string, source: string): EnableTypeDirective {
  const documents = parseAllDocuments(text).filter((d) => d.contents !== null);
  const first = documents[0];
  if (first === undefined) throw new Error(`${source}: no EnableTypeDirective in the file`);
  if (documents.length > 1) {
    throw new Error(
      `${source}: one EnableTypeDirective per file, found ${documents.length} documents`,
    );
  }
  if (first.errors.length > 0) {
    throw new Error(`${source}: invalid YAML: ${first.errors[0]?.message ?? ''}`);
  }
  const value: unknown = first.toJS();
  if (!isJsonObject(value)) throw new Error(`${source}: expected an object`);
  const wrong = (field: string, expected: string): Error =>
    new Error(
      `${source}: ${field} must be ${expected}, got ${JSON.stringify(value[field] ?? null)}`,
    );
  if (value['apiVersion'] !== CORE_V1BETA1) throw wrong('apiVersion', `"${CORE_V1BETA1}"`);
  if (value['kind'] !== ENABLE_TYPE_DIRECTIVE_KIND) {
    throw wrong('kind', `"${ENABLE_TYPE_DIRECTIVE_KIND}"`);
  }
  const metadata = value['metadata'];
  const name = isJsonObject(metadata) ? metadata['name'] : undefined;
  if (typeof name !== 'string' || name === '') {
    throw new Error(`${source}: metadata.name must name the type to enable`);
  }
  const spec = value['spec'] ?? {};
  if (!isJsonObject(spec)) throw new Error(`${source}: spec must be an object`);
  const parsed: EnableTypeDirectiveSpec = {};
  for (const [field, fieldValue] of Object.entries(spec)) {
    if (!specFields.includes(field)) throw new Error(`${source}: unknown field spec.${field}`);
    if (fieldValue === undefined || fieldValue === null || fieldValue === '') continue;
    if (typeof fieldValue !== 'string') {
      throw new Error(`${source}: spec.${field} must be a string`);
    }
    parsed[field as keyof EnableTypeDirectiveSpec] = fieldValue;
  }
  return enableTypeDirective(name, parsed);
}

export function renderEnableTypeDirective(directive: EnableTypeDirective): string {
  return stringify(directive, { lineWidth: 0 });
}
