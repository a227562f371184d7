// "It does not wait" on a busy machine: a wall-clock bound alone flakes when the test runs beside
// fifty others on two CPUs, so a call is compared with the same requests sent directly, each the
// fastest of a few runs (a pause hits every run; a busy moment rarely does).

/** The shortest time, in ms, that `run` took over `runs` runs. */
export async function fastest(runs: number, run: () => Promise<unknown>): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/** Time a call may take beyond its requests: far below any retry delay (100 ms, 1 s). */
export const NO_WAIT_MARGIN_MS = 50;
