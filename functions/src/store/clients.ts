/**
 * AWS SDK clients, created once per container (module scope), as Powertools recommends: a
 * client per invocation costs a TLS handshake and a credentials lookup every time.
 *
 * Every client retries throttling and transient failures by THE policy in store/retry.ts, and
 * gives up on a dead endpoint within bounded time: without timeouts the Node handler waits for
 * a hung socket forever. What is left after the retries reaches http/handler.ts errorResponse,
 * which answers 503 `unavailable` with Retry-After.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { config } from '#config';
import { MAX_ATTEMPTS, retryPolicy } from '#store/retry';

const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * connectionTimeout: a TCP (and TLS) connect to a regional endpoint takes milliseconds, so 2 s
 * means it is not coming. socketTimeout: how long a socket may sit idle waiting for bytes — idle
 * time, not the whole transfer, so a large photo may stream for longer (and the name means the
 * same in the runtime's older SDK, where it is requestTimeout's alias).
 */
const requestHandler = { connectionTimeout: 2_000, socketTimeout: 5_000 };
const resilience = () => ({ maxAttempts: MAX_ATTEMPTS, retryStrategy: retryPolicy(), requestHandler });

export const dynamo = new DynamoDBClient({
  region: config.region,
  ...(config.dynamoEndpoint ? { endpoint: config.dynamoEndpoint, credentials: localCredentials } : {}),
  ...resilience(),
});

export const doc = DynamoDBDocumentClient.from(dynamo, {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
});

function s3Config(endpoint: string | undefined): S3ClientConfig {
  return {
    region: config.region,
    ...resilience(),
    ...(endpoint
      ? {
          endpoint,
          forcePathStyle: true,
          credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        }
      : {}),
    // s3rver does not speak the newer default checksums; AWS accepts either way.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

/** for the backend's own reads and writes */
export const s3 = new S3Client(s3Config(config.s3Endpoint));
/** only for signing links that phones and browsers follow (a different host locally) */
export const s3Public = config.s3PublicEndpoint === config.s3Endpoint ? s3 : new S3Client(s3Config(config.s3PublicEndpoint));
