// Lets pending promise callbacks and worker loops run: a few turns of the event loop, no real time.
import { setImmediate as nextTurn } from 'node:timers/promises';

export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await nextTurn();
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  const { promise, resolve, reject } = Promise.withResolvers<T>();
  return { promise, resolve, reject };
}
