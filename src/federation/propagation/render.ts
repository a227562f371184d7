// The object a member cluster must hold for a federated object (spec §7.5): the template, minus
// what member controllers own, named like the federated object, typed by the FTC's target, with
// retained live fields (update path), the cluster's overrides, and the managed label.
import { MANAGED_LABEL, MANAGED_LABEL_TRUE } from '../../apis/constants.ts';
import { apiVersionOf } from '../../apis/typeconfig.ts';
import type { APIResource } from '../../apis/types.ts';
import {
  cloneJson,
  deleteOwn,
  getOwn,
  setOwn,
  type JsonPatchOperation,
} from '../../json/json-patch.ts';
import { applyOverrides, overridesForCluster, type OverridesParseResult } from './overrides.ts';
import { retainInto } from './retain.ts';
import { isJsonObject, type KubeObject, type JsonObject } from '../../json/object.ts';

/** The target type as the FTC's `spec.targetType` describes it. */
export type TargetType = Pick<APIResource, 'kind' | 'version'> & { group?: string | undefined };

/** A Warning event the controller records on the federated object. */
export interface TemplateWarning {
  reason: 'AnnotationsNotSupported' | 'FinalizersNotSupported';
  message: string;
}

export interface RenderOptions {
  /** The live member object: present on the update path, where cluster-owned fields are kept. */
  live?: KubeObject | undefined;
  /** The FTC is `namespaces`: the member object gets no namespace. Default: core `Namespace`. */
  targetIsNamespace?: boolean;
}

export type RenderFailureStatus =
  'ComputeResourceFailed' | 'FieldRetentionFailed' | 'ApplyOverridesFailed';

export type RenderResult =
  | { ok: true; object: KubeObject; warnings: TemplateWarning[] }
  | { ok: false; status: RenderFailureStatus; error: string; warnings: TemplateWarning[] };

/** `metadata.<field> cannot be set via template ...`: the text KubeFed's Warning events carry. */
export function templateFieldNotSupportedMessage(field: 'annotations' | 'finalizers'): string {
  return (
    `metadata.${field} cannot be set via template to avoid conflicting with controllers in ` +
    'member clusters. Consider using an override to add or remove elements from this collection.'
  );
}

/** The warnings a federated object's template earns, whatever the cluster. */
export function templateWarnings(fed: KubeObject): TemplateWarning[] {
  const template = templateOf(fed);
  return typeof template === 'string' ? [] : warningsFor(template);
}

/**
 * The desired member object for `clusterName`. `overrides` is the object's parsed overrides (parse
 * once per reconcile; a parse error fails every cluster with `ApplyOverridesFailed`).
 */
export function renderMemberObject(
  fed: KubeObject,
  target: TargetType,
  clusterName: string,
  overrides: OverridesParseResult,
  options: RenderOptions = {},
): RenderResult {
  const template = templateOf(fed);
  if (typeof template === 'string') {
    return { ok: false, status: 'ComputeResourceFailed', error: template, warnings: [] };
  }
  const warnings = warningsFor(template);
  const obj: KubeObject = cloneJson(template);
  const metadata = metadataOf(obj);
  if (metadata === undefined) {
    return {
      ok: false,
      status: 'ComputeResourceFailed',
      error: 'Error retrieving template body: metadata is not an object',
      warnings,
    };
  }
  for (const warning of warnings) {
    deleteOwn(
      metadata,
      warning.reason === 'AnnotationsNotSupported' ? 'annotations' : 'finalizers',
    );
  }

  setOrDelete(metadata, 'name', fed.metadata?.name);
  const targetIsNamespace =
    options.targetIsNamespace ?? (target.kind === 'Namespace' && !target.group);
  if (!targetIsNamespace) setOrDelete(metadata, 'namespace', fed.metadata?.namespace);
  obj.kind = target.kind;
  const apiVersion = getOwn(obj, 'apiVersion');
  // Go wrote `/v1` for the core group, which the API server reads as `v1`: the same objects.
  if (typeof apiVersion !== 'string' || apiVersion === '') obj.apiVersion = apiVersionOf(target);

  const templateProblem = metadataProblem(metadata);
  if (templateProblem !== undefined) {
    return {
      ok: false,
      status: 'ComputeResourceFailed',
      error: `spec.template.${formatProblem(templateProblem, 'is')}`,
      warnings,
    };
  }

  if (options.live !== undefined) {
    const error = retainInto(target.kind, obj, options.live, fed);
    if (error !== undefined) {
      return {
        ok: false,
        status: 'FieldRetentionFailed',
        error: `failed to retain fields: ${error}`,
        warnings,
      };
    }
  }

  if (!overrides.ok) {
    return {
      ok: false,
      status: 'ApplyOverridesFailed',
      error: `Error reading cluster overrides: ${overrides.error}`,
      warnings,
    };
  }
  const invalid = overrides.invalid.get(clusterName);
  if (invalid !== undefined) {
    return { ok: false, status: 'ApplyOverridesFailed', error: invalid, warnings };
  }
  const patch = overridesForCluster(overrides.overrides, clusterName);
  const patched = applyOverrides(obj, patch);
  if (!patched.ok) {
    return { ok: false, status: 'ApplyOverridesFailed', error: patched.error, warnings };
  }
  const problem = overriddenProblem(obj, patched.object);
  if (problem !== undefined) {
    return {
      ok: false,
      status: 'ApplyOverridesFailed',
      error: `the overrides for cluster ${JSON.stringify(clusterName)} make ${formatProblem(problem)}`,
      warnings,
    };
  }
  const result = patched.object;
  restoreRetainedAnnotations(result, getOwn(metadata, 'annotations'), patch);
  withManagedLabel(result);
  return { ok: true, object: result, warnings };
}

