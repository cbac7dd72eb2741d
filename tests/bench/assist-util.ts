/** Small helpers of `npm run bench:assist`: rounding, percentiles, sleeping, a bounded pool. */

export const round = (x: number, d = 0) => Math.round(x * 10 ** d) / 10 ** d;
export const pct = (xs: readonly number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.max(0, Math.ceil(xs.length * p) - 1))] ?? 0;
export const stats = (xs: readonly number[], d = 1) => ({ p50: round(pct(xs, 0.5), d), p99: round(pct(xs, 0.99), d), max: round(Math.max(0, ...xs), d) });
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` over `items`, `inFlight` at a time. */
export async function pool<T>(items: readonly T[], inFlight: number, fn: (x: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(inFlight, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) await fn(items[i]!, i);
    }),
  );
}
