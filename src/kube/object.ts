// Objects stay untyped JSON end to end: a controller that copies a template must never drop a
// field it does not know. These types name only the few fields the client layer itself reads;
// the index signatures keep everything else.
import { isJsonObject, type KubeObject } from '../json/object.ts';

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

export function isStatus(value: unknown): value is Status {
  return isJsonObject(value) && value['kind'] === 'Status';
}