/**
 * Annotations are retained from the member (its controllers write them, e.g. a Deployment's
 * `deployment.kubernetes.io/revision`). An override that replaces the whole map (KubeFed's own
 * sample: `add /metadata/annotations {foo: bar}`) dropped them, so the member's controller added
 * them back and every pass rewrote the object, for ever. Retained keys the overrides drop without
 * naming them (`remove /metadata/annotations/<key>`) are put back; keys they set keep their value.
 */
function restoreRetainedAnnotations(
  obj: KubeObject,
  retained: unknown,
  patch: readonly JsonPatchOperation[],
): void {
  if (!isJsonObject(retained) || Object.keys(retained).length === 0) return;
  const removed = new Set<string>();
  for (const op of patch) {
    if (op.op !== 'remove' || typeof op.path !== 'string') continue;
    if (op.path === ANNOTATIONS_POINTER || op.path === '/metadata') return;
    if (op.path.startsWith(`${ANNOTATIONS_POINTER}/`)) {
      removed.add(unescapePointerToken(op.path.slice(ANNOTATIONS_POINTER.length + 1)));
    }
  }
  const metadata = metadataOf(obj);
  if (metadata === undefined) return;
  const current = getOwn(metadata, 'annotations');
  const annotations: JsonObject = isJsonObject(current) ? current : {};
  for (const [key, value] of Object.entries(retained)) {
    if (!removed.has(key) && !Object.hasOwn(annotations, key)) setOwn(annotations, key, value);
  }
  metadata['annotations'] = annotations;
}

/**
 * Forces `kubefed.io/managed: "true"`, even when an override removed it: every KubeFed controller
 * and member informer selects on it. Labels were checked to be a string map (or absent).
 */
function withManagedLabel(obj: KubeObject): void {
  const metadata = metadataOf(obj);
  if (metadata === undefined) return;
  const labels = getOwn(metadata, 'labels');
  const next: JsonObject = isJsonObject(labels) ? labels : {};
  setOwn(next, MANAGED_LABEL, MANAGED_LABEL_TRUE);
  metadata['labels'] = next;
}

// --- internals ---------------------------------------------------------------------------------

/** `spec.template` (absent ⇒ `{}`, e.g. namespaces) or an error message. */
function templateOf(fed: KubeObject): JsonObject | string {
  const spec = fed['spec'];
  if (spec === undefined || spec === null) return {};
  if (!isJsonObject(spec)) return 'Error retrieving template body: .spec is not an object';
  if (!Object.hasOwn(spec, 'template') || spec['template'] === undefined) return {};
  const template = spec['template'];
  if (!isJsonObject(template)) {
    return 'Error retrieving template body: .spec.template is not an object';
  }
  return template;
}

