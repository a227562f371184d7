// The object a member cluster must hold for a federated object (spec §7.5): the template, minus
// what member controllers own, named like the federated object, typed by the FTC's target, with
// retained live fields (update path), the cluster's overrides, and the managed label.
import { MANAGED_LABEL, MANAGED_LABEL_TRUE } from '../../apis/constants.ts';
import { apiVersionOf } from '../../apis/typeconfig.ts';
import type { APIResource } from '../../apis/types.ts';
import { cloneJson, deleteOwn, getOwn, setOwn } from '../../json/json-patch.ts';
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
  const patched = applyOverrides(obj, overridesForCluster(overrides.overrides, clusterName));
  if (!patched.ok) {
    return { ok: false, status: 'ApplyOverridesFailed', error: patched.error, warnings };
  }
  const labelled = withManagedLabel(patched.object);
  if (labelled === undefined) {
    return {
      ok: false,
      status: 'ApplyOverridesFailed',
      error: 'metadata is not an object after applying overrides',
      warnings,
    };
  }
  return { ok: true, object: labelled, warnings };
}

/**
 * Forces `kubefed.io/managed: "true"`, even when an override removed it: every KubeFed controller
 * and member informer selects on it. Labels that are not a string map are replaced, as Go did.
 */
function withManagedLabel(obj: KubeObject): KubeObject | undefined {
  const metadata = metadataOf(obj);
  if (metadata === undefined) return undefined;
  const labels = getOwn(metadata, 'labels');
  const valid =
    isJsonObject(labels) && Object.values(labels).every((value) => typeof value === 'string');
  const next: JsonObject = valid ? labels : {};
  setOwn(next, MANAGED_LABEL, MANAGED_LABEL_TRUE);
  metadata['labels'] = next;
  return obj;
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
