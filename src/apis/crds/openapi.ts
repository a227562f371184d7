// The apiextensions.k8s.io/v1 shapes our CRD manifests use, and a few builders that keep the
// schemas structural by construction: every node gets a `type`, open content is marked
// `x-kubernetes-preserve-unknown-fields`, so the apiserver prunes and validates as KubeFed's did.
import { PART_OF_LABEL, PART_OF_LABEL_VALUE } from '../constants.ts';
import type { ResourceScope } from '../constants.ts';
import type { KubeFedResource } from '../resources.ts';

export interface JSONSchemaProps {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  pattern?: string;
  description?: string;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps;
  items?: JSONSchemaProps;
  required?: string[];
  enum?: string[];
  'x-kubernetes-preserve-unknown-fields'?: true;
  'x-kubernetes-validations'?: { rule: string; message: string }[];
}

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
}

export interface CustomResourceDefinitionVersion {
  name: string;
  served: boolean;
  storage: boolean;
  additionalPrinterColumns?: PrinterColumn[];
  schema: { openAPIV3Schema: JSONSchemaProps };
  subresources?: { status: Record<string, never> };
}

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    group: string;
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames?: string[];
    };
    scope: ResourceScope;
    versions: CustomResourceDefinitionVersion[];
  };
}

export interface CustomResourceOptions {
  statusSubresource: boolean;
  printerColumns?: PrinterColumn[];
  /** The object's schema without apiVersion/kind/metadata, which every kind gets. */
  schema: JSONSchemaProps;
}

/** A single-version CRD for one of KubeFed's kinds. */
export function customResourceDefinition(
  resource: KubeFedResource,
  options: CustomResourceOptions,
): CustomResourceDefinition {
  const version: CustomResourceDefinitionVersion = {
    name: resource.version,
    served: true,
    storage: true,
    ...(options.printerColumns ? { additionalPrinterColumns: options.printerColumns } : {}),
    schema: { openAPIV3Schema: withObjectMeta(options.schema) },
    ...(options.statusSubresource ? { subresources: { status: {} } } : {}),
  };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${resource.resource}.${resource.group}`,
      labels: { [PART_OF_LABEL]: PART_OF_LABEL_VALUE },
    },
    spec: {
      group: resource.group,
      names: {
        kind: resource.kind,
        listKind: `${resource.kind}List`,
        plural: resource.resource,
        singular: resource.kind.toLowerCase(),
        ...(resource.shortNames.length > 0 ? { shortNames: [...resource.shortNames] } : {}),
      },
      scope: resource.namespaced ? 'Namespaced' : 'Cluster',
      versions: [version],
    },
  };
}

function withObjectMeta(schema: JSONSchemaProps): JSONSchemaProps {
  return {
    ...schema,
    properties: {
      apiVersion: string(),
      kind: string(),
      metadata: { type: 'object' },
      ...schema.properties,
    },
  };
}

// --- Builders ----------------------------------------------------------------------------------

interface ObjectOptions {
  required?: string[];
  description?: string;
}

export function object(
  properties: Record<string, JSONSchemaProps>,
  options: ObjectOptions = {},
): JSONSchemaProps {
  return {
    type: 'object',
    ...(options.description === undefined ? {} : { description: options.description }),
    properties,
    ...(options.required ? { required: options.required } : {}),
  };
}

export function string(description?: string): JSONSchemaProps {
  return described({ type: 'string' }, description);
}

export function stringEnum(values: readonly string[], description?: string): JSONSchemaProps {
  return described({ type: 'string', enum: [...values] }, description);
}

/** RFC 3339 timestamp (metav1.Time). */
export function dateTime(description?: string): JSONSchemaProps {
  return described({ type: 'string', format: 'date-time' }, description);
}

export function int64(description?: string): JSONSchemaProps {
  return described({ type: 'integer', format: 'int64' }, description);
}

export function int32(description?: string): JSONSchemaProps {
  return described({ type: 'integer', format: 'int32' }, description);
}

export function boolean(description?: string): JSONSchemaProps {
  return described({ type: 'boolean' }, description);
}

export function arrayOf(items: JSONSchemaProps, description?: string): JSONSchemaProps {
  return described({ type: 'array', items }, description);
}

/** A map with string keys (`additionalProperties`). */
export function mapOf(values: JSONSchemaProps, description?: string): JSONSchemaProps {
  return described({ type: 'object', additionalProperties: values }, description);
}

/** An object whose content is not ours to constrain: stored as written, never pruned. */
export function openObject(description?: string): JSONSchemaProps {
  return described({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, description);
}

function described(schema: JSONSchemaProps, description: string | undefined): JSONSchemaProps {
  return description === undefined ? schema : { ...schema, description };
}
