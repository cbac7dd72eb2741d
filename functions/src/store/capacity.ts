/**
 * Write-cost bookkeeping by AWS's billing rules, next to what DynamoDB Local reports.
 *
 * AWS: a standard write costs 1 WCU per started KB of the item; inside a transaction 2 per KB;
 * each GSI the item is written to costs 1 WCU per started KB of the projected item (ALL here),
 * and moving an item between index keys costs a delete of the old entry as well. DynamoDB Local's
 * own ConsumedCapacity does not follow these rules exactly, so it is kept only for comparison.
 */
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';

type TxItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface Tally {
  /** AWS-rule WCU on the base table */
  tableWcu: number;
  /** AWS-rule WCU on the GSIs */
  indexWcu: number;
  /** what DynamoDB Local reported */
  localReportedWcu: number;
  transactions: number;
  items: number;
}

const empty = (): Tally => ({ tableWcu: 0, indexWcu: 0, localReportedWcu: 0, transactions: 0, items: 0 });
let tally = empty();

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** DynamoDB's item size: attribute names plus values (numbers ~1 byte per 2 digits + 1). */
export function valueSize(v: unknown): number {
  if (v === null || v === undefined || typeof v === 'boolean') return 1;
  if (typeof v === 'string') return utf8(v);
  if (typeof v === 'number') return Math.ceil(String(Math.abs(v)).replace(/[.-]/g, '').length / 2) + 1;
  if (v instanceof Uint8Array) return v.length;
  if (Array.isArray(v)) return 3 + v.reduce<number>((s, x) => s + 1 + valueSize(x), 0);
  if (typeof v === 'object') return 3 + Object.entries(v).reduce((s, [k, x]) => s + 1 + utf8(k) + valueSize(x), 0);
  return 0;
}

export const itemSize = (item: Record<string, unknown>): number => Object.entries(item).reduce((s, [k, v]) => s + utf8(k) + valueSize(v), 0);
const kb = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

const GSIS = [1, 2, 3, 4, 5, 6];

/** AWS-rule cost of one transaction; `previous[i]` is the item a Put at index i replaces. */
export function transactionCost(items: TxItem[], previous: Record<number, Record<string, unknown>> = {}): { table: number; index: number } {
  let table = 0;
  let index = 0;
  items.forEach((it, i) => {
    if (it.Put) {
      const item = it.Put.Item as Record<string, unknown>;
      const size = itemSize(item);
      table += 2 * kb(size);
      const old = previous[i];
      for (const n of GSIS) {
        const pk = `GSI${n}PK`;
        const sk = `GSI${n}SK`;
        const inNew = item[pk] !== undefined;
        const inOld = old?.[pk] !== undefined;
        const moved = inOld && (!inNew || old![pk] !== item[pk] || old![sk] !== item[sk]);
        if (inNew) index += kb(size);
        if (moved) index += kb(itemSize(old!));
      }
    } else {
      // Update / Delete / ConditionCheck on our small records: one KB, doubled in a transaction.
      table += 2;
    }
  });
  return { table, index };
}

export const capacity = {
  recordTransaction(items: TxItem[], consumed: ConsumedCapacity[], previous?: Record<number, Record<string, unknown>>) {
    const cost = transactionCost(items, previous);
    tally.tableWcu += cost.table;
    tally.indexWcu += cost.index;
    tally.localReportedWcu += consumed.reduce((s, c) => s + (c.CapacityUnits ?? 0), 0);
    tally.transactions += 1;
    tally.items += items.length;
  },
  snapshot: (): Tally => ({ ...tally }),
  reset() {
    tally = empty();
  },
};
