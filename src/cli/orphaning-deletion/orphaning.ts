// The orphan annotation of a federated object (spec §1, §13.7): with `kubefed.io/orphan: "true"`
// deleting the federated object leaves its member objects in place. Pure.
import { ORPHAN_ANNOTATION, ORPHAN_ANNOTATION_TRUE } from '../../apis/constants.ts';
import type { KubeObject } from '../../json/object.ts';

export const ORPHANING_ACTIONS = ['enable', 'disable', 'status'] as const;
export type OrphaningAction = (typeof ORPHANING_ACTIONS)[number];

export function parseOrphaningAction(value: string): OrphaningAction | undefined {
  return ORPHANING_ACTIONS.find((action) => action === value);
}

/** KubeFed reads only the exact value `"true"`; any other value leaves orphaning disabled. */
function orphaningEnabled(obj: KubeObject): boolean {
  return obj.metadata?.annotations?.[ORPHAN_ANNOTATION] === ORPHAN_ANNOTATION_TRUE;
}

export function orphaningStatus(obj: KubeObject): 'Enabled' | 'Disabled' {
  return orphaningEnabled(obj) ? 'Enabled' : 'Disabled';
}

/**
 * The object with the annotation set to `"true"` (`enable`) or removed (`disable`), or undefined
 * when nothing needs writing. `enable` also corrects another value (which disables orphaning).
 */
export function withOrphaning(obj: KubeObject, enable: boolean): KubeObject | undefined {
  const annotations = obj.metadata?.annotations ?? {};
  if (enable ? orphaningEnabled(obj) : !Object.hasOwn(annotations, ORPHAN_ANNOTATION)) {
    return undefined;
  }
  const next = enable
    ? { ...annotations, [ORPHAN_ANNOTATION]: ORPHAN_ANNOTATION_TRUE }
    : Object.fromEntries(Object.entries(annotations).filter(([key]) => key !== ORPHAN_ANNOTATION));
  return { ...obj, metadata: { ...obj.metadata, annotations: next } };
}
