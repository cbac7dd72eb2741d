/** Health and the API document. */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { dynamo, s3 } from '#store/clients';
import { config } from '#config';
import { openApiDocument } from '#http/openapi';
import type { HandlerFn } from '#http/handler';

export const health: HandlerFn = async () => {
  const [store, objects] = await Promise.allSettled([
    dynamo.send(new DescribeTableCommand({ TableName: config.tableName })),
    s3.send(new HeadBucketCommand({ Bucket: config.bucket })),
  ]);
  const ok = store.status === 'fulfilled' && objects.status === 'fulfilled';
  return { status: ok ? 200 : 503, body: { ok, store: store.status === 'fulfilled', objectStorage: objects.status === 'fulfilled' } };
};

export const openapi: HandlerFn = async () => ({ body: openApiDocument(config.local) });
