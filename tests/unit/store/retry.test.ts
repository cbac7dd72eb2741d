/** THE SDK retry policy (store/retry.ts): what is retried, how many times, how long it waits. */
import { describe, expect, it } from 'vitest';
import type { RetryErrorInfo, RetryToken } from '@smithy/types';
import { MAX_ATTEMPTS, retryPolicy } from '../../../functions/src/store/retry.ts';

const info = (errorType: RetryErrorInfo['errorType'], name = 'X'): RetryErrorInfo => ({ errorType, error: Object.assign(new Error(name), { name, $metadata: {} }) as unknown as RetryErrorInfo['error'] });

/** the delays of every retry the policy allows for one call failing with this kind of error */
async function delays(policy: ReturnType<typeof retryPolicy>, errorType: RetryErrorInfo['errorType']): Promise<number[]> {
  const out: number[] = [];
  let token: RetryToken = await policy.acquireInitialRetryToken('');
  for (;;) {
    try {
      token = await policy.refreshRetryTokenForRetry(token, info(errorType));
    } catch {
      return out;
    }
    out.push(token.getRetryDelay());
  }
}

describe('retryPolicy', () => {
  it('retries throttling up to MAX_ATTEMPTS tries, with full-jitter exponential back-off', async () => {
    for (let run = 0; run < 50; run++) {
      const d = await delays(retryPolicy(), 'THROTTLING');
      expect(d).toHaveLength(MAX_ATTEMPTS - 1);
      d.forEach((ms, i) => {
        expect(ms).toBeGreaterThanOrEqual(0);
        expect(ms).toBeLessThan(100 * 2 ** i);
      });
    }
  });

  it('jitters: calls failing together do not all wait the same', async () => {
    const firsts = await Promise.all(Array.from({ length: 20 }, async () => (await delays(retryPolicy(), 'THROTTLING'))[3]!));
    expect(new Set(firsts).size).toBeGreaterThan(5);
  });

  it('retries an unreachable endpoint quickly; never a client or server-logic error', async () => {
    const d = await delays(retryPolicy(), 'TRANSIENT');
    expect(d).toHaveLength(MAX_ATTEMPTS - 1);
    d.forEach((ms, i) => expect(ms).toBeLessThan(50 * 2 ** i));
    expect(await delays(retryPolicy(), 'CLIENT_ERROR')).toEqual([]);
    expect(await delays(retryPolicy(), 'SERVER_ERROR')).toEqual([]);
  });

  it('spends a shared budget during an outage, and successes earn it back', async () => {
    const policy = retryPolicy();
    let retried = 0;
    // 500 tokens at 5 per retry: 100 retries, then calls fail at once
    for (let call = 0; call < 40; call++) retried += (await delays(policy, 'TRANSIENT')).length;
    expect(retried).toBe(100);
    expect(await delays(policy, 'THROTTLING')).toEqual([]);
    for (let i = 0; i < 5; i++) policy.recordSuccess(await policy.acquireInitialRetryToken(''));
    expect(await delays(policy, 'THROTTLING')).toHaveLength(1);
  });
});
