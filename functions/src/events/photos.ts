/**
 * S3 ObjectCreated handler for uploaded originals (the local stack feeds it s3rver's events);
 * flows/photo-processing does the work.
 */
import type { S3Event } from 'aws-lambda';
import { isOriginal, processOriginal } from '#flows/photo-processing';

export async function handler(event: S3Event): Promise<void> {
  for (const record of event.Records) {
    if (!record.eventName.startsWith('ObjectCreated')) continue;
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    if (!isOriginal(key)) continue;
    await processOriginal(key);
  }
}
