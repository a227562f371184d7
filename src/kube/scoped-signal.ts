// A signal for one operation that ends with a longer-lived one (a leadership term, a worker) or
// after a timeout, and lets go of its parent when the operation is over. AbortSignal.any would
// do the first part, but in Node 24 every combined signal that is listened to (as undici listens
// to a request's) stays registered in a long-lived parent for as long as the parent lives
// (nodejs/node#64476): with the term passed into every request, each new request then costs more
// than the last. This one detaches itself on dispose().

export interface ScopedSignal {
  signal: AbortSignal;
  /** The timeout, not a parent, ended it. */
  timedOut: () => boolean;
  /** Detaches from the parents and clears the timer; the signal stays as it is. */
  dispose: () => void;
}

export function scopedSignal(
  parents: readonly (AbortSignal | undefined)[],
  timeoutMs?: number,
): ScopedSignal {
  const controller = new AbortController();
  const cleanups: (() => void)[] = [];
  let timedOut = false;
  for (const parent of parents) {
    if (parent === undefined) continue;
    if (parent.aborted) {
      controller.abort(parent.reason);
      break;
    }
    const onAbort = (): void => {
      controller.abort(parent.reason);
    };
    parent.addEventListener('abort', onAbort, { once: true });
    cleanups.push(() => {
      parent.removeEventListener('abort', onAbort);
    });
  }
  if (timeoutMs !== undefined && timeoutMs > 0 && !controller.signal.aborted) {
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException(`timed out after ${String(timeoutMs)} ms`, 'TimeoutError'));
    }, timeoutMs);
    cleanups.push(() => {
      clearTimeout(timer);
    });
  }
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose: () => {
      for (const cleanup of cleanups.splice(0)) cleanup();
    },
  };
}
