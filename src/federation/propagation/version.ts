// Version tracking (spec §2.4, §7.9): the hashes of a federated object's template and overrides,
// the version of each member object as last written, and the rules that decide whether a member
// object needs an update and whether the (Cluster)PropagatedVersion needs a write. Hashes are
// byte-compatible with Go KubeFed's, so a switch-over does not rewrite every member object.
import { CORE_V1ALPHA1, propagatedVersionName } from '../../apis/constants.ts';
import type {
  ClusterObjectVersion,
  PropagatedVersion,
  PropagatedVersionStatus,
} from '../../apis/types.ts';
import { GoStruct, canonicalJson, compareUtf8, md5Hex } from '../../json/canonical-json.ts';
import { getOwn, jsonEqual } from '../../json/json-patch.ts';
import { decodeOverrides } from './overrides.ts';
import { isJsonObject, type KubeObject } from '../../json/object.ts';

export { propagatedVersionName };

export type HashResult = { ok: true; version: string } | { ok: false; error: string };

/** The pair of hashes a PropagatedVersion's cluster versions are valid for. */
export interface ObjectHashes {
  templateVersion: string;
  overridesVersion: string;
}

const GENERATION_PREFIX = 'gen:';
const RESOURCE_VERSION_PREFIX = 'rv:';

/**
 * MD5 of the canonical JSON of `spec.template`; `""` when there is no template (or no spec). A
 * template that is not an object is an error, as in Go.
 */
export function templateVersion(fed: KubeObject): HashResult {
  const spec = fed['spec'];
  if (spec === undefined || spec === null) return { ok: true, version: '' };
  if (!isJsonObject(spec))
    return { ok: false, error: 'Error retrieving "spec.template": .spec is not an object' };
  const template = getOwn(spec, 'template');
  if (template === undefined) return { ok: true, version: '' };
  if (!isJsonObject(template)) {
    return {
      ok: false,
      error: 'Error retrieving "spec.template": .spec.template is not an object',
    };
  }
  return hash(template, 'spec.template');
}

/**
 * MD5 of the canonical JSON of `{"overrides": <spec.overrides re-encoded through KubeFed's typed
 * structs>}`: field order clusterName, clusterOverrides / op, path, value, empty `op`, `value` and
 * `clusterOverrides` left out, numbers in values through float64. `""` when there is no spec.
 */
export function overridesVersion(fed: KubeObject): HashResult {
  const spec = fed['spec'];
  if (spec === undefined || spec === null) return { ok: true, version: '' };
  const decoded = decodeOverrides(spec);
  if (!decoded.ok) return { ok: false, error: `Error retrieving overrides: ${decoded.error}` };
  const list =
    decoded.items === null
      ? null
      : decoded.items.map(
          (item) =>
            new GoStruct([
              ['clusterName', item.clusterName],
              [
                'clusterOverrides',
                item.clusterOverrides.length === 0
                  ? undefined
                  : item.clusterOverrides.map(
                      (o) =>
                        new GoStruct([
                          ['op', o.op === '' ? undefined : o.op],
                          ['path', o.path],
                          ['value', o.value === undefined ? undefined : throughFloat64(o.value)],
                        ]),
                    ),
              ],
            ]),
        );
  return hash({ overrides: list }, 'overrides');
}

/** Both hashes, or the first error (the controller reports `VersionRetrievalFailed`). */
export function objectHashes(
  fed: KubeObject,
): { ok: true; hashes: ObjectHashes } | { ok: false; error: string } {
  const template = templateVersion(fed);
  if (!template.ok) return template;
  const overrides = overridesVersion(fed);
  if (!overrides.ok) return overrides;
  return {
    ok: true,
    hashes: { templateVersion: template.version, overridesVersion: overrides.version },
  };
}

/** `gen:<generation>` when the member object has a generation, else `rv:<resourceVersion>`. */
export function objectVersion(obj: KubeObject): string {
  const generation = obj.metadata?.generation;
  if (typeof generation === 'number' && generation !== 0)
    return `${GENERATION_PREFIX}${generation}`;
  return `${RESOURCE_VERSION_PREFIX}${obj.metadata?.resourceVersion ?? ''}`;
}

/**
 * The recorded member versions usable for the current template and overrides: those of the
 * stored status when its hashes match, else none (every member is then compared as stale).
 */
export function recordedVersions(
  stored: PropagatedVersionStatus | undefined,
  current: ObjectHashes,
): Map<string, string> {
  const versions = new Map<string, string>();
  if (stored === undefined || !hashesMatch(stored, current)) return versions;
  for (const { clusterName, version } of stored.clusterVersions ?? []) {
    versions.set(clusterName, version);
  }
  return versions;
}

