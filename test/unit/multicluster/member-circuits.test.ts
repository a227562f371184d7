import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError, TransportError, type RequestContext } from '../../../src/kube/errors.ts';
import {
  MemberCircuits,
  type MemberCircuitOptions,
  MemberUnreachableError,
  isUnreachable,
} from '../../../src/multicluster/member-circuits.ts';
import { ManualClock } from '../../../src/runtime/clock.ts';
import { deferred, settle } from '../runtime/settle.ts';

const context: RequestContext = { cluster: 'm1', verb: 'POST', path: '/x', server: 'https://m1' };
const refused = (): TransportError =>
  new TransportError('connection-refused', 'connection refused', context, undefined);
const invalid = (): ApiError =>
  new ApiError(422, { apiVersion: 'v1', kind: 'Status', message: 'invalid' }, context);
const live = (): AbortSignal => new AbortController().signal;

function setup(options: Omit<MemberCircuitOptions, 'clock'> = {}): {
  clock: ManualClock;
  circuits: MemberCircuits;
  sent: string[];
  write: (cluster: string, answer: () => Promise<string>, signal?: AbortSignal) => Promise<string>;
} {
  const clock = new ManualClock(1_000_000);
  const circuits = new MemberCircuits({ openMs: 1000, stuckMs: 500, ...options, clock });
  const sent: string[] = [];
  return {
    clock,
    circuits,
    sent,
    write: (cluster, answer, signal = live()) =>
      circuits.write(cluster, signal, () => {
        sent.push(cluster);
        return answer();
      }),
  };
}

