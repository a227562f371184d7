// Time as a dependency. The work queue, the workers and the metrics read time only through a Clock,
// so tests drive them with a ManualClock instead of sleeping.

/** An opaque timer, returned by `setTimeout` and accepted by `clearTimeout` of the same clock. */
export type TimerHandle = object;

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Calls `callback` once, `delayMs` from now (a negative delay counts as 0). */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The process clock. Globals are looked up at each call, not captured at import, so node:test's
 * `t.mock.timers` (`Date`, `setTimeout`) also drives code that was handed this clock.
 */
export function systemClock(): Clock {
  return {
    now: () => Date.now(),
    setTimeout: (callback, delayMs) => globalThis.setTimeout(callback, Math.max(0, delayMs)),
    clearTimeout: (handle) => {
      globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>);
    },
  };
}

interface ManualTimer {
  readonly due: number;
  readonly seq: number;
  readonly callback: () => void;
}

/**
 * A clock that moves only when told to. `advance` fires every timer that falls due, in due-time
 * order (ties in creation order), including timers created by the callbacks it runs.
 */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #timers = new Set<ManualTimer>();

  constructor(startMs = 0) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const timer: ManualTimer = {
      due: this.#now + Math.max(0, delayMs),
      seq: this.#seq++,
      callback,
    };
    this.#timers.add(timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle as ManualTimer);
  }

  /** Number of timers not yet fired or cleared. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, firing the timers that fall due on the way. */
  advance(ms: number): void {
    const target = this.#now + Math.max(0, ms);
    for (;;) {
      const next = this.#earliest();
      if (next === undefined || next.due > target) break;
      this.#timers.delete(next);
      this.#now = Math.max(this.#now, next.due);
      next.callback();
    }
    this.#now = target;
  }

  #earliest(): ManualTimer | undefined {
    let earliest: ManualTimer | undefined;
    for (const timer of this.#timers) {
      if (
        earliest === undefined ||
        timer.due < earliest.due ||
        (timer.due === earliest.due && timer.seq < earliest.seq)
      ) {
        earliest = timer;
      }
    }
    return earliest;
  }
}
