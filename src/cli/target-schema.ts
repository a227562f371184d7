// Where a target type's schema comes from (spec §13.4 step 3): the CRD that defines it, or the
// server's OpenAPI v3 document of its group-version. Only whether a schema exists and the type of
// its `spec.replicas` matter; absent means the federated type gets no `template` field.
import {
  crdVersionSchema,
  kindSchemaFromOpenAPIv3,
  openAPIv3DocumentURL,
} from '../federation/api-generation/schema-source.ts';
import type { OpenAPISchema } from '../federation/api-generation/schema.ts';
import type { TargetAPIResource } from '../federation/api-generation/type-config.ts';
import type { KubeClient } from '../kube/client.ts';
import { isNotFound } from '../kube/errors.ts';
import { customResourceDefinitionsResource, formatApiVersion } from '../kube/resource.ts';

export interface TargetSchema {
  schema: OpenAPISchema | undefined;
  /** Where it came from, or why there is none: for messages. */
  source: string;
}

export async function fetchTargetSchema(
  client: KubeClient,
  target: TargetAPIResource,
): Promise<TargetSchema> {
  if (target.group !== '') {
    const crdName = `${target.pluralName}.${target.group}`;
    try {
      const crd = await client.get(customResourceDefinitionsResource, crdName);
      const schema = crdVersionSchema(crd, target.version);
      return {
        schema,
        source: schema
          ? `CustomResourceDefinition ${crdName}`
          : `CustomResourceDefinition ${crdName} has no openAPIV3Schema`,
      };
    } catch (err) {
      // A built-in group (apps, batch, ...): its schema is in the OpenAPI documents.
      if (!isNotFound(err)) throw err;
    }
  }
  const apiVersion = formatApiVersion(target);
  let index: unknown;
  try {
    index = jsonBody(await client.request('GET', '/openapi/v3'));
  } catch (err) {
    if (!isNotFound(err)) throw err;
    return { schema: undefined, source: 'the server does not serve /openapi/v3' };
  }
  const url = openAPIv3DocumentURL(index, target);
  if (url === undefined) {
    return { schema: undefined, source: `/openapi/v3 lists no document for ${apiVersion}` };
  }
  const document = jsonBody(await client.request('GET', url, { timeoutMs: 120_000 }));
  const schema = kindSchemaFromOpenAPIv3(document, target);
  return {
    schema,
    source: schema
      ? `OpenAPI v3 document of ${apiVersion}`
      : `the OpenAPI v3 document of ${apiVersion} has no schema for ${target.kind}`,
  };
}

/** The OpenAPI index comes as `text/plain`, which the client hands over unparsed. */
function jsonBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
