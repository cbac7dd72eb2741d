/**
 * AWS SDK clients, created once per container (module scope), as Powertools recommends: a
 * client per invocation costs a TLS handshake and a credentials lookup every time.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { config } from '#config';

const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export const dynamo = new DynamoDBClient({
  region: config.region,
  ...(config.dynamoEndpoint ? { endpoint: config.dynamoEndpoint, credentials: localCredentials } : {}),
  maxAttempts: 5,
});

export const doc = DynamoDBDocumentClient.from(dynamo, {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
});

function s3Config(endpoint: string | undefined): S3ClientConfig {
  return {
    region: config.region,
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
