/**
 * Is the system able to serve: the table and the bucket answer. The table is asked with one
 * GetItem (the areas pointer every request needs anyway), not DescribeTable: that is a
 * control-plane call, rate-limited by AWS and slow on DynamoDB Local under load.
 */
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { s3 } from '#store/clients';
import { currentVersion } from '#store/areas';
import { config } from '#config';

export async function health(): Promise<{ ok: boolean; store: boolean; objectStorage: boolean }> {
  const [store, objects] = await Promise.allSettled([currentVersion(), s3.send(new HeadBucketCommand({ Bucket: config.bucket }))]);
  const ok = store.status === 'fulfilled' && objects.status === 'fulfilled';
  return { ok, store: store.status === 'fulfilled', objectStorage: objects.status === 'fulfilled' };
}
