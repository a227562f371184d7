// Polls a condition: the benchmark's waits, where the moments measured come from watch events and
// the poll only decides when to look.
import { setTimeout as sleep } from 'node:timers/promises';

export async function waitUntil(
  what: string,
  cond: () => Promise<boolean> | boolean,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}
