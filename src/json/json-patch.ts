// RFC 6902 JSON Patch with the behaviour of evanphx/json-patch v4.12 (the library KubeFed v0.10
// applies overrides with), quirks included, because users' overrides were written against it:
//
// * `replace` of a missing object key succeeds and adds it (only the parent must exist);
// * negative array indices count from the end (`add` counts from len+1, so `-1` appends);
// * indices parse like Go's strconv.Atoi (`+1` and `01` are accepted);
// * a path without a leading `/` ignores its first token; `replace` of the whole document (`""`)
//   takes an object or array;
// * `copy` from a missing key copies `null`; `test` of a missing key passes against `null`.
//
// Pure: the input document is never modified, inserted values are copies.
import { isJsonObject, type JsonObject } from './object.ts';

export interface JsonPatchOperation {
  /** `add`, `remove`, `replace`, `move`, `copy` or `test`. */
  op?: string;
  path?: string;
  from?: string;
  /** Absent means `null` for add/replace. */
  value?: unknown;
}

export type JsonPatchResult = { ok: true; document: unknown } | { ok: false; error: string };

/** Sets an own data property, even for the key `__proto__`. */
export function setOwn(obj: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  } else {
    obj[key] = value;
  }
}

/** Removes an own property (JSON keys are data, so they are computed). */
export function deleteOwn(obj: JsonObject, key: string): void {
  Reflect.deleteProperty(obj, key);
}

/** An own property's value; `undefined` when absent (inherited names like `toString` included). */
export function getOwn(obj: JsonObject, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** Deep copy of a JSON value. */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => cloneJson(item)) as T;
  if (isJsonObject(value)) {
    const copy: JsonObject = {};
    for (const [key, item] of Object.entries(value)) setOwn(copy, key, cloneJson(item));
    return copy as T;
  }
  return value;
}

/** Structural equality of JSON values; an `undefined` property counts as absent. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    return (
      (typeof a === 'bigint' || (typeof a === 'number' && Number.isInteger(a))) &&
      (typeof b === 'bigint' || (typeof b === 'number' && Number.isInteger(b))) &&
      BigInt(a) === BigInt(b)
    );
  }
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const keysA = Object.keys(a).filter((k) => a[k] !== undefined);
    const keysB = Object.keys(b).filter((k) => b[k] !== undefined);
    return (
      keysA.length === keysB.length &&
      keysA.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]))
    );
  }
  return false;
}

/** Applies `patch` to a copy of `document` (an object or an array). */
export function applyJsonPatch(
  document: unknown,
  patch: readonly JsonPatchOperation[],
): JsonPatchResult {
  if (!isContainer(document)) return failure('document is neither an object nor an array');
  const state: PatchState = { root: cloneJson(document) };
  for (const operation of patch) {
    const error = applyOperation(state, operation);
    if (error !== undefined) return failure(error);
  }
  return { ok: true, document: state.root };
}

// --- internals ---------------------------------------------------------------------------------

type Container = JsonObject | unknown[];

interface PatchState {
  root: Container;
}

const MISSING = 'missing value';
const INVALID_INDEX = 'invalid index referenced';
const TEST_FAILED = 'test failed';

function failure(error: string): { ok: false; error: string } {
  return { ok: false, error };
}

function isContainer(value: unknown): value is Container {
  return Array.isArray(value) || isJsonObject(value);
}

function applyOperation(state: PatchState, operation: JsonPatchOperation): string | undefined {
  const kind = typeof operation.op === 'string' ? operation.op : 'unknown';
  switch (kind) {
    case 'add':
      return add(state, operation);
    case 'remove':
      return remove(state, operation);
    case 'replace':
      return replace(state, operation);
    case 'move':
      return move(state, operation);
    case 'copy':
      return copy(state, operation);
    case 'test':
      return test(state, operation);
    default:
      return `Unexpected kind: ${kind}`;
  }
}

function operationValue(operation: JsonPatchOperation): unknown {
  return operation.value === undefined ? null : cloneJson(operation.value);
}

