// `spec.overrides` of a federated object: decoding (the way Go decodes it into typed structs),
// validation into a per-cluster JSON Patch, and application to a member object (spec §7.5.1).
// KubeFed's errors (a duplicate cluster or path, a forbidden path) fail every cluster with
// `ApplyOverridesFailed`. kubefed-ts adds checks for overrides KubeFed applied in a way nobody
// meant (a path without its leading `/`, an op it does not know, add or replace without a value):
// they fail only the cluster they are for. Either way the controller reports it; nothing is thrown.
import {
  applyJsonPatch,
  getOwn,
  type JsonPatchOperation,
  type JsonPatchResult,
} from '../../json/json-patch.ts';
import { isJsonObject, type KubeObject } from '../../json/object.ts';

/**
 * Paths an override may not touch: name and namespace tie a member object to its federated
 * object, and the kind is the FTC's. Compared exactly, as KubeFed did (`/metadata` itself is
 * allowed).
 */
export const FORBIDDEN_OVERRIDE_PATHS: ReadonlySet<string> = new Set([
  '/metadata/namespace',
  '/metadata/name',
  '/metadata/generateName',
  '/kind',
]);

/** One `clusterOverrides[]` entry after typed decoding: absent strings are `""`. */
export interface DecodedClusterOverride {
  op: string;
  path: string;
  /** `undefined` when absent or null. */
  value?: unknown;
}

export interface DecodedOverrideItem {
  clusterName: string;
  clusterOverrides: DecodedClusterOverride[];
}

/** `items` is `null` when `spec.overrides` is absent or null (Go's nil slice). */
export type DecodedOverrides =
  { ok: true; items: DecodedOverrideItem[] | null } | { ok: false; error: string };

/** Cluster name → the JSON Patch for that cluster. */
export type ClusterOverridesMap = ReadonlyMap<string, readonly JsonPatchOperation[]>;

export type OverridesParseResult =
  | {
      ok: true;
      overrides: ClusterOverridesMap;
      /** Cluster name → why its overrides cannot be applied (it is not propagated to). */
      invalid: ReadonlyMap<string, string>;
    }
  | { ok: false; error: string };

/** The ops an override may use (the CRD's pattern; absent means `replace`). */
const OVERRIDE_OPS: ReadonlySet<string> = new Set(['add', 'remove', 'replace']);

/**
 * Decodes `spec.overrides` like Go's json.Unmarshal into KubeFed's typed override list: unknown
 * fields dropped, null items become zero values, a field of the wrong type is an error.
 */
export function decodeOverrides(spec: unknown): DecodedOverrides {
  if (spec === undefined || spec === null) return { ok: true, items: null };
  if (!isJsonObject(spec)) return typeError('spec', spec, 'object');
  const list = getOwn(spec, 'overrides');
  if (list === undefined || list === null) return { ok: true, items: null };
  if (!Array.isArray(list)) return typeError('spec.overrides', list, 'array');
  const items: DecodedOverrideItem[] = [];
  for (const [i, raw] of list.entries()) {
    const where = `spec.overrides[${i}]`;
    if (raw === null) {
      items.push({ clusterName: '', clusterOverrides: [] });
      continue;
    }
    if (!isJsonObject(raw)) return typeError(where, raw, 'object');
    const clusterName = decodeString(raw, 'clusterName', where);
    if (typeof clusterName !== 'string') return clusterName;
    const rawOverrides = getOwn(raw, 'clusterOverrides');
    const clusterOverrides: DecodedClusterOverride[] = [];
    if (rawOverrides !== undefined && rawOverrides !== null) {
      if (!Array.isArray(rawOverrides)) {
        return typeError(`${where}.clusterOverrides`, rawOverrides, 'array');
      }
      for (const [j, entry] of rawOverrides.entries()) {
        const decoded = decodeClusterOverride(entry, `${where}.clusterOverrides[${j}]`);
        if ('ok' in decoded) return decoded;
        clusterOverrides.push(decoded);
      }
    }
    items.push({ clusterName, clusterOverrides });
  }
  return { ok: true, items };
}

/**
 * Validates the overrides of a federated object and turns them into one JSON Patch per cluster
 * (`op` defaults to `replace`). Errors name the offending cluster or path.
 */
