/**
 * KPI counters, kept from the stream. Every report change adds its deltas to the counters of
 * every area it sits in (grid, community, street, district, city; beat, station), so reading an
 * area's measures costs (areas x days) items however many reports there are. Applying is
 * idempotent: a marker per (report, version) commits with the increments.
 *
 * Day      PK KPI#<areaId>   SK DAY#<yyyy-mm-dd China>   counters; histograms as attributes h:<name>:<minutes>
 * Gauge    PK KPI#<areaId>   SK NOW                      open, overdue
 * Applied  PK KPIAPPLIED#<reportId>   SK V#<version>      ttl; the marker
 */
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { doc } from '#store/clients';
import { transact, ConditionFailed, type TxItem } from '#store/tx';
import { config } from '#config';
import type { DayTotals, KpiDeltas } from '#domain/kpi';

const table = () => config.tableName;
const dayKey = (areaId: string, day: string) => ({ PK: `KPI#${areaId}`, SK: `DAY#${day}` });
const gaugeKey = (areaId: string) => ({ PK: `KPI#${areaId}`, SK: 'NOW' });
const MARKER_DAYS = 30;

function addUpdate(Key: Record<string, string>, adds: Record<string, number>): TxItem | null {
  const entries = Object.entries(adds).filter(([, v]) => v !== 0);
  if (entries.length === 0) return null;
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const parts = entries.map(([k, v], i) => {
    names[`#a${i}`] = k;
    values[`:v${i}`] = v;
    return `#a${i} :v${i}`;
  });
  return { Update: { TableName: table(), Key, UpdateExpression: `ADD ${parts.join(', ')}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values } };
}

/** Applies a report change's deltas to all its areas; false when this version was applied before. */
export async function applyDeltas(reportId: string, version: number, areaIds: string[], d: KpiDeltas, now: Date): Promise<boolean> {
  const items: TxItem[] = [
    {
      Put: {
        TableName: table(),
        Item: { PK: `KPIAPPLIED#${reportId}`, SK: `V#${version}`, type: 'kpi-marker', ttl: Math.floor(now.getTime() / 1000) + MARKER_DAYS * 86400 },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
  ];
  for (const areaId of areaIds) {
    for (const day of new Set([...Object.keys(d.days), ...Object.keys(d.samples)])) {
      const adds: Record<string, number> = { ...(d.days[day] as Record<string, number>) };
      for (const [h, minutes] of Object.entries(d.samples[day] ?? {})) for (const m of minutes ?? []) adds[`h:${h}:${m}`] = (adds[`h:${h}:${m}`] ?? 0) + 1;
      const u = addUpdate(dayKey(areaId, day), adds);
      if (u) items.push(u);
    }
    const g = addUpdate(gaugeKey(areaId), { open: d.open, overdue: d.overdue });
    if (g) items.push(g);
  }
  if (items.length === 1) return false;
  try {
    await transact(items);
    return true;
  } catch (e) {
    if (e instanceof ConditionFailed && e.index === 0) return false;
    throw e;
  }
}

function toTotals(item: Record<string, unknown>): DayTotals {
  const out: DayTotals = {};
  for (const [k, v] of Object.entries(item)) {
    if (k === 'PK' || k === 'SK') continue;
    const m = /^h:(acceptMinutes|closeMinutes):(\d+)$/.exec(k);
    if (m) (out[m[1] as 'acceptMinutes'] ??= {})[m[2]!] = Number(v);
    else (out as Record<string, number>)[k] = Number(v);
  }
  return out;
}

async function batchGet(keys: Record<string, string>[]): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = { [table()]: { Keys: keys.slice(i, i + 100) } };
    while (request && Object.keys(request).length > 0) {
      const res = await doc.send(new BatchGetCommand({ RequestItems: request, ReturnConsumedCapacity: 'TOTAL' }));
      out.push(...(res.Responses?.[table()] ?? []));
      reads.items += (res.Responses?.[table()] ?? []).length;
      request = res.UnprocessedKeys as typeof request;
    }
  }
  return out;
}

/** Items read by the stats queries in this process (tests check cost does not grow with reports). */
export const reads = { items: 0 };

/** Per area: the day totals of each requested day (missing days are empty). */
export async function dayTotals(areaIds: string[], days: string[]): Promise<Map<string, DayTotals[]>> {
  const items = await batchGet(areaIds.flatMap((a) => days.map((d) => dayKey(a, d))));
  const out = new Map<string, DayTotals[]>(areaIds.map((a) => [a, []]));
  for (const item of items) out.get(String(item.PK).slice(4))?.push(toTotals(item));
  return out;
}

export async function gauges(areaIds: string[]): Promise<Map<string, { open: number; overdue: number }>> {
  const items = await batchGet(areaIds.map(gaugeKey));
  const out = new Map(areaIds.map((a) => [a, { open: 0, overdue: 0 }]));
  for (const item of items) out.set(String(item.PK).slice(4), { open: Number(item.open ?? 0), overdue: Number(item.overdue ?? 0) });
  return out;
}
