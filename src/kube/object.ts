// Objects stay untyped JSON end to end: a controller that copies a template must never drop a
// field it does not know. These types name only the few fields the client layer itself reads;
// the index signatures keep everything else.

import type { KubeObject } from '../apis/types.ts';

// One definition of "any Kubernetes object" for the whole project: the API types own it.
export type { KubeObject, ObjectMeta } from '../apis/types.ts';

export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
  [key: string]: unknown;
}

export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion?: string;
  kind?: string;
  metadata?: ListMeta;
  items: T[];
  [key: string]: unknown;
}

/** metav1.Status, the body of every API error response (and of some DELETE responses). */
export interface Status {
  apiVersion?: string;
  kind: 'Status';
  status?: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: { type?: string; message?: string; field?: string }[];
    retryAfterSeconds?: number;
  };
  [key: string]: unknown;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isStatus(value: unknown): value is Status {
  return isPlainObject(value) && value['kind'] === 'Status';
}

/** `ns/name`, or just `name` for cluster-scoped objects (KubeFed's "qualified name"). */
export function qualifiedName(obj: KubeObject): string {
  const name = obj.metadata?.name ?? '';
  const namespace = obj.metadata?.namespace;
  return namespace ? `${namespace}/${name}` : name;
}