export function parseOverrides(fed: KubeObject): OverridesParseResult {
  const decoded = decodeOverrides(fed['spec']);
  if (!decoded.ok) return decoded;
  const overrides = new Map<string, JsonPatchOperation[]>();
  const invalid = new Map<string, string>();
  for (const [index, item] of (decoded.items ?? []).entries()) {
    const cluster = item.clusterName;
    if (overrides.has(cluster)) {
      return { ok: false, error: `cluster ${quote(cluster)} appears more than once` };
    }
    const paths = new Set<string>();
    const patch: JsonPatchOperation[] = [];
    for (const [i, override] of item.clusterOverrides.entries()) {
      const path = override.path;
      if (FORBIDDEN_OVERRIDE_PATHS.has(path)) {
        return {
          ok: false,
          error: `override[${i}] for cluster ${quote(cluster)} has an invalid path: ${path}`,
        };
      }
      if (paths.has(path)) {
        return {
          ok: false,
          error: `path ${quote(path)} appears more than once for cluster ${quote(cluster)}`,
        };
      }
      paths.add(path);
      const problem = overrideProblem(override);
      if (problem !== undefined && !invalid.has(cluster)) {
        invalid.set(
          cluster,
          `spec.overrides[${index}].clusterOverrides[${i}] (path ${quote(path)}): ${problem}`,
        );
      }
      const operation: JsonPatchOperation = {
        op: override.op === '' ? 'replace' : override.op,
        path,
      };
      if (override.value !== undefined) operation.value = override.value;
      patch.push(operation);
    }
    overrides.set(cluster, patch);
  }
  return { ok: true, overrides, invalid };
}

/**
 * What is wrong with one override that KubeFed would have applied anyway: evanphx/json-patch
 * drops the first token of a path without a leading `/` (`spec/replicas` patches `/replicas`),
 * and writes `null` for an add or replace without a value. Undefined when it is fine.
 */
function overrideProblem(override: DecodedClusterOverride): string | undefined {
  const op = override.op === '' ? 'replace' : override.op;
  if (!OVERRIDE_OPS.has(op)) {
    return `op ${quote(op)} is not supported: use add, remove or replace (the default)`;
  }
  if (!override.path.startsWith('/')) {
    const hint =
      override.path === '' ? '' : `, e.g. ${quote(`/${override.path.replaceAll('.', '/')}`)}`;
    return `the path must be a JSON pointer starting with "/"${hint}`;
  }
  if (op !== 'remove' && override.value === undefined) {
    return `op ${quote(op)} needs a value: set value, or use op "remove" to delete the field`;
  }
  return undefined;
}

/** The patch for one cluster; clusters without overrides get an empty one. */
export function overridesForCluster(
  overrides: ClusterOverridesMap,
  clusterName: string,
): readonly JsonPatchOperation[] {
  return overrides.get(clusterName) ?? [];
}

/**
 * Applies a cluster's patch to a member object. The result must still be an object with a kind
 * (Go re-decoded it as an Unstructured, which requires one).
 */
export function applyOverrides(
  obj: KubeObject,
  patch: readonly JsonPatchOperation[],
): { ok: true; object: KubeObject } | { ok: false; error: string } {
  if (patch.length === 0) return { ok: true, object: obj };
  const result: JsonPatchResult = applyJsonPatch(obj, patch);
  if (!result.ok) return result;
  const patched = result.document;
  if (!isJsonObject(patched)) {
    return { ok: false, error: 'the patched object is not a JSON object' };
  }
  const kind = getOwn(patched, 'kind');
  if (typeof kind !== 'string' || kind === '') {
    return { ok: false, error: `Object 'Kind' is missing in '${JSON.stringify(patched)}'` };
  }
  return { ok: true, object: patched };
}

// --- internals ---------------------------------------------------------------------------------

/** Go's %q for the names that appear here (ASCII in practice). */
function quote(text: string): string {
  return JSON.stringify(text);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value;
}

function typeError(where: string, value: unknown, wanted: string): { ok: false; error: string } {
  return {
    ok: false,
    error: `json: cannot unmarshal ${describe(value)} into ${where} of type ${wanted}`,
  };
}

function decodeString(
  obj: Record<string, unknown>,
  field: string,
  where: string,
): string | { ok: false; error: string } {
  const value = getOwn(obj, field);
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') return typeError(`${where}.${field}`, value, 'string');
  return value;
}

function decodeClusterOverride(
  entry: unknown,
  where: string,
): DecodedClusterOverride | { ok: false; error: string } {
  if (entry === null) return { op: '', path: '' };
  if (!isJsonObject(entry)) return typeError(where, entry, 'object');
  const op = decodeString(entry, 'op', where);
  if (typeof op !== 'string') return op;
  const path = decodeString(entry, 'path', where);
  if (typeof path !== 'string') return path;
  const value = getOwn(entry, 'value');
  return value === undefined || value === null ? { op, path } : { op, path, value };
}