/**
 * The status a (Cluster)PropagatedVersion should hold after a reconcile, and whether it must be
 * written. `newVersions` are the versions of the member objects created or updated in this pass;
 * selected clusters not among them keep their stored version if the hashes still match. Empty
 * versions are dropped, entries are sorted by cluster name. `write` is false when nothing changed
 * (an absent and an empty version list are the same).
 */
export function nextPropagatedVersionStatus(
  stored: PropagatedVersionStatus | undefined,
  current: ObjectHashes,
  selectedClusters: Iterable<string>,
  newVersions: ReadonlyMap<string, string>,
): { status: PropagatedVersionStatus; write: boolean } {
  const merged = new Map(newVersions);
  if (stored !== undefined && hashesMatch(stored, current)) {
    const selected = new Set(selectedClusters);
    for (const { clusterName, version } of stored.clusterVersions ?? []) {
      if (selected.has(clusterName) && !merged.has(clusterName)) merged.set(clusterName, version);
    }
  }
  const clusterVersions: ClusterObjectVersion[] = [...merged]
    .filter(([, version]) => version !== '')
    .sort(([a], [b]) => compareUtf8(a, b))
    .map(([clusterName, version]) => ({ clusterName, version }));
  const status: PropagatedVersionStatus = {
    templateVersion: current.templateVersion,
    overridesVersion: current.overridesVersion,
    ...(clusterVersions.length > 0 ? { clusterVersions } : {}),
  };
  const write =
    stored === undefined ||
    !hashesMatch(stored, current) ||
    !jsonEqual(stored.clusterVersions ?? [], clusterVersions);
  return { status, write };
}

/**
 * A new (Cluster)PropagatedVersion for a federated object: named `<lower kind>-<name>`, in the
 * federated object's namespace (cluster-scoped when it has none), owned by the federated object
 * so it is garbage-collected with it. Status is written separately (status subresource).
 */
export function propagatedVersionObject(fed: KubeObject, targetKind: string): PropagatedVersion {
  const name = fed.metadata?.name ?? '';
  const namespace = fed.metadata?.namespace ?? '';
  return {
    apiVersion: CORE_V1ALPHA1,
    kind: namespace === '' ? 'ClusterPropagatedVersion' : 'PropagatedVersion',
    metadata: {
      name: propagatedVersionName(targetKind, name),
      ...(namespace === '' ? {} : { namespace }),
      ownerReferences: [
        {
          apiVersion: fed.apiVersion ?? '',
          kind: fed.kind ?? '',
          name,
          uid: fed.metadata?.uid ?? '',
        },
      ],
    },
  };
}

/**
 * Whether the live member object must be overwritten with `desired`: its version differs from the
 * one recorded when KubeFed last wrote it, or (generation-based versions only, since metadata
 * changes do not bump the generation) its name, namespace, labels or annotations differ.
 */
export function objectNeedsUpdate(
  desired: KubeObject,
  live: KubeObject,
  recordedVersion: string | undefined,
): boolean {
  const liveVersion = objectVersion(live);
  if ((recordedVersion ?? '') !== liveVersion) return true;
  return liveVersion.startsWith(GENERATION_PREFIX) && !objectMetaEquivalent(desired, live);
}

/** Name, namespace, labels and annotations equal (an absent map equals an empty one). */
export function objectMetaEquivalent(a: KubeObject, b: KubeObject): boolean {
  const ma = a.metadata ?? {};
  const mb = b.metadata ?? {};
  return (
    (ma.name ?? '') === (mb.name ?? '') &&
    (ma.namespace ?? '') === (mb.namespace ?? '') &&
    jsonEqual(ma.labels ?? {}, mb.labels ?? {}) &&
    jsonEqual(ma.annotations ?? {}, mb.annotations ?? {})
  );
}

// --- internals ---------------------------------------------------------------------------------

function hashesMatch(stored: PropagatedVersionStatus, current: ObjectHashes): boolean {
  return (
    stored.templateVersion === current.templateVersion &&
    stored.overridesVersion === current.overridesVersion
  );
}

function hash(value: unknown, description: string): HashResult {
  try {
    return { ok: true, version: md5Hex(canonicalJson(value)) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `Failed to marshal "${description}" to json: ${reason}` };
  }
}

/** Go decoded override values into interface{}: every number became a float64. */
function throughFloat64(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(throughFloat64);
  if (isJsonObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, throughFloat64(v)]));
  }
  return value;
}
