// Finding a target type's schema in what a server serves: a CRD's `openAPIV3Schema`, or a kind's
// schema in the server's OpenAPI v3 documents. Pure: the CLI fetches, these functions read.
import type { OpenAPISchema } from './schema.ts';
import { isJsonObject } from '../../json/object.ts';

export interface GroupVersionKind {
  /** `''` for the core group. */
  group: string;
  version: string;
  kind: string;
}

/** `api/v1`, `apis/apps/v1`: the key of a group-version in the `/openapi/v3` index. */
function openAPIv3PathKey(gv: { group: string; version: string }): string {
  return gv.group === '' ? `api/${gv.version}` : `apis/${gv.group}/${gv.version}`;
}

/**
 * Where the server serves the document of a group-version, from the `/openapi/v3` index
 * (`{paths: {"apis/apps/v1": {serverRelativeURL}}}`); undefined when it does not list it.
 */
export function openAPIv3DocumentURL(
  index: unknown,
  gv: { group: string; version: string },
): string | undefined {
  const paths = isJsonObject(index) ? index['paths'] : undefined;
  const entry = isJsonObject(paths) ? paths[openAPIv3PathKey(gv)] : undefined;
  const url = isJsonObject(entry) ? entry['serverRelativeURL'] : undefined;
  return typeof url === 'string' && url.startsWith('/') ? url : undefined;
}

/**
 * The schema of a kind in an OpenAPI v3 group-version document: the component whose
 * `x-kubernetes-group-version-kind` names it, with `$ref`s and `allOf`s resolved a few property
 * levels deep, which is enough to see `spec.replicas` (deeper ones stay references).
 */
export function kindSchemaFromOpenAPIv3(
  document: unknown,
  gvk: GroupVersionKind,
): OpenAPISchema | undefined {
  const components = isJsonObject(document) ? document['components'] : undefined;
  const schemas = isJsonObject(components) ? components['schemas'] : undefined;
  if (!isJsonObject(schemas)) return undefined;
  for (const candidate of Object.values(schemas)) {
    if (isJsonObject(candidate) && servesKind(candidate, gvk)) {
      return resolveSchema(candidate, schemas, resolveDepth);
    }
  }
  return undefined;
}

/**
 * A CRD's schema for `version`, or for its first version when it has no such version (KubeFed
 * reads the first); undefined when the version has no schema.
 */
export function crdVersionSchema(crd: unknown, version: string): OpenAPISchema | undefined {
  const spec = isJsonObject(crd) ? crd['spec'] : undefined;
  const versions = isJsonObject(spec) && Array.isArray(spec['versions']) ? spec['versions'] : [];
  const objects = versions.filter(isJsonObject);
  const chosen = objects.find((v) => v['name'] === version) ?? objects[0];
  const schema = chosen?.['schema'];
  const root = isJsonObject(schema) ? schema['openAPIV3Schema'] : undefined;
  return isJsonObject(root) ? root : undefined;
}

/** Root → spec → replicas needs two levels; one more covers items of a top-level list. */
const resolveDepth = 3;
const refPrefix = '#/components/schemas/';

function servesKind(schema: OpenAPISchema, gvk: GroupVersionKind): boolean {
  const entries = schema['x-kubernetes-group-version-kind'];
  if (!Array.isArray(entries)) return false;
  return entries.some(
    (entry) =>
      isJsonObject(entry) &&
      (entry['group'] ?? '') === gvk.group &&
      entry['version'] === gvk.version &&
      entry['kind'] === gvk.kind,
  );
}

/**
 * `node` with its `$ref` followed and its `allOf` members merged in (Kubernetes wraps every
 * referenced property as `{allOf: [{$ref}], description, default}`), then the same for its
 * properties, items and map values, `depth` levels down.
 */
function resolveSchema(
  node: OpenAPISchema,
  schemas: Record<string, unknown>,
  depth: number,
  seen: ReadonlySet<string> = new Set(),
): OpenAPISchema {
  let result: OpenAPISchema = { ...node };
  const ref = result['$ref'];
  if (typeof ref === 'string' && ref.startsWith(refPrefix)) {
    const name = ref.slice(refPrefix.length);
    const target = schemas[name];
    if (isJsonObject(target) && !seen.has(name)) {
      delete result['$ref'];
      result = {
        ...resolveSchema(target, schemas, depth, new Set([...seen, name])),
        ...result,
      };
    }
  }
  const allOf = result['allOf'];
  if (Array.isArray(allOf)) {
    delete result['allOf'];
    for (const member of allOf) {
      if (!isJsonObject(member)) continue;
      const resolved = resolveSchema(member, schemas, depth, seen);
      result = {
        ...resolved,
        ...result,
        ...mergedProperties(resolved['properties'], result['properties']),
      };
    }
  }
  if (depth <= 0) return result;
  const properties = result['properties'];
  if (isJsonObject(properties)) {
    result['properties'] = Object.fromEntries(
      Object.entries(properties).map(([name, value]) => [
        name,
        isJsonObject(value) ? resolveSchema(value, schemas, depth - 1, seen) : value,
      ]),
    );
  }
  for (const key of ['items', 'additionalProperties']) {
    const child = result[key];
    if (isJsonObject(child)) result[key] = resolveSchema(child, schemas, depth - 1, seen);
  }
  return result;
}

function mergedProperties(a: unknown, b: unknown): { properties?: Record<string, unknown> } {
  if (!isJsonObject(a) && !isJsonObject(b)) return {};
  return { properties: { ...(isJsonObject(a) ? a : {}), ...(isJsonObject(b) ? b : {}) } };
}
