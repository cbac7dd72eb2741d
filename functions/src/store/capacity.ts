/**
 * Write-cost bookkeeping by AWS's billing rules, next to what DynamoDB Local reports.
 *
 * AWS, per item written:
 * - the base table: 1 WCU per started KB of the larger of the item before and after the write,
 *   doubled inside a transaction;
 * - each GSI, by what the index holds of the item (its projection: KEYS_ONLY, INCLUDE, ALL):
 *   entering an index costs 1 WCU per started KB of the index entry, leaving it the same for
 *   the old entry, moving between index keys both; an entry whose keys stay and whose projected
 *   attributes do not change is not written at all (so a KEYS_ONLY index costs nothing while
 *   the item keeps its keys). Index writes are not doubled by transactions.
 * Where the stored item is not known (an Update or Delete without `previous`), it is taken to be
 * one KB with no index entries — stated, not measured: true of what the loop updates that way
 * (its idempotency record, a claimed upload, a KPI DAY item); an update of a report outside the
 * loop (a moderation decision, pseudonymisation) also rewrites its GSI3 entry, not counted.
 *
 * Items whose key starts with KPI are the measures' counters (store/kpi): their cost is kept
 * apart, so the figures say what the loop's writes cost and what the stream consumer adds.
 * DynamoDB Local's own ConsumedCapacity does not follow these rules and is kept for comparison.
 */
import type { ConsumedCapacity, GlobalSecondaryIndex } from '@aws-sdk/client-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { TABLE_SCHEMA } from '#store/keys';

type TxItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Item = Record<string, unknown>;

export interface Tally {
  /** AWS-rule WCU on the base table (the loop's writes) */
  tableWcu: number;
  /** AWS-rule WCU on the GSIs (the loop's writes) */
  indexWcu: number;
  /** AWS-rule WCU of the KPI counters (table; they are in no index) */
  kpiWcu: number;
  /** what DynamoDB Local reported */
  localReportedWcu: number;
  transactions: number;
  /** of which wrote KPI counters */
  kpiTransactions: number;
  items: number;
}

const empty = (): Tally => ({ tableWcu: 0, indexWcu: 0, kpiWcu: 0, localReportedWcu: 0, transactions: 0, kpiTransactions: 0, items: 0 });
let tally = empty();

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** DynamoDB's item size: attribute names plus values (numbers ~1 byte per 2 digits + 1). */
export function valueSize(v: unknown): number {
  if (v === null || v === undefined || typeof v === 'boolean') return 1;
  if (typeof v === 'string') return utf8(v);
  if (typeof v === 'number') return Math.ceil(String(Math.abs(v)).replace(/[.-]/g, '').length / 2) + 1;
  if (v instanceof Uint8Array) return v.length;
  if (v instanceof Set) return [...v].reduce<number>((s, x) => s + valueSize(x), 0);
  if (Array.isArray(v)) return 3 + v.reduce<number>((s, x) => s + 1 + valueSize(x), 0);
  if (typeof v === 'object') return 3 + Object.entries(v).reduce((s, [k, x]) => s + 1 + utf8(k) + valueSize(x), 0);
  return 0;
}

export const itemSize = (item: Item): number => Object.entries(item).reduce((s, [k, v]) => s + utf8(k) + valueSize(v), 0);
const kb = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

export type Schema = Pick<typeof TABLE_SCHEMA, 'keySchema' | 'globalSecondaryIndexes'>;

interface IndexShape {
  hash: string;
  range: string | undefined;
  /** null: ALL */
  projected: Set<string> | null;
}

function shapes(schema: Schema): IndexShape[] {
  const tableKeys = schema.keySchema.map((k) => k.AttributeName!);
  return schema.globalSecondaryIndexes.map((g: GlobalSecondaryIndex) => {
    const hash = g.KeySchema!.find((k) => k.KeyType === 'HASH')!.AttributeName!;
    const range = g.KeySchema!.find((k) => k.KeyType === 'RANGE')?.AttributeName;
    const type = g.Projection?.ProjectionType ?? 'ALL';
    const keysOnly = [...tableKeys, hash, ...(range ? [range] : [])];
    const projected = type === 'ALL' ? null : new Set([...keysOnly, ...(type === 'INCLUDE' ? (g.Projection?.NonKeyAttributes ?? []) : [])]);
    return { hash, range, projected };
  });
}

/** What an index holds of the item; null when the item is not in it (sparse index). */
function entryOf(item: Item | undefined, ix: IndexShape): Item | null {
  if (!item || item[ix.hash] === undefined || (ix.range !== undefined && item[ix.range] === undefined)) return null;
  if (ix.projected === null) return item;
  return Object.fromEntries(Object.entries(item).filter(([k]) => ix.projected!.has(k)));
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a, canonical) === JSON.stringify(b, canonical);
function canonical(_k: string, v: unknown) {
  if (v instanceof Set) return [...v].sort();
  if (v && typeof v === 'object' && !Array.isArray(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Item)[k]]));
  return v;
}

