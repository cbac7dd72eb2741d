/**
 * Which failures mean "a dependency is down or overloaded" — answered 503 `unavailable` with
 * Retry-After — rather than a bug (500). By the time an error gets here the store has already
 * retried it (store/retry.ts for every SDK call, store/tx.ts for cancelled transactions), so
 * what is left is an outage or sustained throttling, and the client is the one to retry later.
 *
 * Judged by the error's shape alone, the same marks the SDK's retry middleware reads (the
 * exception's name, `$fault`, `$metadata.httpStatusCode`, Node's socket error codes), so the
 * http layer needs neither the SDK nor the store to tell.
 */
export interface Outage {
  kind: 'throttled' | 'unreachable' | 'failing';
  retryAfterSeconds: number;
}

/** the SDK's throttling names (DynamoDB, S3 and the rest) */
const THROTTLING = new Set([
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
/** connection refused / reset / unreachable / name lookup failed */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN', 'ENOTFOUND', 'EAI_AGAIN']);
const TIMEOUTS = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const SERVER_FAULTS = new Set(['ServiceUnavailable', 'ServiceUnavailableException', 'InternalServerError', 'InternalFailure', 'InternalError']);
/** reasons a transaction is cancelled that are about load, not about its items (store/tx.ts retried them) */
const TRANSIENT_CANCELLATION = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);

/** Back soon: throttling and conflicts clear in a moment; an engine coming back takes a few seconds. */
const RETRY_AFTER = { throttled: 1, unreachable: 5, failing: 5 } as const;

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
  CancellationReasons?: Array<{ Code?: string }>;
  cause?: unknown;
  errors?: unknown;
}

function kindOf(e: ErrorShape): Outage['kind'] | undefined {
  const name = typeof e.name === 'string' ? e.name : '';
  const status = e.$metadata?.httpStatusCode ?? 0;
  if (THROTTLING.has(name) || status === 429 || e.$retryable?.throttling === true) return 'throttled';
  if (name === 'TransactionCanceledException') {
    const codes = (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None').filter((c) => c !== 'None');
    return codes.every((c) => TRANSIENT_CANCELLATION.has(c)) ? 'throttled' : undefined;
  }
  if (TIMEOUTS.has(name) || (typeof e.code === 'string' && NETWORK_CODES.has(e.code))) return 'unreachable';
  if (e.$fault === 'server' || status >= 500 || SERVER_FAULTS.has(name)) return 'failing';
  return undefined;
}

/** The outage this error reports, if it reports one (looking into `cause` and AggregateError's `errors`). */
export function outageOf(e: unknown, depth = 0): Outage | undefined {
  if (e === null || typeof e !== 'object' || depth > 4) return undefined;
  const shape = e as ErrorShape;
  const kind = kindOf(shape);
  if (kind) return { kind, retryAfterSeconds: RETRY_AFTER[kind] };
  for (const inner of [shape.cause, ...(Array.isArray(shape.errors) ? shape.errors : [])]) {
    const found = outageOf(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}
