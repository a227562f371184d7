// Adding and removing a controller's finalizer, for every controller that has one (the sync
// controllers' `kubefed.io/sync-controller`, the FTC controller's). A merge patch of the whole
// list carries the resourceVersion read, so a concurrent change makes it fail with a Conflict
// instead of being overwritten.
import type { KubeObject } from '../json/object.ts';
import type { KubeClient } from '../kube/client.ts';
import { isNotFound } from '../kube/errors.ts';
import type { ResourceRef } from '../kube/resource.ts';

export function hasFinalizer(obj: KubeObject, finalizer: string): boolean {
  return (obj.metadata?.finalizers ?? []).includes(finalizer);
}

/**
 * Makes `finalizer` present or absent on `obj`; returns the object as written, or undefined when
 * nothing needed writing (or the object is gone while removing).
 */
export async function setFinalizer(
  host: KubeClient,
  resource: ResourceRef,
  obj: KubeObject,
  finalizer: string,
  present: boolean,
  signal?: AbortSignal,
): Promise<KubeObject | undefined> {
  const finalizers = obj.metadata?.finalizers ?? [];
  if (finalizers.includes(finalizer) === present) return undefined;
  const next = present ? [...finalizers, finalizer] : finalizers.filter((f) => f !== finalizer);
  const { name, namespace, resourceVersion } = obj.metadata ?? {};
  try {
    return await host.patch(
      resource,
      name ?? '',
      { metadata: { finalizers: next, resourceVersion } },
      { type: 'merge', namespace, signal },
    );
  } catch (error) {
    if (!present && isNotFound(error)) return undefined;
    throw error;
  }
}
