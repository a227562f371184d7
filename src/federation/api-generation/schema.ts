// The CRD of a generated federated type, `Federated<Kind>` (spec §2.6): the same names, scope and
// OpenAPI schema `kubefedctl enable` of KubeFed v0.10 generates, plus kubefed-ts' additive
// workload status (`status.workload`, `status.conditions[].message`) and printer columns. Pure.
import { isDeepStrictEqual } from 'node:util';
import * as schema from '../../apis/crds/openapi.ts';
import type {
  CustomResourceDefinition,
  JSONSchemaProps,
  PrinterColumn,
} from '../../apis/crds/openapi.ts';
import { PROPAGATION_CONDITION_TYPE, ResourceScope } from '../../apis/constants.ts';
import { workloadCounting } from '../../apis/workload-types.ts';
import {
  containsFields,
  defaultFederatedGroupVersion,
  federatedAPIResource,
} from './type-config.ts';
import type { FederatedGroupVersion, TargetAPIResource } from './type-config.ts';
import { isJsonObject } from '../../json/object.ts';

/** An OpenAPI v3 schema as a server or CRD serves it: untyped JSON. */
export type OpenAPISchema = Record<string, unknown>;

/** What the federated schema needs to know about the target's schema. */
export interface TemplateShape {
  /**
   * A schema for the target was found. Only then does the federated type get a `template` field
   * (KubeFed's rule; without one the apiserver prunes any template written).
   */
  hasSchema: boolean;
  /** The target's `spec.replicas` is an integer: the federated type gets `retainReplicas`. */
  integerReplicas: boolean;
}

/** The template shape of a target schema, or of none. `$ref`s must be resolved already. */
export function templateShape(targetSchema: OpenAPISchema | undefined): TemplateShape {
  if (targetSchema === undefined) return { hasSchema: false, integerReplicas: false };
  const replicas = propertyAt(targetSchema, ['spec', 'replicas']);
  return { hasSchema: true, integerReplicas: replicas?.['type'] === 'integer' };
}

/** The sub-schema at a path of property names, or undefined. */
function propertyAt(node: OpenAPISchema, path: readonly string[]): OpenAPISchema | undefined {
  let current: OpenAPISchema | undefined = node;
  for (const name of path) {
    const properties: unknown = current?.['properties'];
    const next = isJsonObject(properties) ? properties[name] : undefined;
    current = isJsonObject(next) ? next : undefined;
  }
  return current;
}

/**
 * The `Federated<Kind>` CRD for a target: `<federated plural>.<federated group>`, short names
 * `f<short name>`, the target's scope (namespaces ⇒ Namespaced), one served and stored version,
 * status subresource, and the printer columns of `federatedTypePrinterColumns`.
 */
export function federatedTypeCRD(
  target: TargetAPIResource,
  shape: TemplateShape,
  groupVersion: FederatedGroupVersion = defaultFederatedGroupVersion,
): CustomResourceDefinition {
  const federated = federatedAPIResource(target, groupVersion);
  return schema.customResourceDefinition(
    {
      group: groupVersion.federatedGroup,
      version: groupVersion.federatedVersion,
      kind: federated.kind,
      resource: federated.pluralName,
      namespaced: federated.scope === ResourceScope.Namespaced,
      shortNames: target.shortNames.map((shortName) => `f${shortName}`),
    },
    {
      statusSubresource: true,
      printerColumns: federatedTypePrinterColumns(target),
      schema: federatedTypeSchema(target.kind, shape),
    },
  );
}

/**
 * kubefed-ts' columns for `kubectl get` (KubeFed's CRDs have none, so kubectl prints NAME and
 * AGE). Every type gets PROPAGATION and AGE (declaring columns drops kubectl's implicit AGE);
 * workload types also get READY (Job: COMPLETIONS) and CLUSTERS from `status.workload`. Columns
 * only change how objects are printed, never what the API stores or accepts.
 */
export function federatedTypePrinterColumns(
  target: Pick<TargetAPIResource, 'group' | 'kind'>,
): PrinterColumn[] {
  const counting = workloadCounting(target);
  const workload: PrinterColumn[] =
    counting === undefined
      ? []
      : [
          {
            name: counting === 'completions' ? 'Completions' : 'Ready',
            type: 'string',
            jsonPath: '.status.workload.ready',
          },
          { name: 'Clusters', type: 'string', jsonPath: '.status.workload.readyClusters' },
        ];
  return [
    ...workload,
    {
      name: 'Propagation',
      type: 'string',
      jsonPath: `.status.conditions[?(@.type=="${PROPAGATION_CONDITION_TYPE}")].status`,
    },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ];
}

/** The object schema of a federated type, without apiVersion/kind/metadata. */
function federatedTypeSchema(targetKind: string, shape: TemplateShape): JSONSchemaProps {
  const spec: Record<string, JSONSchemaProps> = {};
  if (shape.hasSchema) {
    spec['template'] = schema.openObject(
      `The ${targetKind} to create in member clusters, without apiVersion, kind and status.`,
    );
  }
  spec['placement'] = placementSchema();
  spec['overrides'] = overridesSchema();
  if (shape.hasSchema && shape.integerReplicas) {
    spec['retainReplicas'] = schema.boolean(
      'Keep the replicas of member objects (e.g. set by an autoscaler) instead of the template.',
    );
  }
  return schema.object(
    { spec: schema.object(spec), status: statusSchema() },
    // A required spec (even {}) helps users writing federated objects by hand.
    { required: ['spec'] },
  );
}