/** GSI WCU of one item going from `before` to `after` (either may be absent). */
export function indexCost(before: Item | undefined, after: Item | undefined, schema: Schema = TABLE_SCHEMA): number {
  let wcu = 0;
  for (const ix of shapes(schema)) {
    const o = entryOf(before, ix);
    const n = entryOf(after, ix);
    if (!o && !n) continue;
    if (!o) wcu += kb(itemSize(n!));
    else if (!n) wcu += kb(itemSize(o));
    else if (o[ix.hash] !== n[ix.hash] || (ix.range !== undefined && o[ix.range] !== n[ix.range])) wcu += kb(itemSize(o)) + kb(itemSize(n));
    else if (!same(o, n)) wcu += kb(Math.max(itemSize(o), itemSize(n)));
  }
  return wcu;
}

/**
 * The item an Update leaves, from the stored item and the clauses written here: `SET #a = :v`,
 * `ADD #a :v` (numbers add up, sets join) and `REMOVE #a, #b` (attribute names by placeholder).
 */
export function afterUpdate(before: Item, update: NonNullable<TxItem['Update']>): Item {
  const after: Item = { ...before };
  const names = update.ExpressionAttributeNames ?? {};
  const values = (update.ExpressionAttributeValues ?? {}) as Item;
  const expr = update.UpdateExpression ?? '';
  for (const m of expr.matchAll(/(#\w+)\s*(=)?\s*(:\w+)/g)) {
    const name = names[m[1]!];
    if (name === undefined) continue;
    const v = values[m[3]!];
    const old = after[name];
    if (m[2] || old === undefined) after[name] = v;
    else if (typeof old === 'number' && typeof v === 'number') after[name] = old + v;
    else if (old instanceof Set && v instanceof Set) after[name] = new Set([...old, ...v]);
  }
  const removed = /REMOVE\s+(.*?)(?=\s+(?:SET|ADD|DELETE)\s|$)/.exec(expr)?.[1] ?? '';
  for (const p of removed.split(',')) {
    const name = names[p.trim()];
    if (name !== undefined) delete after[name];
  }
  return after;
}

const keyOf = (it: TxItem): Item | undefined =>
  (it.Put?.Item as Item | undefined) ?? (it.Update?.Key as Item | undefined) ?? (it.Delete?.Key as Item | undefined) ?? (it.ConditionCheck?.Key as Item | undefined);

export const isKpiItem = (it: TxItem): boolean => String(keyOf(it)?.PK ?? '').startsWith('KPI');

export interface ItemCost {
  table: number;
  index: number;
}

/** AWS-rule cost of each item of one transaction; `previous[i]` is the stored item item i changes. */
export function itemCosts(items: TxItem[], previous: Record<number, Item> = {}, schema: Schema = TABLE_SCHEMA): ItemCost[] {
  return items.map((it, i) => {
    const old = previous[i];
    if (it.Put) {
      const item = it.Put.Item as Item;
      return { table: 2 * kb(Math.max(itemSize(item), old ? itemSize(old) : 0)), index: indexCost(old, item, schema) };
    }
    if (it.Update && old) {
      const after = afterUpdate(old, it.Update);
      return { table: 2 * kb(Math.max(itemSize(old), itemSize(after))), index: indexCost(old, after, schema) };
    }
    if (it.Delete && old) return { table: 2 * kb(itemSize(old)), index: indexCost(old, undefined, schema) };
    // Update / Delete / ConditionCheck on a record not given: one KB, doubled in a transaction.
    return { table: 2, index: 0 };
  });
}

/** AWS-rule cost of one transaction. */
export function transactionCost(items: TxItem[], previous: Record<number, Item> = {}, schema: Schema = TABLE_SCHEMA): { table: number; index: number } {
  return itemCosts(items, previous, schema).reduce((s, c) => ({ table: s.table + c.table, index: s.index + c.index }), { table: 0, index: 0 });
}

type Observer = (items: TxItem[], previous: Record<number, Item>) => void;
const observers = new Set<Observer>();

export const capacity = {
  /**
   * Bookkeeping costs a little on every transaction (sizing each item, DynamoDB's own figures
   * returned): on only where someone reads the figures — MEASURE_CAPACITY=1 (the benchmarks).
   */
  enabled: process.env.MEASURE_CAPACITY === '1',
  recordTransaction(items: TxItem[], consumed: ConsumedCapacity[], previous: Record<number, Item> = {}) {
    const costs = itemCosts(items, previous);
    let kpi = false;
    costs.forEach((c, i) => {
      if (isKpiItem(items[i]!)) {
        tally.kpiWcu += c.table + c.index;
        kpi = true;
      } else {
        tally.tableWcu += c.table;
        tally.indexWcu += c.index;
      }
    });
    tally.localReportedWcu += consumed.reduce((s, c) => s + (c.CapacityUnits ?? 0), 0);
    tally.transactions += 1;
    if (kpi) tally.kpiTransactions += 1;
    tally.items += items.length;
    for (const o of observers) o(items, previous);
  },
  snapshot: (): Tally => ({ ...tally }),
  reset() {
    tally = empty();
  },
  /** Sees every transaction recorded from now on (the benchmark prices other layouts with it). */
  observe(o: Observer): () => void {
    observers.add(o);
    return () => observers.delete(o);
  },
};
