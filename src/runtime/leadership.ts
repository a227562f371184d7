// What the controllers see of the process's leadership, from start-up on. A standby builds its
// controllers before it leads: their informers (host and member caches) sync and their queues fill
// while it waits, and nothing reconciles or writes. The moment the term begins, `whenLeading`
// starts them; when it ends, `signal` aborts everything they do and `isLeading` turns false before
// the next write. The process has one term at most: it exits when the term ends.
import type { LeadershipTerm } from './leader-election.ts';

export class Leadership {
  /** Aborts when the term ends, or when the process stops before it ever led. */
  readonly signal: AbortSignal;
  readonly #abort = new AbortController();
  readonly #waiting = new Set<() => void>();
  #term: LeadershipTerm | undefined;

  constructor() {
    this.signal = this.#abort.signal;
  }

  /** True while the term holds (asked of the term's clock); false for a standby. */
  isLeading(): boolean {
    return this.#term?.isLeading() ?? false;
  }

  /**
   * Runs `action` when the term begins, at once if it has begun; never once `signal` has
   * aborted. The returned function cancels it (a controller stopped before the process led).
   */
  whenLeading(action: () => void): () => void {
    if (this.signal.aborted) return () => undefined;
    if (this.#term !== undefined) {
      action();
      return () => undefined;
    }
    this.#waiting.add(action);
    return () => {
      this.#waiting.delete(action);
    };
  }

  /** The term began: the waiting actions run, and `signal` ends with the term's. */
  begin(term: LeadershipTerm): void {
    if (this.#term !== undefined || this.signal.aborted) {
      throw new Error('a process leads at most once');
    }
    this.#term = term;
    if (term.signal.aborted) this.#abort.abort(term.signal.reason);
    else {
      term.signal.addEventListener('abort', () => this.#abort.abort(term.signal.reason), {
        once: true,
      });
    }
    const waiting = [...this.#waiting];
    this.#waiting.clear();
    if (term.signal.aborted) return;
    for (const action of waiting) action();
  }

  /** The process stops without having led: the waiting actions never run. */
  abandon(): void {
    this.#waiting.clear();
    this.#abort.abort(new Error('stopped before leading'));
  }
}
