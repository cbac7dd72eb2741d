/**
 * What answers 503 `unavailable` (a dependency down or overloaded, after the store's retries)
 * and what stays a 500 (a bug): errors shaped as the AWS SDK and Node throw them.
 */
import { describe, expect, it } from 'vitest';
import { ConditionalCheckFailedException, ProvisionedThroughputExceededException, ThrottlingException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { outageOf } from '../../../functions/src/http/outage.ts';

const sdk = (name: string, status: number, fault: 'client' | 'server', extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(name), { name, $fault: fault, $metadata: { httpStatusCode: status, attempts: 5 }, ...extra });
const socket = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:8000`), { code, syscall: 'connect' });
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });

describe('outageOf', () => {
  it('throttling, however it is spelled, is "throttled" (back in 1 s)', () => {
    for (const e of [
      new ProvisionedThroughputExceededException({ message: 'x', $metadata: {} }),
      new ThrottlingException({ message: 'x', $metadata: {} }),
      sdk('SlowDown', 503, 'server'),
      sdk('Whatever', 429, 'client'),
      cancelled('TransactionConflict', 'None'),
      cancelled('None', 'ThrottlingError'),
    ]) {
      expect(outageOf(e), e.name).toEqual({ kind: 'throttled', retryAfterSeconds: 1 });
    }
  });

  it('an endpoint that does not answer is "unreachable", also when wrapped', () => {
    for (const e of [
      socket('ECONNREFUSED'),
      socket('ECONNRESET'),
      socket('ENOTFOUND'),
      Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }),
      new TypeError('fetch failed', { cause: socket('ECONNREFUSED') }),
      new AggregateError([socket('ECONNREFUSED'), socket('ECONNREFUSED')], 'connect failed'),
    ]) {
      expect(outageOf(e), String(e)).toEqual({ kind: 'unreachable', retryAfterSeconds: 5 });
    }
  });

  it('a 5xx from DynamoDB or S3 is "failing"', () => {
    for (const e of [sdk('InternalServerError', 500, 'server'), sdk('ServiceUnavailable', 503, 'server'), sdk('InternalError', 500, 'server'), sdk('NotImplemented', 501, 'server')]) {
      expect(outageOf(e), e.name).toEqual({ kind: 'failing', retryAfterSeconds: 5 });
    }
  });

  it('bugs and refusals are not outages', () => {
    for (const e of [
      new Error('boom'),
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      sdk('ValidationException', 400, 'client'),
      new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      sdk('AccessDenied', 403, 'client'),
      cancelled('ConditionalCheckFailed', 'None'),
      cancelled('ValidationError'),
      cancelled('TransactionConflict', 'ValidationError'),
      'a string',
      undefined,
      null,
    ]) {
      expect(outageOf(e), String(e)).toBeUndefined();
    }
  });

  it('does not loop on a cause that points back at itself', () => {
    const e: Error & { cause?: unknown } = new Error('self');
    e.cause = e;
    expect(outageOf(e)).toBeUndefined();
  });
});
