/**
 * One TransactWriteItems, with the two failure kinds told apart: a condition we wrote failed
 * (someone changed the report first: the caller re-reads and re-decides) versus a transient
 * conflict between transactions (retried here, never surfaced).
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

/** `previous[i]`: the stored item a Put at index i replaces (for the cost figures only). */
export async function transact(items: TxItem[], previous?: Record<number, Record<string, unknown>>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const out = await doc.send(
        new TransactWriteCommand({ TransactItems: items, ReturnConsumedCapacity: 'INDEXES' }),
      );
      capacity.recordTransaction(items, out.ConsumedCapacity ?? [], previous);
      return;
    } catch (e) {
      if (!(e instanceof TransactionCanceledException)) throw e;
      const reasons = (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
      const failed = reasons.findIndex((c) => c === 'ConditionalCheckFailed');
      if (failed >= 0) throw new ConditionFailed(failed, reasons);
      // TransactionConflict / ThrottlingError: another transaction holds an item; back off with jitter.
      if (attempt >= 8) throw e;
      await sleep(Math.min(400, 10 * 2 ** attempt) * (0.5 + Math.random()));
    }
  }
}
