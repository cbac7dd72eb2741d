/**
 * Scheduled: uploads whose presigned link lapsed without a photo arriving are marked failed
 * (`expired`, which the app shows), and any original that did arrive late is deleted — an
 * unprocessed original may carry GPS and must not linger.
 */
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { s3 } from '#store/clients';
import { expiredPending, expirePending } from '#store/uploads';
import { config } from '#config';

/** grace for a photo that started uploading just before the link expired */
const GRACE_MS = 5 * 60_000;

export async function handler(now = new Date()): Promise<{ expired: number }> {
  let expired = 0;
  const before = new Date(now.getTime() - GRACE_MS).toISOString();
  for (;;) {
    const batch = await expiredPending(before);
    if (batch.length === 0) return { expired };
    for (const u of batch) {
      if (await expirePending(u.id)) {
        expired++;
        await s3.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: u.objectKey }));
      }
    }
  }
}
