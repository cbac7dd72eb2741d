/**
 * The layout before issue 11, priced for the same loop: the benchmark's baseline, computed in
 * the same run from the writes this run made (not replayed against a table).
 *
 * Before: the report item held every field and all six of its index entries, every GSI was
 * ProjectionType ALL (so each index held a whole report and was rewritten on every change of
 * it); each timeline event was its own item; each version's outbox row was its own item (ttl 30
 * days); and the KPI consumer wrote, per report change, one transaction of a marker
 * KPIAPPLIED#<id>/V#<version> plus one update per area and day and one per area's gauges.
 *
 * The write path's transactions are translated item by item (report, events and outbox to
 * their former shape; audit, membership, idempotency, uploads, ratings as they are) and priced
 * with the same AWS rules (store/capacity) against the former schema. The KPI consumer's writes
 * are rebuilt from the same stream records by the former consumer's logic.
 */
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';

type TxItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Item = Record<string, unknown>;

const capacityMod = await import('../../functions/src/store/capacity.ts');
const layout = await import('../../functions/src/store/report-items.ts');
const { TABLE_SCHEMA, keys, pad } = await import('../../functions/src/store/keys.ts');
const { kpiDeltas } = await import('../../functions/src/domain/kpi.ts');
const { areasInForce } = await import('../../functions/src/flows/areas.ts');
const { fromImage } = await import('../../functions/src/events/images.ts');

/** The schema before: every index ProjectionType ALL. */
export const FORMER_SCHEMA = {
  keySchema: TABLE_SCHEMA.keySchema,
  globalSecondaryIndexes: TABLE_SCHEMA.globalSecondaryIndexes.map((g) => ({ ...g, Projection: { ProjectionType: 'ALL' as const } })),
};

const formerReport = (item: Item): Item => {
  const r = layout.reportFromItem(item);
  return { ...keys.report(r.id), type: 'report', ...layout.indexAttributes(r), ...r };
};

function formerEventItems(item: Item): Item[] {
  const events = layout.eventsFromItem(item);
  const out: Item[] = events.map((e) => ({ PK: keys.event(e.reportId, e.version).PK, SK: `${keys.event(e.reportId, e.version).SK}#${pad(e.seq, 2)}`, type: 'event', ...e }));
  const row = layout.outboxRowOf(item);
  if (row) out.push({ ...keys.outbox(row.reportId, row.version), type: 'outbox', ttl: Math.floor(Date.parse(row.at) / 1000) + 30 * 86400, ...row });
  return out;
}

export interface Priced {
  table: number;
  index: number;
  kpi: number;
  transactions: number;
}

/** Prices every write-path transaction recorded from now on in the former layout. */
export function priceWritePathAsBefore(): { totals: Priced; stop: () => void } {
  const totals: Priced = { table: 0, index: 0, kpi: 0, transactions: 0 };
  const stop = capacityMod.capacity.observe((items, previous) => {
    if (items.some(capacityMod.isKpiItem)) return; // the KPI consumer: rebuilt from the stream below
    const former: TxItem[] = [];
    const formerPrevious: Record<number, Item> = {};
    items.forEach((it, i) => {
      const put = it.Put?.Item as Item | undefined;
      if (put && layout.isReportItem(put)) {
        if (previous[i]) formerPrevious[former.length] = formerReport(previous[i]!);
        former.push({ Put: { ...it.Put!, Item: formerReport(put) } });
      } else if (put && put.type === 'event') {
        for (const e of formerEventItems(put)) former.push({ Put: { ...it.Put!, Item: e } });
      } else {
        if (previous[i]) formerPrevious[former.length] = previous[i]!;
        former.push(it);
      }
    });
    const cost = capacityMod.transactionCost(former, formerPrevious, FORMER_SCHEMA);
    totals.table += cost.table;
    totals.index += cost.index;
    totals.transactions += 1;
  });
  return { totals, stop };
}

/**
 * The former KPI consumer's writes for a stream batch: per report change, a marker Put and an
 * ADD update per area and day with counters and per area whose gauges moved, in one transaction
 * (none when nothing moved). Returns their AWS-rule WCU, and for comparison what this design
 * writes for the same changes were each alone in its batch (one NOW item per area, in a
 * transaction): the price of a quiet hour, when batches hold one change.
 */
export async function formerKpiCost(event: DynamoDBStreamEvent): Promise<{ wcu: number; transactions: number; aloneWcu: number }> {
  let wcu = 0;
  let transactions = 0;
  let aloneWcu = 0;
  for (const record of event.Records) {
    const img = (x: unknown) => fromImage<Item>(x as Record<string, AttributeValue> | undefined);
    const a = img(record.dynamodb?.NewImage);
    if (!a || !layout.isReportItem(a)) continue;
    const b = img(record.dynamodb?.OldImage);
    const after = layout.reportFromItem(a);
    const before = b && layout.isReportItem(b) ? layout.reportFromItem(b) : null;
    if (before && before.version === after.version) continue;
    const d = kpiDeltas(before, after);
    const { tree } = await areasInForce();
    const areaIds = [...new Set([after.gridId, after.beatId, ...tree.ancestors(after.gridId).map((x) => x.id), ...tree.ancestors(after.beatId).map((x) => x.id)])];
    const items: TxItem[] = [{ Put: { TableName: 't', Item: { PK: `KPIAPPLIED#${after.id}`, SK: `V#${after.version}`, type: 'kpi-marker', ttl: 0 } } }];
    const days = new Set([...Object.keys(d.days), ...Object.keys(d.samples)]);
    for (const areaId of areaIds) {
      for (const day of days) {
        const n = Object.values(d.days[day] ?? {}).filter((v) => v).length + Object.values(d.samples[day] ?? {}).reduce((s, ms) => s + (ms?.length ?? 0), 0);
        if (n > 0) items.push({ Update: { TableName: 't', Key: { PK: `KPI#${areaId}`, SK: `DAY#${day}` }, UpdateExpression: 'ADD' } });
      }
      if (d.open || d.overdue) items.push({ Update: { TableName: 't', Key: { PK: `KPI#${areaId}`, SK: 'NOW' }, UpdateExpression: 'ADD' } });
    }
    if (items.length === 1) continue;
    wcu += capacityMod.transactionCost(items, {}, FORMER_SCHEMA).table;
    transactions += 1;
    aloneWcu += 2 * areaIds.length;
  }
  return { wcu, transactions, aloneWcu };
}
