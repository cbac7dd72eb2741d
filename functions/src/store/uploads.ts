/**
 * Upload records: a photo goes straight from the phone to object storage under a key owned by
 * the uploader; this record tracks it from `pending` to `ready` (processed) or `failed`.
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { doc } from '#store/clients';
import { INDEX, OBJECT_PREFIXES, Upload, indexQuery, keys, withoutKeys } from '#store/keys';
import { config } from '#config';
import { transact, type TxItem } from '#store/tx';

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
  /** why the check gave no verdict (WeChat's errcode and errmsg, e.g. -1008: it could not download the image) */
  moderationNote?: string;
}

const table = () => config.tableName;
/** leaving the unfinished queue: its entry's attributes removed */
const LEAVE_PENDING = `REMOVE ${INDEX.pendingUploads.pk}, ${INDEX.pendingUploads.sk}`;

/** The upload record, with `extra` (its count against the user's limit) in one transaction. */
export async function createUpload(u: UploadRecord, extra: TxItem[] = []): Promise<void> {
  await transact([
    {
      Put: {
        TableName: table(),
        Item: {
          ...keys.upload(u.id),
          type: 'upload',
          // in the unfinished queue until processed; the expiry job reads it by deadline
          ...Upload.index('pendingUploads', { expiresAt: u.expiresAt, id: u.id }),
          ...u,
          ttl: Math.floor(Date.parse(u.expiresAt) / 1000) + 30 * 86400,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
    ...extra,
  ]);
}

export async function getUpload(id: string): Promise<UploadRecord | null> {
  const out = await doc.send(new GetCommand({ TableName: table(), Key: keys.upload(id), ConsistentRead: true }));
  if (!out.Item) return null;
  const { PK: _a, SK: _b, type: _t, ttl: _ttl, ...rest } = out.Item;
  return rest as UploadRecord;
}

/** WeChat's image verdict on an upload, and why there is none if so (its processing state is not touched). */
export async function markUpload(id: string, fields: Pick<UploadRecord, 'moderation' | 'moderationNote'>): Promise<void> {
  await doc.send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.upload(id),
      UpdateExpression: fields.moderationNote === undefined ? 'SET moderation = :m REMOVE moderationNote' : 'SET moderation = :m, moderationNote = :n',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeValues: { ':m': fields.moderation, ...(fields.moderationNote === undefined ? {} : { ':n': fields.moderationNote }) },
    }),
  );
}

/**
 * A processing attempt begins: the upload is `uploaded` and counts the attempt. It stays in the
 * unfinished queue (pendingUploads) until it is ready or failed, so the expiry job still finds an upload
 * whose processing never finished. null: already finished (a replayed event).
 */
export async function startProcessing(id: string): Promise<number | null> {
  try {
    const out = await doc.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.upload(id),
        UpdateExpression: 'SET #s = :uploaded ADD attempts :one',
        ConditionExpression: '#s IN (:pending, :uploaded)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':uploaded': 'uploaded', ':pending': 'pending', ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Number(out.Attributes?.attempts ?? 1);
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return null;
    throw e;
  }
}

/** Processing ended: ready (with the size found) or failed with a reason; out of the unfinished queue. */
export async function finishUpload(
  id: string,
  end: { status: 'ready'; size: number; moderation: import('#domain/moderation').Verdict } | { status: 'failed'; reason: string },
): Promise<boolean> {
  try {
    await doc.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.upload(id),
        UpdateExpression: end.status === 'ready' ? `SET #s = :end, #size = :v, moderation = :m ${LEAVE_PENDING}` : `SET #s = :end, reason = :v ${LEAVE_PENDING}`,
        // only from `uploaded`: an upload the expiry job failed meanwhile stays failed
        ConditionExpression: '#s = :uploaded',
        ExpressionAttributeNames: { '#s': 'status', ...(end.status === 'ready' ? { '#size': 'size' } : {}) },
        ExpressionAttributeValues: {
          ':end': end.status,
          ':uploaded': 'uploaded',
          ...(end.status === 'ready' ? { ':v': end.size, ':m': end.moderation } : { ':v': end.reason }),
        },
      }),
    );
    return true;
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return false;
    throw e;
  }
}

/**
 * Claims an upload for a report inside the report's transaction: it must still be the owner's,
 * ready, unused — so one photo can never end up on two reports, even under a race — and carry
 * the image verdict the report copies (`seen`; null: none yet), so a verdict arriving meanwhile
 * is never lost between the upload and the report.
 */
export function claimUpload(id: string, ownerId: string, usedBy: string, seen: import('#domain/moderation').Verdict | null): TxItem {
  return {
    Update: {
      TableName: table(),
      Key: keys.upload(id),
      UpdateExpression: 'SET usedBy = :by',
      ConditionExpression: `ownerId = :owner AND #s = :ready AND attribute_type(usedBy, :null) AND ${seen === null ? 'attribute_not_exists(moderation)' : 'moderation = :seen'}`,
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':by': usedBy, ':owner': ownerId, ':ready': 'ready', ':null': 'NULL', ...(seen === null ? {} : { ':seen': seen }) },
    },
  };
}

/** Unfinished uploads (pending, or processing that never ended) whose link expired before `before` (oldest first, one page). */
export async function expiredPending(before: string, limit = 100): Promise<UploadRecord[]> {
  const out = await doc.send(
    new QueryCommand({
      TableName: table(),
      ...indexQuery(Upload.partition('pendingUploads', {}), ['<', before]),
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map((i) => {
    const { type: _t, ttl: _ttl, ...rest } = withoutKeys(i);
    return rest as UploadRecord;
  });
}

/**
 * Fails an unfinished upload: `expired` if the photo never arrived, `processing_failed` if its
 * processing never ended; false if it moved on meanwhile (the status it was read with changed).
 */
export async function expirePending(id: string, seen: 'pending' | 'uploaded' = 'pending'): Promise<boolean> {
  try {
    await doc.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.upload(id),
        UpdateExpression: `SET #s = :failed, reason = :why ${LEAVE_PENDING}`,
        ConditionExpression: '#s = :seen',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':failed': 'failed', ':why': seen === 'pending' ? 'expired' : 'processing_failed', ':seen': seen },
      }),
    );
    return true;
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return false;
    throw e;
  }
}
