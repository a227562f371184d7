// One circuit breaker per member cluster, shared by every sync controller's member writes. Until
// the health check has counted enough failed probes to mark a dead member not ready, each pass
// would send its write there and wait: for a refused connection briefly, for a member that does not
// answer (frozen, partitioned) until the pass's 30 s budget ends, holding a worker that the objects
// bound for healthy clusters need. So:
// - a write that finds the member unreachable (refused, reset, timed out, host not found) opens
//   its circuit; so does a write left without an answer for `stuckMs` while nothing else from that
//   member was answered meanwhile (a rate-limited burst keeps getting answers, a frozen member
//   does not);
// - opening aborts the writes still waiting on the member, and for `openMs` every write to it
//   fails at once without being sent: the pass finishes the healthy clusters, and its backoff
//   retries the member;
// - after `openMs` one write goes through as a probe (the others still fail fast): an answer of any
//   kind closes the circuit; no answer within `probeStuckMs` (the member was already silent for
//   the whole open time) or an unreachable one reopens it for twice as long (at most
//   `maxOpenMs`), so a member that stays dead holds a probe's worker briefly and ever more rarely.
// Health probes and informers do not go through it: they are how the member is seen to be back.
import { systemClock, type Clock } from '../runtime/clock.ts';
import { TransportError, errorMessage } from '../kube/errors.ts';

export interface MemberCircuitOptions {
  /** How long a circuit first stays open before a probe write; default 5 s. */
  openMs?: number;
  /** The longest it stays open after probes kept failing; default 30 s. */
  maxOpenMs?: number;
  /** A write unanswered this long, with no other answer from the member meanwhile, opens it; default 5 s. */
  stuckMs?: number;
  /** How long a probe write may go unanswered; default 1 s. */
  probeStuckMs?: number;
  clock?: Clock;
}

/** A write to a member whose circuit is open: it was not sent, or given up while it waited. */
export class MemberUnreachableError extends Error {
  override readonly name = 'MemberUnreachableError';
  readonly cluster: string;

  constructor(cluster: string, reason: string, retryInMs: number) {
    super(
      `${cluster}: not answering (${reason}); writes to it fail at once for ${String(Math.ceil(retryInMs / 1000))} s and are retried`,
    );
    this.cluster = cluster;
  }
}

/** Transport failures that say the member is not there, as opposed to a bad request or TLS setup. */
const UNREACHABLE_KINDS: ReadonlySet<TransportError['kind']> = new Set([
  'connection-refused',
  'connection-reset',
  'connect-timeout',
  'timeout',
  'host-not-found',
]);

export function isUnreachable(error: unknown): boolean {
  return error instanceof TransportError && UNREACHABLE_KINDS.has(error.kind);
}

interface Circuit {
  /** Open until this time (ms); undefined when closed. */
  openUntil: number | undefined;
  /** Why it opened, for the error message. */
  reason: string;
  /** How long it opened for the last time; 0 when closed. */
  openedForMs: number;
  /** A probe write is out while the circuit is half open. */
  probing: boolean;
  /** Last time a write to the member got an answer (any answer). */
  lastAnswerAt: number;
  /** Aborts the writes waiting on the member when the circuit opens. */
  trip: AbortController;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

export class MemberCircuits {
  readonly openMs: number;
  readonly maxOpenMs: number;
  readonly stuckMs: number;
  readonly probeStuckMs: number;
  readonly #clock: Clock;
  readonly #circuits = new Map<string, Circuit>();

