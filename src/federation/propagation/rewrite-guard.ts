// Update loops a federated object can never leave (kubefed-ts; KubeFed loops for ever, spec §16
// "fighting controllers"): something in a member cluster (a controller, a webhook, a person)
// keeps changing a field the template or an override sets, and every pass writes it back. Each
// rewrite is one member write and one UpdateInCluster Event, every 10 s, for ever.
//
// The rule: when a member object is updated `maxRewrites` times in a row with the same desired
// content (attempts that meet a conflict count), each time after someone else changed it and
// within `windowMs` of the previous one,
// writes to it stop until the federated object changes (its generation) or the desired content
// does. The cluster's slot says UpdateLoopDetected; the message names the fields that were changed
// back. A person repairing drift now and then never trips it: the window resets the count.
// Pure: the sync controller keeps the records, one per (federated object, cluster).
import { canonicalJson, md5Hex } from '../../json/canonical-json.ts';
import { getOwn } from '../../json/json-patch.ts';
import { isJsonObject, type KubeObject } from '../../json/object.ts';

export interface RewriteGuardOptions {
  /** Rewrites in a row before writes stop; 0 never stops them. */
  maxRewrites: number;
  /** A rewrite longer than this after the previous write starts a new count. */
  windowMs: number;
}

/** The last write to one member object, and how many same-content rewrites led to it. */
export interface RewriteRecord {
  /** `metadata.generation` of the federated object at the write. */
  generation: number;
  /** {@link desiredContentHash} of what was written. */
  desiredHash: string;
  /** The member's answer to the write: what it held right after. */
  written: KubeObject;
  writtenAtMs: number;
  /** Writes in a row with this content, each after someone else changed the object. */
  rewrites: number;
}

export interface PlannedUpdate {
  generation: number;
  desiredHash: string;
  /** The member object the update would overwrite (from the cache). */
  live: KubeObject;
  nowMs: number;
}

export type RewriteDecision =
  | { write: true }
  | {
      write: false;
      /** The fields something in the member changed back, e.g. `spec.replicas`. */
      fields: string[];
      /** For the condition message and the Event. */
      message: string;
    };

/**
 * The content a sync pass means to write, without what it copies from the live object
 * (resourceVersion, annotations, finalizers: spec §7.6), so that a member controller changing
 * those between rewrites does not hide a loop.
 */
export function desiredContentHash(desired: KubeObject): string {
  const metadata = isJsonObject(desired.metadata) ? { ...desired.metadata } : {};
  delete metadata.resourceVersion;
  delete metadata.annotations;
  delete metadata.finalizers;
  return md5Hex(canonicalJson({ ...desired, metadata }));
}

/** Whether the planned update may be sent. */
export function checkRewrite(
  record: RewriteRecord | undefined,
  update: PlannedUpdate,
  options: RewriteGuardOptions,
): RewriteDecision {
  if (
    options.maxRewrites <= 0 ||
    record === undefined ||
    record.rewrites < options.maxRewrites ||
    !sameContent(record, update)
  ) {
    return { write: true };
  }
  const fields = changedFields(record.written, update.live);
  const what = fields.length > 0 ? fields.join(', ') : 'the object';
  return {
    write: false,
    fields,
    message:
      `updated ${String(record.rewrites)} times in a row with the same content, and each time something in the member cluster changed ${what} back: ` +
      'stopped updating it until the federated object changes; stop the other writer or make the template or overrides agree with it',
  };
}

/** The record after a successful update (`written` is the member's answer). */
export function recordRewrite(
  record: RewriteRecord | undefined,
  update: PlannedUpdate,
  written: KubeObject,
  options: RewriteGuardOptions,
): RewriteRecord {
  const rewrite =
    record !== undefined &&
    sameContent(record, update) &&
    update.nowMs - record.writtenAtMs <= options.windowMs &&
    changedBySomeoneElse(record.written, update.live);
  return {
    generation: update.generation,
    desiredHash: update.desiredHash,
    written,
    writtenAtMs: update.nowMs,
    rewrites: rewrite ? record.rewrites + 1 : 1,
  };
}

/**
 * The record after an update that failed (a conflict: the other writer wrote after our cache's
 * copy). It counts as a rewrite when it continues a run, so the attempts, not only the writes
 * that went through, are bounded; otherwise the record stays as it is.
 */
export function recordFailedRewrite(
  record: RewriteRecord | undefined,
  update: PlannedUpdate,
  options: RewriteGuardOptions,
): RewriteRecord | undefined {
  if (
    record === undefined ||
    !sameContent(record, update) ||
    update.nowMs - record.writtenAtMs > options.windowMs ||
    !changedBySomeoneElse(record.written, update.live)
  ) {
    return record;
  }
  return { ...record, writtenAtMs: update.nowMs, rewrites: record.rewrites + 1 };
}

/**
 * Paths where two versions of a member object differ, ignoring what only the API server and
 * status writers change; at most `limit`, in document order.
 */
export function changedFields(before: KubeObject, after: KubeObject, limit = 5): string[] {
  const fields: string[] = [];
  const walk = (a: unknown, b: unknown, path: string): void => {
    if (fields.length >= limit) return;
    if (isJsonObject(a) && isJsonObject(b)) {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const key of keys) {
        const child = path === '' ? key : `${path}${fieldSegment(key)}`;
        if (!IGNORED_PATHS.has(child)) walk(getOwn(a, key), getOwn(b, key), child);
      }
      return;
    }
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      a.forEach((item, i) => {
        walk(item, b[i], `${path}[${String(i)}]`);
      });
      return;
    }
    if (canonicalJson(a ?? null) !== canonicalJson(b ?? null)) fields.push(path);
  };
  walk(before, after, '');
  return fields;
}

// --- internals ---------------------------------------------------------------------------------

const IGNORED_PATHS: ReadonlySet<string> = new Set([
  'status',
  'metadata.resourceVersion',
  'metadata.managedFields',
  'metadata.generation',
]);

/** `.name` for identifier-like keys, `["deployment.kubernetes.io/revision"]` otherwise. */
function fieldSegment(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function sameContent(record: RewriteRecord, update: PlannedUpdate): boolean {
  return record.generation === update.generation && record.desiredHash === update.desiredHash;
}

/** The object changed since our write: another writer's resourceVersion. */
function changedBySomeoneElse(written: KubeObject, live: KubeObject): boolean {
  return written.metadata?.resourceVersion !== live.metadata?.resourceVersion;
}