function add(state: PatchState, operation: JsonPatchOperation): string | undefined {
  const path = operation.path;
  if (typeof path !== 'string') return `add operation failed to decode path: ${MISSING}`;
  const target = findParent(state.root, path);
  if (target === undefined) {
    return `add operation does not apply: doc is missing path: "${path}": ${MISSING}`;
  }
  const error = containerAdd(target.container, target.key, operationValue(operation));
  return error === undefined ? undefined : `error in add for path: '${path}': ${error}`;
}

function remove(state: PatchState, operation: JsonPatchOperation): string | undefined {
  const path = operation.path;
  if (typeof path !== 'string') return `remove operation failed to decode path: ${MISSING}`;
  const target = findParent(state.root, path);
  if (target === undefined) {
    return `remove operation does not apply: doc is missing path: "${path}": ${MISSING}`;
  }
  const error = containerRemove(target.container, target.key);
  return error === undefined ? undefined : `error in remove for path: '${path}': ${error}`;
}

function replace(state: PatchState, operation: JsonPatchOperation): string | undefined {
  const path = operation.path;
  if (typeof path !== 'string') return `replace operation failed to decode path: ${MISSING}`;
  if (path === '') {
    const value = operationValue(operation);
    if (!isContainer(value)) return 'replace operation value must be object or array';
    state.root = value;
    return undefined;
  }
  const target = findParent(state.root, path);
  if (target === undefined) {
    return `replace operation does not apply: doc is missing path: ${path}: ${MISSING}`;
  }
  // v4 only checks that the key can be read; a missing object key reads as null, so it is added.
  const current = containerGet(target.container, target.key);
  if (!current.ok) {
    return `replace operation does not apply: doc is missing key: ${path}: ${MISSING}`;
  }
  containerSet(target.container, target.key, operationValue(operation));
  return undefined;
}

function move(state: PatchState, operation: JsonPatchOperation): string | undefined {
  const from = operation.from;
  if (typeof from !== 'string') {
    return `move operation failed to decode from: operation, missing from field: ${MISSING}`;
  }
  const source = findParent(state.root, from);
  if (source === undefined) {
    return `move operation does not apply: doc is missing from path: ${from}: ${MISSING}`;
  }
  const value = containerGet(source.container, source.key);
  if (!value.ok) return `error in move for path: '${source.key}': ${value.error}`;
  const removed = containerRemove(source.container, source.key);
  if (removed !== undefined) return `error in move for path: '${source.key}': ${removed}`;
  const path = operation.path;
  if (typeof path !== 'string') return `move operation failed to decode path: ${MISSING}`;
  const target = findParent(state.root, path);
  if (target === undefined) {
    return `move operation does not apply: doc is missing destination path: ${path}: ${MISSING}`;
  }
  const error = containerAdd(target.container, target.key, value.value ?? null);
  return error === undefined ? undefined : `error in move for path: '${path}': ${error}`;
}

function copy(state: PatchState, operation: JsonPatchOperation): string | undefined {
  const from = operation.from;
  if (typeof from !== 'string') {
    return `copy operation failed to decode from: operation, missing from field: ${MISSING}`;
  }
  const source = findParent(state.root, from);
  if (source === undefined) {
    return `copy operation does not apply: doc is missing from path: ${from}: ${MISSING}`;
  }
  const value = containerGet(source.container, source.key);
  if (!value.ok) return `error in copy for from: '${from}': ${value.error}`;
  const path = operation.path;
  if (typeof path !== 'string') return `copy operation failed to decode path: ${MISSING}`;
  const target = findParent(state.root, path);
  if (target === undefined) {
    return `copy operation does not apply: doc is missing destination path: ${path}: ${MISSING}`;
  }
  const error = containerAdd(target.container, target.key, cloneJson(value.value ?? null));
  return error === undefined ? undefined : `error while adding value during copy: ${error}`;
}

