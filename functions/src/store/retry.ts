/**
 * THE retry policy of the SDK clients (DynamoDB and S3, see store/clients.ts). The SDK's retry
 * middleware classifies each failed attempt — throttling (ProvisionedThroughputExceededException,
 * ThrottlingException, SlowDown, any 429), transient (connection refused or reset, timeouts, 500,
 * 502, 503, 504) or a client error — and asks this strategy whether and when to try again:
 * - throttling and transient failures are retried; client errors (validation, a failed
 *   condition, a cancelled transaction) never are;
 * - MAX_ATTEMPTS tries in all, with "full jitter" exponential back-off (a random wait in
 *   [0, base × 2^retry], capped), so clients that failed together do not retry together;
 * - a retry budget per client, as in the SDK's standard mode: a retry spends tokens and a success
 *   gives some back, so during an outage requests fail fast (and answer 503) instead of
 *   multiplying the load on a dependency that is already struggling.
 *
 * Written here rather than taken from the SDK's StandardRetryStrategy because the deployed
 * functions run the Lambda runtime's SDK (infra/src/bundling.ts), whose defaults differ between
 * versions (the newest waits up to 1 s × 2^retry on throttling). The numbers that decide how
 * long a user waits before a 503 live in this file, whatever SDK runs it.
 */
import type { RetryErrorInfo, RetryStrategyV2, StandardRetryToken } from '@smithy/types';

/** tries per SDK call, the first included */
export const MAX_ATTEMPTS = 5;

/**
 * Back-off bases (ms). Worst case before giving up: 100+200+400+800 = 1.5 s of throttling waits,
 * 50+100+200+400 = 0.75 s for an unreachable endpoint — short enough for an interactive request
 * to answer 503 with Retry-After well inside API Gateway's 29 s.
 */
const BASE_MS = { THROTTLING: 100, TRANSIENT: 50 } as const;
const MAX_DELAY_MS = 2_000;

/** the SDK standard mode's budget: 500 tokens, 5 per retry, 10 per retried timeout, 1 back per success */
const BUDGET = 500;
const RETRY_COST = 5;
const TIMEOUT_RETRY_COST = 10;
const SUCCESS_REFUND = 1;

class Token implements StandardRetryToken {
  constructor(
    private readonly count: number,
    private readonly delay: number,
    private readonly cost: number | undefined,
  ) {}
  getRetryCount = () => this.count;
  /** the SDK middleware sleeps this long before the next attempt */
  getRetryDelay = () => this.delay;
  getRetryCost = () => this.cost;
}

export function retryPolicy(): RetryStrategyV2 {
  let budget = BUDGET;
  return {
    acquireInitialRetryToken: async () => new Token(0, 0, undefined),
    refreshRetryTokenForRetry: async (previous, info: RetryErrorInfo) => {
      const type = info.errorType;
      if (type !== 'THROTTLING' && type !== 'TRANSIENT') throw new Error('not retryable');
      const retry = previous.getRetryCount();
      if (retry + 1 >= MAX_ATTEMPTS) throw new Error('retry attempts exhausted');
      const cost = info.error?.name === 'TimeoutError' ? TIMEOUT_RETRY_COST : RETRY_COST;
      if (budget < cost) throw new Error('retry budget exhausted');
      budget -= cost;
      let delay = Math.floor(Math.random() * Math.min(BASE_MS[type] * 2 ** retry, MAX_DELAY_MS));
      // a server's own Retry-After (S3 SlowDown may send one), within the cap
      if (info.retryAfterHint) delay = Math.max(delay, Math.min(info.retryAfterHint.getTime() - Date.now(), MAX_DELAY_MS));
      return new Token(retry + 1, delay, cost);
    },
    recordSuccess: (token) => {
      budget = Math.min(BUDGET, budget + ((token as StandardRetryToken).getRetryCost?.() ?? SUCCESS_REFUND));
    },
  };
}
