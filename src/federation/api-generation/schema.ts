// The CRD of a generated federated type, `Federated<Kind>` (spec §2.6): the same names, scope and
// OpenAPI schema `kubefedctl enable` of KubeFed v0.10 generates. Pure.
import { isDeepStrictEqual } from 'node:util';
import * as schema from '../../apis/crds/openapi.ts';
import type { CustomResourceDefinition, JSONSchemaProps } from '../../apis/crds/openapi.ts';
import { ResourceScope } from '../../apis/constants.ts';
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
 * status subresource.
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
    { statusSubresource: true, schema: federatedTypeSchema(target.kind, shape) },
  );
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
  });
}

const opPattern = '^(add|remove|replace)?$';

/**
 * Replacing `current`'s spec by `wanted`'s would change nothing: the generated fields all have
 * their values (server defaults aside) and the schema is exactly the generated one, so a field
 * the generator dropped (say `retainReplicas`) still counts as a change.
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
      isDeepStrictEqual(served['subresources'] ?? {}, version.subresources ?? {})
    );
  });
}