function placementSchema(): JSONSchemaProps {
  return schema.object(
    {
      clusters: schema.arrayOf(
        schema.object({ name: schema.string() }, { required: ['name'] }),
        'Member clusters to propagate to; when present (even empty) clusterSelector is ignored.',
      ),
      clusterSelector: schema.object(
        {
          matchExpressions: schema.arrayOf(
            schema.object(
              {
                key: schema.string(),
                operator: schema.string(),
                values: schema.arrayOf(schema.string()),
              },
              { required: ['key', 'operator'] },
            ),
          ),
          matchLabels: schema.mapOf(schema.string()),
        },
        { description: 'Selects member clusters by the labels of their KubeFedCluster.' },
      ),
    },
    { description: 'Which member clusters get the object.' },
  );
}

function overridesSchema(): JSONSchemaProps {
  return schema.arrayOf(
    schema.object({
      clusterName: schema.string(),
      clusterOverrides: schema.arrayOf(
        schema.object(
          {
            op: { ...schema.string('add, remove or replace (the default).'), pattern: opPattern },
            path: schema.string('JSON pointer to the field of the member object.'),
            // Any JSON value: overridable fields cannot be validated up front.
            value: { 'x-kubernetes-preserve-unknown-fields': true },
          },
          { required: ['path'] },
        ),
      ),
    }),
    'Per-cluster changes to the template.',
  );
}

function statusSchema(): JSONSchemaProps {
  return schema.object({
    conditions: schema.arrayOf(
      schema.object(
        {
          type: schema.string(),
          status: schema.string(),
          reason: schema.string(),
          // kubefed-ts, additive: the Ready condition of workload types says why in words.
          message: schema.string(),
          lastUpdateTime: schema.dateTime(),
          lastTransitionTime: schema.dateTime(),
        },
        { required: ['type', 'status'] },
      ),
    ),
    clusters: schema.arrayOf(
      schema.object(
        {
          name: schema.string(),
          status: schema.string(),
          remoteStatus: schema.openObject(),
        },
        { required: ['name'] },
      ),
    ),
    observedGeneration: schema.int64(),
    workload: workloadStatusSchema(),
  });
}

/**
 * kubefed-ts, additive: `status.workload` (types.ts `WorkloadStatus`). Declared field by field,
 * without x-kubernetes-preserve-unknown-fields: the apiserver then validates what the controller
 * writes and `kubectl explain` documents it. A field a newer controller adds is pruned until
 * `kubefedctl enable` is re-run, which costs nothing lasting: the status is recomputed on every
 * reconcile, so the field appears as soon as the CRD declares it.
 */
function workloadStatusSchema(): JSONSchemaProps {
  return schema.object(
    {
      ready: schema.string(
        'Ready/desired replicas summed over the placed clusters (Job: succeeded/completions), e.g. 6/6.',
      ),
      readyClusters: schema.string(
        'Clusters whose workload is ready (Job: complete) / clusters placed, e.g. 3/3.',
      ),
      ...workloadCounts(),
      clusters: schema.arrayOf(
        schema.object(
          {
            name: schema.string(),
            ready: schema.boolean('The workload is ready (Job: complete) in this cluster.'),
            reason: schema.string('Why it is not ready.'),
            ...workloadCounts(),
          },
          { required: ['name'] },
        ),
        'Every placed cluster, sorted by name.',
      ),
    },
    {
      description:
        'kubefed-ts: readiness of the workload over the clusters it is placed in (workload types only).',
    },
  );
}

/** Replica counts (Deployment, ReplicaSet, StatefulSet, DaemonSet) and Job counts, as int32 like Kubernetes'. */
function workloadCounts(): Record<string, JSONSchemaProps> {
  const counts = [
    'replicas',
    'updatedReplicas',
    'readyReplicas',
    'availableReplicas',
    'completions',
    'succeeded',
    'failed',
    'active',
  ];
  return Object.fromEntries(counts.map((name) => [name, schema.int32()]));
}

const opPattern = '^(add|remove|replace)?$';

/**
 * Replacing `current`'s spec by `wanted`'s would change nothing: the generated fields all have
 * their values (server defaults aside) and the schema and printer columns are exactly the
 * generated ones, so a field the generator dropped (say `retainReplicas`) still counts as a
 * change, and so does a CRD of KubeFed's `kubefedctl enable`, which has no workload status and
 * no columns.
 */
export function crdUpToDate(current: unknown, wanted: CustomResourceDefinition): boolean {
  if (!isJsonObject(current) || !containsFields(current['spec'], wanted.spec)) return false;
  const spec = current['spec'];
  const names = isJsonObject(spec) ? spec['names'] : undefined;
  const shortNames = isJsonObject(names) ? (names['shortNames'] ?? []) : [];
  if (!isDeepStrictEqual(shortNames, wanted.spec.names.shortNames ?? [])) return false;
  const versions = isJsonObject(spec) && Array.isArray(spec['versions']) ? spec['versions'] : [];
  return wanted.spec.versions.every((version, i) => {
    const served: unknown = versions[i];
    return (
      isJsonObject(served) &&
      isDeepStrictEqual(served['schema'], version.schema) &&
      isDeepStrictEqual(
        served['additionalPrinterColumns'] ?? [],
        version.additionalPrinterColumns ?? [],
      ) &&
      isDeepStrictEqual(served['subresources'] ?? {}, version.subresources ?? {})
    );
  });
}
