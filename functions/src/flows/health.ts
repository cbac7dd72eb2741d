/** Is the system able to serve: the table and the bucket answer. */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { dynamo, s3 } from '#store/clients';
import { config } from '#config';

export async function health(): Promise<{ ok: boolean; store: boolean; objectStorage: boolean }> {
  const [store, objects] = await Promise.allSettled([
    dynamo.send(new DescribeTableCommand({ TableName: config.tableName })),
    s3.send(new HeadBucketCommand({ Bucket: config.bucket })),
  ]);
  const ok = store.status === 'fulfilled' && objects.status === 'fulfilled';
  return { ok, store: store.status === 'fulfilled', objectStorage: objects.status === 'fulfilled' };
}