/** The error a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

describe('isUnreachable', () => {
  it('names the transport failures that say the member is not there', () => {
    const kinds = [
      'connection-refused',
      'host-not-found',
      'connect-timeout',
      'timeout',
      'connection-reset',
      'tls',
      'malformed-response',
      'other',
    ] as const;
    assert.deepEqual(
      kinds.filter((kind) => isUnreachable(new TransportError(kind, kind, context, undefined))),
      ['connection-refused', 'host-not-found', 'connect-timeout', 'timeout', 'connection-reset'],
    );
    assert.equal(isUnreachable(invalid()), false);
    assert.equal(isUnreachable(new Error('boom')), false);
  });
});

describe('MemberCircuits', () => {
  it('passes writes and their answers through while closed', async () => {
    const { circuits, write, sent } = setup();
    assert.equal(await write('m1', () => Promise.resolve('ok')), 'ok');
    assert.equal(circuits.state('m1'), 'closed');
    assert.ok((await failure(write('m1', () => Promise.reject(invalid())))) instanceof ApiError);
    assert.equal(circuits.state('m1'), 'closed', 'a rejection is an answer');
    assert.deepEqual(sent, ['m1', 'm1']);
  });

  it('opens on an unreachable member and fails fast without sending, for that member only', async () => {
    const { circuits, write, sent } = setup();
    const error = await failure(write('m1', () => Promise.reject(refused())));
    assert.ok(error instanceof TransportError, 'the first failure is the real one');
    assert.equal(circuits.state('m1'), 'open');

    const fast = await failure(write('m1', () => Promise.resolve('never')));
    assert.ok(fast instanceof MemberUnreachableError);
    assert.equal(
      fast.message,
      'm1: not answering (m1: connection refused (https://m1)); writes to it fail at once for 1 s and are retried',
    );
    assert.equal(await write('m2', () => Promise.resolve('ok')), 'ok', 'other members unaffected');
    assert.deepEqual(sent, ['m1', 'm2']);
  });

  it('lets one probe through after openMs; an answer closes the circuit', async () => {
    const { clock, circuits, write, sent } = setup();
    await failure(write('m1', () => Promise.reject(refused())));
    clock.advance(999);
    assert.ok(
      (await failure(write('m1', () => Promise.resolve('x')))) instanceof MemberUnreachableError,
    );
    clock.advance(1);
    assert.equal(circuits.state('m1'), 'half-open');
    const answer = deferred<string>();
    const probe = write('m1', () => answer.promise);
    const during = await failure(write('m1', () => Promise.resolve('x')));
    assert.ok(during instanceof MemberUnreachableError, 'one probe at a time');
    answer.resolve('ok');
    assert.equal(await probe, 'ok');
    assert.equal(circuits.state('m1'), 'closed');
    assert.equal(await write('m1', () => Promise.resolve('again')), 'again');
    assert.deepEqual(sent, ['m1', 'm1', 'm1']);
  });

  it('reopens for twice as long after each failed probe, up to maxOpenMs, and starts over once answered', async () => {
    const { clock, circuits, write } = setup({ openMs: 1000, maxOpenMs: 3000 });
    const openFor: number[] = [];
    for (let i = 0; i < 4; i++) {
      await failure(write('m1', () => Promise.reject(refused())));
      let waited = 0;
      while (circuits.state('m1') === 'open') {
        clock.advance(100);
        waited += 100;
      }
      openFor.push(waited);
    }
    assert.deepEqual(openFor, [1000, 2000, 3000, 3000]);
    await write('m1', () => Promise.resolve('ok'));
    await failure(write('m1', () => Promise.reject(refused())));
    clock.advance(1000);
    assert.equal(circuits.state('m1'), 'half-open', 'back to openMs after an answer');
  });

  it('opens when a write gets no answer for stuckMs, and gives up the writes waiting on the member', async () => {
    const { clock, circuits, write } = setup({ stuckMs: 500 });
    const signals: AbortSignal[] = [];
    const hang = (): Promise<string> => new Promise(() => undefined);
    const first = circuits.write('m1', live(), (signal) => {
      signals.push(signal);
      return new Promise((_resolve, reject) =>
        signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }),
      );
    });
    clock.advance(200);
    const second = circuits.write('m1', live(), (signal) => {
      signals.push(signal);
      return new Promise((_resolve, reject) =>
        signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }),
      );
    });
    clock.advance(299);
    assert.equal(circuits.state('m1'), 'closed');
    clock.advance(1);
    assert.equal(circuits.state('m1'), 'open');
    assert.deepEqual(
      signals.map((s) => s.aborted),
      [true, true],
      'both waiting writes are aborted',
    );
    for (const waiting of [first, second]) {
      const error = await failure(waiting);
      assert.ok(error instanceof MemberUnreachableError);
      assert.match(error.message, /m1: not answering \(no answer within 0.5 s\)/);
    }
    assert.ok((await failure(write('m1', hang))) instanceof MemberUnreachableError);
  });

  it('gives a probe probeStuckMs to answer before reopening for longer', async () => {
    const { clock, circuits } = setup({ stuckMs: 500, probeStuckMs: 100, openMs: 1000 });
    // A request that only ends when its signal aborts, as the client's do.
    const hang = (signal: AbortSignal): Promise<string> =>
      new Promise((_resolve, reject) =>
        signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }),
      );
    const first = circuits.write('m1', live(), hang);
    clock.advance(500);
    assert.ok((await failure(first)) instanceof MemberUnreachableError);
    clock.advance(1000);
    assert.equal(circuits.state('m1'), 'half-open');
    const probe = circuits.write('m1', live(), hang);
    clock.advance(99);
    assert.equal(circuits.state('m1'), 'half-open');
    clock.advance(1);
    assert.equal(circuits.state('m1'), 'open');
    const error = await failure(probe);
    assert.ok(error instanceof MemberUnreachableError);
    assert.match(error.message, /no answer within 0.1 s\); writes to it fail at once for 2 s/);
  });

  it('is not stuck while the member answers other writes (a rate-limited burst)', async () => {
    const { clock, circuits, write } = setup({ stuckMs: 500 });
    const slow = deferred<string>();
    const waiting = write('m1', () => slow.promise);
    clock.advance(400);
    await write('m1', () => Promise.resolve('answered'));
    clock.advance(400);
    assert.equal(circuits.state('m1'), 'closed', 'an answer 400 ms ago');
    slow.resolve('late');
    assert.equal(await waiting, 'late');
    clock.advance(10_000);
    assert.equal(circuits.state('m1'), 'closed', 'the timer of a finished write does nothing');
  });

  it('leaves the circuit alone when the caller cancels, and a cancelled probe lets the next probe', async () => {
    const { clock, circuits, write, sent } = setup();
    const pass = new AbortController();
    const cancelled = write('m1', () => Promise.reject(new Error('aborted')), pass.signal);
    pass.abort();
    await failure(cancelled);
    assert.equal(circuits.state('m1'), 'closed');

    await failure(write('m1', () => Promise.reject(refused())));
    clock.advance(1000);
    const probePass = new AbortController();
    const probe = write(
      'm1',
      () => {
        probePass.abort();
        return Promise.reject(new Error('aborted'));
      },
      probePass.signal,
    );
    await failure(probe);
    await settle();
    assert.equal(await write('m1', () => Promise.resolve('ok')), 'ok', 'the next write probes');
    assert.equal(circuits.state('m1'), 'closed');
    assert.equal(sent.length, 4);
  });

  it('refuses timings that are not positive', () => {
    assert.throws(() => new MemberCircuits({ openMs: 0 }), /member circuit timings must be > 0 ms/);
    assert.throws(() => new MemberCircuits({ stuckMs: -1 }), /stuckMs -1/);
    assert.throws(
      () => new MemberCircuits({ openMs: 2000, maxOpenMs: 1000 }),
      /maxOpenMs >= openMs/,
    );
    assert.throws(() => new MemberCircuits({ probeStuckMs: 0 }), /probeStuckMs 0/);
    const defaults = new MemberCircuits();
    assert.deepEqual(
      [defaults.openMs, defaults.maxOpenMs, defaults.stuckMs, defaults.probeStuckMs],
      [5000, 30_000, 5000, 1000],
    );
  });
});
