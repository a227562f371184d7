// Writing a federated object's propagation status (spec §7.10): computed by the pure core from
// what the pass collected, written through the status subresource only when it changed. One
// attempt: a conflict means our cached copy is stale; the pass runs again (the watch event of the
// newer copy queues it anyway) and recomputes from it, since the time rules depend on the stored
// condition.
import type { KubeObject } from '../../json/object.ts';
import {
  computePropagationStatus,
  type CollectedPropagation,
  type PropagationReason,
} from '../../federation/propagation/propagation-status.ts';
import { isConflict, isNotFound } from '../../kube/errors.ts';
import { qualifiedName } from '../../json/object.ts';
import type { SyncContext } from './context.ts';

export type StatusWrite = 'unchanged' | 'written' | 'conflict' | 'gone';

/** Writes the status if it changed. */
export async function writePropagationStatus(
  ctx: SyncContext,
  fed: KubeObject,
  reason: PropagationReason,
  collected: CollectedPropagation,
  signal: AbortSignal,
): Promise<StatusWrite> {
  const next = computePropagationStatus(fed, {
    reason,
    collected,
    now: ctx.now(),
  });
  if (!next.changed) return 'unchanged';
  ctx.logger.v(2).info('Updating propagation status', {
    object: qualifiedName(fed),
    reason: next.reason,
  });
  try {
    await ctx.host.updateStatus(ctx.federatedResource, { ...fed, status: next.status }, { signal });
    return 'written';
  } catch (error) {
    if (isNotFound(error)) return 'gone';
    if (isConflict(error)) return 'conflict';
    throw error;
  }
}
