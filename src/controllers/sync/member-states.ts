// The member clusters as one reconcile sees them: readiness and the cached managed object, or why
// the cache cannot be read. A member whose cache is broken counts only where the object is
// placed: an object that does not target a broken member must not report it.
import type {
  MemberClusterState,
  MemberOperation,
} from '../../federation/propagation/member-operations.ts';
import type { SyncContext } from './context.ts';

export interface MemberStates {
  clusters: MemberClusterState[];
  /** Ready clusters without a member client: their slots become ClientRetrievalFailed. */
  clientFailures: Map<string, string>;
}

/** `relevant`: clusters where a cache failure must be reported (others are skipped). */
export function memberStates(
  ctx: SyncContext,
  targetKey: string,
  relevant: ReadonlySet<string> | 'all',
): MemberStates {
  const clusters: MemberClusterState[] = [];
  const clientFailures = new Map<string, string>();
  for (const cluster of ctx.members.clusters()) {
    const name = cluster.metadata?.name ?? '';
    const cache = ctx.members.cache(name);
    const counts = relevant === 'all' || relevant.has(name);
    switch (cache.state) {
      case 'unready':
        clusters.push({ name, ready: false });
        break;
      case 'synced':
        clusters.push({ name, ready: true, observed: cache.get(targetKey) });
        break;
      case 'client-failed':
        if (counts) clientFailures.set(name, cache.error);
        clusters.push(
          counts ? { name, ready: true, cacheError: cache.error } : { name, ready: true },
        );
        break;
      case 'cache-failed':
      case 'pending': {
        const error =
          cache.state === 'pending' ? 'the member cache is not synced yet' : cache.error;
        clusters.push(counts ? { name, ready: true, cacheError: error } : { name, ready: true });
        break;
      }
    }
  }
  return { clusters, clientFailures };
}

/** Slots of clusters without a client say so (recoverable), instead of a cache failure. */
export function withClientFailures(
  operations: MemberOperation[],
  clientFailures: ReadonlyMap<string, string>,
): MemberOperation[] {
  return operations.map((op) => {
    const error = clientFailures.get(op.cluster);
    if (error === undefined) return op;
    return {
      cluster: op.cluster,
      kind: 'none',
      status: 'ClientRetrievalFailed',
      events: [
        {
          type: 'Warning',
          reason: 'ClientRetrievalFailed',
          message: `Error retrieving client for cluster "${op.cluster}": ${error}`,
        },
      ],
    };
  });
}
