// Writing a federated object's propagation status (spec §7.10): computed by the pure core from
// what the pass collected, written through the status subresource only when it changed. A
// conflict re-reads the object and recomputes (the time rules depend on the stored condition).
import { setTimeout as sleep } from 'node:timers/promises';
import {
  computePropagationStatus,
  type CollectedPropagation,
  type PropagationReason,
} from '../../federation/propagation/propagation-status.ts';
import { isConflict, isNotFound } from '../../kube/errors.ts';
import type { SyncContext } from './context.ts';
import { qualifiedName, type KubeObject } from '../../json/object.ts';

/** Writes the status if it changed; returns the reason written (after the CheckClusters rule). */
export async function writePropagationStatus(
  ctx: SyncContext,
  fed: KubeObject,
  reason: PropagationReason,
  collected: CollectedPropagation,
): Promise<PropagationReason> {
  let current = fed;
  const deadline = ctx.now() + 5_000;
  for (;;) {
    const next = computePropagationStatus(current, {
      reason,
      collected,
      rawStatusCollection: false,
      now: ctx.now(),
    });
    if (!next.changed) return next.reason;
    ctx.logger.v(2).info('Updating propagation status', {
      object: qualifiedName(current),
      reason: next.reason,
    });
    try {
      await ctx.host.updateStatus(ctx.federatedResource, { ...current, status: next.status });
      return next.reason;
    } catch (error) {
      if (isNotFound(error)) return next.reason;
      if (ctx.now() > deadline) throw error;
      if (isConflict(error)) {
        const { namespace, name } = current.metadata ?? {};
        current = await ctx.host.get(ctx.federatedResource, name ?? '', { namespace });
      } else {
        await sleep(1_000);
      }
    }
  }
}