function warningsFor(template: JsonObject): TemplateWarning[] {
  const metadata = getOwn(template, 'metadata');
  if (!isJsonObject(metadata)) return [];
  const warnings: TemplateWarning[] = [];
  const annotations = getOwn(metadata, 'annotations');
  if (isJsonObject(annotations) && Object.keys(annotations).length > 0) {
    warnings.push({
      reason: 'AnnotationsNotSupported',
      message: templateFieldNotSupportedMessage('annotations'),
    });
  }
  const finalizers = getOwn(metadata, 'finalizers');
  if (Array.isArray(finalizers) && finalizers.length > 0) {
    warnings.push({
      reason: 'FinalizersNotSupported',
      message: templateFieldNotSupportedMessage('finalizers'),
    });
  }
  return warnings;
}

const ANNOTATIONS_POINTER = '/metadata/annotations';

/** RFC 6901: `~1` is `/`, `~0` is `~`. */
function unescapePointerToken(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** A metadata field the member's API server would refuse, and what it must be instead. */
interface FieldProblem {
  field: string;
  /** What it is, with its article: `a boolean`, `a list`. */
  actual: string;
  fix: string;
}

/** `metadata.labels is a boolean: ...` (verb `is`) or `metadata.labels a boolean: ...` (none). */
function formatProblem(problem: FieldProblem, verb?: string): string {
  const words =
    verb === undefined ? [problem.field, problem.actual] : [problem.field, verb, problem.actual];
  return `${words.join(' ')}: ${problem.fix}`;
}

/**
 * Labels, annotations and finalizers of the wrong shape. The member's API server refuses them, or
 * (labels) KubeFed silently dropped every label but the managed one; undefined if all are fine.
 */
function metadataProblem(metadata: JsonObject): FieldProblem | undefined {
  for (const field of ['labels', 'annotations'] as const) {
    const value = getOwn(metadata, field);
    if (value === undefined || value === null) continue;
    if (!isJsonObject(value)) {
      return {
        field: `metadata.${field}`,
        actual: describe(value),
        fix: 'it must be a map of strings to strings',
      };
    }
    for (const [key, item] of Object.entries(value)) {
      if (typeof item !== 'string') {
        return {
          field: `metadata.${field}[${JSON.stringify(key)}]`,
          actual: describe(item),
          fix: `${field} values must be strings (quote it in YAML)`,
        };
      }
    }
  }
  const finalizers = getOwn(metadata, 'finalizers');
  if (
    finalizers !== undefined &&
    finalizers !== null &&
    !(Array.isArray(finalizers) && finalizers.every((f) => typeof f === 'string'))
  ) {
    return {
      field: 'metadata.finalizers',
      actual: describe(finalizers),
      fix: 'it must be a list of strings',
    };
  }
  return undefined;
}

/** Why the overridden object cannot be sent; undefined when it can. */
function overriddenProblem(before: KubeObject, after: KubeObject): FieldProblem | undefined {
  const metadata = getOwn(after, 'metadata');
  if (!isJsonObject(metadata)) {
    return { field: 'metadata', actual: describe(metadata), fix: 'it must stay a map' };
  }
  // Name and namespace tie the member object to its federated object, kind to the FTC: changed
  // through `/metadata` or the whole document, they would write some other object.
  const identity = [
    ['metadata.name', before.metadata?.name, getOwn(metadata, 'name')],
    ['metadata.namespace', before.metadata?.namespace, getOwn(metadata, 'namespace')],
    ['kind', before.kind, getOwn(after, 'kind')],
  ] as const;
  for (const [field, was, is] of identity) {
    if (was !== is) {
      return {
        field,
        actual: JSON.stringify(is ?? null),
        fix: `overrides may not change it (it is ${JSON.stringify(was ?? null)})`,
      };
    }
  }
  return metadataProblem(metadata);
}

/** A JSON value's type as the user wrote it in YAML, with an article. */
function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return `a ${typeof value}`;
}

/** The object's metadata, created when absent; `undefined` when it is not an object. */
function metadataOf(obj: KubeObject): JsonObject | undefined {
  const metadata = getOwn(obj, 'metadata');
  if (metadata === undefined || metadata === null) {
    const created: JsonObject = {};
    obj.metadata = created;
    return created;
  }
  return isJsonObject(metadata) ? metadata : undefined;
}

/** Go's SetName/SetNamespace: an empty value removes the field. */
function setOrDelete(metadata: JsonObject, field: string, value: string | undefined): void {
  if (value === undefined || value === '') deleteOwn(metadata, field);
  else metadata[field] = value;
}