function test(state: PatchState, operation: JsonPatchOperation): string | undefined {
  const path = operation.path;
  if (typeof path !== 'string') return `test operation failed to decode path: ${MISSING}`;
  const failed = `testing value ${path} failed: ${TEST_FAILED}`;
  if (path === '') {
    return operation.value !== undefined && jsonEqual(state.root, operation.value)
      ? undefined
      : failed;
  }
  const target = findParent(state.root, path);
  if (target === undefined) {
    return `test operation does not apply: is missing path: ${path}: ${MISSING}`;
  }
  const current = containerGet(target.container, target.key);
  if (!current.ok) return `error in test for path: '${path}': ${current.error}`;
  const expected = operation.value ?? null;
  if (current.value === undefined || current.value === null) {
    return expected === null ? undefined : failed;
  }
  return jsonEqual(current.value, expected) ? undefined : failed;
}

/** RFC 6901 token unescaping: `~1` → `/`, `~0` → `~`, in one left-to-right pass. */
function decodeToken(token: string): string {
  return token.replace(/~[01]/g, (m) => (m === '~1' ? '/' : '~'));
}

/**
 * The container holding the last token of `path`, walking every token but the first and last
 * (the first is whatever precedes the leading `/`). Missing, null or scalar steps fail.
 */
function findParent(
  root: Container,
  path: string,
): { container: Container; key: string } | undefined {
  const tokens = path.split('/');
  if (tokens.length < 2) return undefined;
  let current: Container = root;
  for (const token of tokens.slice(1, -1)) {
    const next = containerGet(current, decodeToken(token));
    if (!next.ok || !isContainer(next.value)) return undefined;
    current = next.value;
  }
  return { container: current, key: decodeToken(tokens[tokens.length - 1] ?? '') };
}

/** Go strconv.Atoi: optional sign, decimal digits. */
function parseIndex(key: string): number | string {
  if (!/^[+-]?[0-9]+$/.test(key))
    return `strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`;
  return Number(key);
}

function invalidIndex(idx: number): string {
  return `Unable to access invalid index: ${idx}: ${INVALID_INDEX}`;
}

function containerGet(
  container: Container,
  key: string,
): { ok: true; value: unknown } | { ok: false; error: string } {
  if (!Array.isArray(container)) return { ok: true, value: getOwn(container, key) };
  const parsed = parseIndex(key);
  if (typeof parsed === 'string') return { ok: false, error: parsed };
  let idx = parsed;
  if (idx < 0) {
    if (idx < -container.length) return { ok: false, error: invalidIndex(idx) };
    idx += container.length;
  }
  if (idx >= container.length) return { ok: false, error: invalidIndex(idx) };
  return { ok: true, value: container[idx] };
}

/** Only called after a successful containerGet of the same key. */
function containerSet(container: Container, key: string, value: unknown): void {
  if (!Array.isArray(container)) {
    setOwn(container, key, value);
    return;
  }
  const idx = Number(key);
  container[idx < 0 ? idx + container.length : idx] = value;
}

function containerAdd(container: Container, key: string, value: unknown): string | undefined {
  if (!Array.isArray(container)) {
    setOwn(container, key, value);
    return undefined;
  }
  if (key === '-') {
    container.push(value);
    return undefined;
  }
  const parsed = parseIndex(key);
  if (typeof parsed === 'string') return `value was not a proper array index: '${key}': ${parsed}`;
  const size = container.length + 1;
  let idx = parsed;
  if (idx >= size || idx < -size) return invalidIndex(idx);
  if (idx < 0) idx += size;
  container.splice(idx, 0, value);
  return undefined;
}

function containerRemove(container: Container, key: string): string | undefined {
  if (!Array.isArray(container)) {
    if (!Object.hasOwn(container, key)) {
      return `Unable to remove nonexistent key: ${key}: ${MISSING}`;
    }
    deleteOwn(container, key);
    return undefined;
  }
  const parsed = parseIndex(key);
  if (typeof parsed === 'string') return parsed;
  let idx = parsed;
  if (idx >= container.length || idx < -container.length) return invalidIndex(idx);
  if (idx < 0) idx += container.length;
  container.splice(idx, 1);
  return undefined;
}
