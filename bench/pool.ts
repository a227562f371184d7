// Runs an async function over a list with a fixed number of calls in flight: the benchmark's
// stand-in for N sync workers or N parallel users.

/** Runs `fn` over `items` with `concurrency` calls in flight. */
export async function pool<T>(
  items: T[],
  concurrency: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await fn(item);
      }
    }),
  );
}
