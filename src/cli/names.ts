// Names of objects: which ones the API server accepts, and how kubefedctl's output names an object.
import type { KubeObject } from '../json/object.ts';
import { parseApiVersion } from '../kube/resource.ts';

// DNS-1123 subdomain: what Kubernetes accepts as the name of most objects.
export { isDns1123Subdomain } from '../apis/field-errors.ts';

/** `Kind ns/name` or `Kind name`: how progress and errors name an object. */
export function describeObject(obj: KubeObject): string {
  const name = obj.metadata?.name ?? `${obj.metadata?.generateName ?? ''}<generated>`;
  const namespace = obj.metadata?.namespace;
  return `${obj.kind ?? 'object'} ${namespace ? `${namespace}/` : ''}${name}`;
}

/** kubectl-style name of a federated object: `federatedconfigmap.types.kubefed.io/web`. */
export function describeFederatedObject(obj: KubeObject): string {
  const { group } = parseApiVersion(obj.apiVersion ?? '');
  const kind = (obj.kind ?? '').toLowerCase();
  return `${group ? `${kind}.${group}` : kind}/${obj.metadata?.name ?? ''}`;
}
