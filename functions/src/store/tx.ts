/**
 * One TransactWriteItems, with the failure kinds told apart: a condition we wrote failed
 * (someone changed the report first: the caller re-reads and re-decides) versus a transient
 * cancellation — a conflict with another transaction on one of the items, or an item throttled —
 * retried here with jittered back-off. Throttling of the request as a whole
 * (ProvisionedThroughputExceededException, ThrottlingException, TransactionInProgressException)
 * and a dropped connection are retried below this, by the client's policy (store/retry.ts),
 * with the same ClientRequestToken, so a retry of a transaction that did commit is a no-op. A
 * transaction is all or nothing: however it fails, none of its items is written. What is still
 * failing after all that reaches the client as 503 `unavailable` (http/outage.ts).
 */
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { doc } from '#store/clients';
import { capacity } from '#store/capacity';

export type TxItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export class ConditionFailed extends Error {
  constructor(readonly index: number, readonly reasons: string[]) {
    super(`transaction condition failed at item ${index}`);
    this.name = 'ConditionFailed';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** cancellation reasons that are about load on an item, not about the items we wrote */
const TRANSIENT = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);
const RETRIES = 8;

/** `previous[i]`: the stored item a Put at index i replaces (for the cost figures only). */
export async function transact(items: TxItem[], previous?: Record<number, Record<string, unknown>>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const out = await doc.send(
        new TransactWriteCommand({ TransactItems: items, ReturnConsumedCapacity: capacity.enabled ? 'INDEXES' : 'NONE' }),
      );
      if (capacity.enabled) capacity.recordTransaction(items, out.ConsumedCapacity ?? [], previous);
      return;
    } catch (e) {
      if (!(e instanceof TransactionCanceledException)) throw e;
      const reasons = (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
      const failed = reasons.findIndex((c) => c === 'ConditionalCheckFailed');
      if (failed >= 0) throw new ConditionFailed(failed, reasons);
      // anything else (a validation error, an item too large) is a bug: retrying cannot help
      if (reasons.some((c) => c !== 'None' && !TRANSIENT.has(c))) throw e;
      if (attempt >= RETRIES) throw e;
      // back off with jitter: wait in [0.5, 1.5) × min(400 ms, 10 ms × 2^attempt)
      await sleep(Math.min(400, 10 * 2 ** attempt) * (0.5 + Math.random()));
    }
  }
}

/**
 * Puts `Item` as the next version of a record read at `readVersion` (null: there was none): the
 * condition is the version read, so two writers deciding from the same read cannot both win.
 */
export function versionedPut(TableName: string, Item: Record<string, unknown>, readVersion: number | null): TxItem {
  return {
    Put: {
      TableName,
      Item,
      ConditionExpression: readVersion === null ? 'attribute_not_exists(PK)' : 'version = :v',
      ...(readVersion === null ? {} : { ExpressionAttributeValues: { ':v': readVersion } }),
    },
  };
}

/**
 * Ends a record once, keeping it: sets `<field>At` and `<field>By` on an item that exists and has
 * not been ended (a second end fails its condition). Revoked api keys and deleted webhooks.
 */
export function endOnceItem(TableName: string, Key: Record<string, unknown>, field: 'revoked' | 'deleted', by: string, at: string): TxItem {
  return {
    Update: {
      TableName,
      Key,
      UpdateExpression: `SET ${field}At = :at, ${field}By = :by`,
      ConditionExpression: `attribute_exists(PK) AND ${field}At = :null`,
      ExpressionAttributeValues: { ':at': at, ':by': by, ':null': null },
    },
  };
}