  constructor(options: MemberCircuitOptions = {}) {
    this.openMs = options.openMs ?? 5_000;
    this.maxOpenMs = options.maxOpenMs ?? Math.max(30_000, this.openMs);
    this.stuckMs = options.stuckMs ?? 5_000;
    this.probeStuckMs = options.probeStuckMs ?? Math.min(1_000, this.stuckMs);
    if (
      !(this.openMs > 0) ||
      !(this.stuckMs > 0) ||
      !(this.probeStuckMs > 0) ||
      !(this.maxOpenMs >= this.openMs)
    ) {
      throw new Error(
        `member circuit timings must be > 0 ms with maxOpenMs >= openMs, got openMs ${String(this.openMs)}, maxOpenMs ${String(this.maxOpenMs)}, stuckMs ${String(this.stuckMs)}, probeStuckMs ${String(this.probeStuckMs)}`,
      );
    }
    this.#clock = options.clock ?? systemClock();
  }

  state(cluster: string): CircuitState {
    const circuit = this.#circuits.get(cluster);
    if (circuit?.openUntil === undefined) return 'closed';
    return this.#clock.now() < circuit.openUntil ? 'open' : 'half-open';
  }

  /**
   * Sends one write to `cluster` under its circuit. `send` gets a signal that also aborts when the
   * circuit opens. Throws MemberUnreachableError when the circuit is open (nothing sent) or opened
   * while the write waited; any other error of `send` passes through.
   */
  async write<T>(
    cluster: string,
    signal: AbortSignal,
    send: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const circuit = this.#circuit(cluster);
    const started = this.#clock.now();
    const isProbe = circuit.openUntil !== undefined;
    if (circuit.openUntil !== undefined) {
      if (started < circuit.openUntil || circuit.probing) {
        throw new MemberUnreachableError(cluster, circuit.reason, this.#openFor(circuit));
      }
      circuit.probing = true;
    }
    const trip = circuit.trip;
    const stuckMs = isProbe ? this.probeStuckMs : this.stuckMs;
    const stuck = this.#clock.setTimeout(() => {
      const quietSince = Math.max(circuit.lastAnswerAt, started);
      if (trip.signal.aborted || this.#clock.now() - quietSince < stuckMs) return;
      this.#open(cluster, circuit, `no answer within ${String(stuckMs / 1000)} s`);
    }, stuckMs);
    try {
      const result = await send(AbortSignal.any([signal, trip.signal]));
      this.#answered(circuit);
      return result;
    } catch (error) {
      if (signal.aborted) throw error;
      if (trip.signal.aborted) {
        throw new MemberUnreachableError(cluster, circuit.reason, this.#openFor(circuit));
      }
      if (isUnreachable(error)) this.#open(cluster, circuit, errorMessage(error));
      else this.#answered(circuit);
      throw error;
    } finally {
      this.#clock.clearTimeout(stuck);
      // A probe cancelled by its own pass proved nothing: the next write probes again.
      if (isProbe && signal.aborted) circuit.probing = false;
    }
  }

  #circuit(cluster: string): Circuit {
    let circuit = this.#circuits.get(cluster);
    if (circuit === undefined) {
      circuit = {
        openUntil: undefined,
        reason: '',
        openedForMs: 0,
        probing: false,
        lastAnswerAt: this.#clock.now(),
        trip: new AbortController(),
      };
      this.#circuits.set(cluster, circuit);
    }
    return circuit;
  }

  #answered(circuit: Circuit): void {
    circuit.lastAnswerAt = this.#clock.now();
    circuit.openUntil = undefined;
    circuit.openedForMs = 0;
    circuit.probing = false;
    circuit.reason = '';
  }

  #open(cluster: string, circuit: Circuit, reason: string): void {
    circuit.openedForMs =
      circuit.openedForMs === 0 ? this.openMs : Math.min(2 * circuit.openedForMs, this.maxOpenMs);
    circuit.openUntil = this.#clock.now() + circuit.openedForMs;
    circuit.reason = reason;
    circuit.probing = false;
    const trip = circuit.trip;
    circuit.trip = new AbortController();
    trip.abort(new MemberUnreachableError(cluster, reason, circuit.openedForMs));
  }

  #openFor(circuit: Circuit): number {
    return Math.max(0, (circuit.openUntil ?? this.#clock.now()) - this.#clock.now());
  }
}
