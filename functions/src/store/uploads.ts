/**
 * Upload records: a photo goes straight from the phone to object storage under a key owned by
 * the uploader; this record tracks it from `pending` to `ready` (processed) or `failed`.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { doc } from '#store/clients';
import { INDEXES, OBJECT_PREFIXES, indexKeys, keys } from '#store/keys';
import { config } from '#config';
import type { TxItem } from '#store/tx';

/** originals land here, under the upload's id; processed photos live under photos/ */
export const ORIGINALS_PREFIX = OBJECT_PREFIXES.originals;

/** Where a processed photo lives: derived from the upload id, so reports store ids only. */
export const photoObjectKeys = (uploadId: string) => ({
  display: `${OBJECT_PREFIXES.photos}${uploadId}/display.jpg`,
  thumb: `${OBJECT_PREFIXES.photos}${uploadId}/thumb.jpg`,
});

export type UploadStatus = 'pending' | 'uploaded' | 'ready' | 'failed';

export interface UploadRecord {
  id: string;
  ownerId: string;
  contentType: string;
  size: number;
  /** where the phone puts the original */
  objectKey: string;
  status: UploadStatus;
  reason: string | null;
  createdAt: string;
  expiresAt: string;
  /** the report (or action) it was used on: an upload is used once */
  usedBy: string | null;
  /** WeChat's image check (domain/moderation) */
  moderation?: import('#domain/moderation').Verdict;
}

const table = () => config.tableName;

export async function createUpload(u: UploadRecord): Promise<void> {
  await doc.send(
    new PutCommand({
      TableName: table(),
      Item: {
        ...keys.upload(u.id),
        type: 'upload',
        // in the pending queue until the photo arrives; the expiry job reads it by deadline
        GSI3PK: indexKeys.pendingUploads(),
        GSI3SK: `${u.expiresAt}#${u.id}`,
        ...u,
        ttl: Math.floor(Date.parse(u.expiresAt) / 1000) + 30 * 86400,
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  );
}

export async function getUpload(id: string): Promise<UploadRecord | null> {
  const out = await doc.send(new GetCommand({ TableName: table(), Key: keys.upload(id), ConsistentRead: true }));
  if (!out.Item) return null;
  const { PK: _a, SK: _b, type: _t, ttl: _ttl, ...rest } = out.Item;
  return rest as UploadRecord;
}

export async function markUpload(id: string, fields: Partial<Pick<UploadRecord, 'status' | 'reason' | 'size' | 'moderation'>>): Promise<void> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = Object.entries(fields).map(([k, v], i) => {
    names[`#f${i}`] = k;
    values[`:v${i}`] = v;
    return `#f${i} = :v${i}`;
  });
  await doc.send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.upload(id),
      // any status change takes the upload out of the pending queue
      UpdateExpression: `SET ${sets.join(', ')} REMOVE GSI3PK, GSI3SK`,
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}

/**
 * Claims an upload for a report inside the report's transaction: it must still be the owner's,
 * ready, and unused — so one photo can never end up on two reports, even under a race.
 */
export function claimUpload(id: string, ownerId: string, usedBy: string): TxItem {
  return {
    Update: {
      TableName: table(),
      Key: keys.upload(id),
      UpdateExpression: 'SET usedBy = :by',
      ConditionExpression: 'ownerId = :owner AND #s = :ready AND attribute_type(usedBy, :null)',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':by': usedBy, ':owner': ownerId, ':ready': 'ready', ':null': 'NULL' },
    },
  };
}

/** Pending uploads whose link expired before `before` (oldest first, one page). */
export async function expiredPending(before: string, limit = 100): Promise<UploadRecord[]> {
  const out = await doc.send(
    new QueryCommand({
      TableName: table(),
      IndexName: INDEXES.byGridQueue,
      KeyConditionExpression: 'GSI3PK = :pk AND GSI3SK < :before',
      ExpressionAttributeValues: { ':pk': indexKeys.pendingUploads(), ':before': before },
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map(({ PK: _a, SK: _b, type: _t, ttl: _ttl, GSI3PK: _c, GSI3SK: _d, ...rest }) => rest as UploadRecord);
}

/** Fails a still-pending upload as expired; false if it moved on meanwhile. */
export async function expirePending(id: string): Promise<boolean> {
  try {
    await doc.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.upload(id),
        UpdateExpression: 'SET #s = :failed, reason = :why REMOVE GSI3PK, GSI3SK',
        ConditionExpression: '#s = :pending',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':failed': 'failed', ':why': 'expired', ':pending': 'pending' },
      }),
    );
    return true;
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return false;
    throw e;
  }
}
