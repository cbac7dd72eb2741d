/**
 * KPI counters, kept from the stream. Every report change adds its deltas to the counters of
 * every area it sits in (grid, community, street, district, city; beat, station), so reading an
 * area's measures costs (areas x days) items however many reports there are.
 *
 * Keys: store/entities/kpi.ts (KpiNow, KpiDay).
 * Now   open, overdue (gauges); `day` and that China day's counters (histograms as
 *       h:<name>:<minutes>); `n`, its writes so far; on a grid's item, w<yyyymmdd>:<reportId>:
 *       the last version of the report counted, by the day it was counted
 * Day   a day's counters once NOW has moved past it
 *
 * Cost: one TransactWriteItems per stream batch (per group of up to GROUP reports), writing each
 * area's NOW item once however many of the batch's changes touch it — a day's counters live on
 * NOW until a later day arrives, so counters and gauges are one write; the day they belong to is
 * copied to its Day item once, by the first change of a later day.
 *
 * Counted once: the report's grid's NOW item remembers the last version of each report it
 * counted, and every write of a batch is conditioned on those versions being older than the
 * batch's, in the one transaction that also writes every other area. A redelivered batch (or a
 * part or superset of it) fails the condition, is re-read, and only the versions not counted
 * yet are applied. The remembered versions are dropped two days after they were counted: a
 * stream record lives 24 hours, so no batch older than that can come again.
 */
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { doc } from '#store/clients';
import { transact, ConditionFailed, type TxItem } from '#store/tx';
import { config } from '#config';
import { KpiDay, KpiNow } from '#store/keys';
import { chinaDay, isCounterKey, noDeltas, sumByArea, type AreaSums, type DayTotals, type KpiChange } from '#domain/kpi';

type Item = Record<string, unknown>;

const table = () => config.tableName;
const dayKey = (areaId: string, day: string) => KpiDay.key({ areaId, day });
const nowKey = (areaId: string) => KpiNow.key({ areaId });
const areaOf = (item: Item) => KpiNow.idOf(item.PK) ?? '';

/** Reports per transaction: keeps its condition expression and item count inside DynamoDB's limits. */
const GROUP = 16;
const MAX_ITEMS = 100;
const ATTEMPTS = 6;

const compactDay = (ms: number) => chinaDay(new Date(ms).toISOString()).replace(/-/g, '');
const markName = (day: string, reportId: string) => `w${day}:${reportId}`;
const MARK = /^w(\d{8}):(.+)$/;

/** The last version of a report a grid's NOW item has counted (0: none it still remembers). */
function counted(now: Item | undefined, reportId: string): number {
  let v = 0;
  for (const [k, x] of Object.entries(now ?? {})) {
    const m = MARK.exec(k);
    if (m && m[2] === reportId) v = Math.max(v, Number(x));
  }
  return v;
}

/** Placeholders for one expression; the same attribute always gets the same name. */
class Placeholders {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  readonly #byName = new Map<string, string>();
  name(attr: string): string {
    let p = this.#byName.get(attr);
    if (!p) {
      p = `#a${this.#byName.size}`;
      this.#byName.set(attr, p);
      this.names[p] = attr;
    }
    return p;
  }
  value(v: unknown): string {
    const p = `:v${Object.keys(this.values).length}`;
    this.values[p] = v;
    return p;
  }
}

function update(Key: Item, p: Placeholders, clauses: { set?: string[]; add?: string[]; remove?: string[] }, condition: string[] = []): TxItem {
  const expr = [
    clauses.set?.length ? `SET ${clauses.set.join(', ')}` : '',
    clauses.add?.length ? `ADD ${clauses.add.join(', ')}` : '',
    clauses.remove?.length ? `REMOVE ${clauses.remove.join(', ')}` : '',
  ].filter(Boolean);
  return {
    Update: {
      TableName: table(),
      Key,
      UpdateExpression: expr.join(' '),
      ...(condition.length ? { ConditionExpression: condition.join(' AND ') } : {}),
      ExpressionAttributeNames: p.names,
      ...(Object.keys(p.values).length ? { ExpressionAttributeValues: p.values } : {}),
    },
  };
}

const counters = (item: Item | undefined): Map<string, number> =>
  new Map(Object.entries(item ?? {}).filter(([k]) => isCounterKey(k)).map(([k, v]) => [k, Number(v)]));

function addDay(areaId: string, day: string, adds: Map<string, number>): TxItem | null {
  const nonZero = [...adds].filter(([, n]) => n !== 0);
  if (nonZero.length === 0) return null;
  const p = new Placeholders();
  return update(dayKey(areaId, day), p, { add: nonZero.map(([k, n]) => `${p.name(k)} ${p.value(n)}`) });
}

interface Marks {
  today: string;
  yesterday: string;
  /** report -> [first, last] version this batch counts (on the report's grid only) */
  versions: ReadonlyMap<string, readonly [number, number]>;
}

/** One area's writes: its NOW item (always last), and DAY items for days NOW is not on. */
function areaWrites(areaId: string, sums: AreaSums, now: Item | undefined, marks: Marks | undefined): TxItem[] {
  const out: TxItem[] = [];
  const current = now?.day as string | undefined;
  const days = [...sums.days.keys()].sort();
  const latest = days.at(-1);
  const rolls = latest !== undefined && (current === undefined || latest > current);
  const p = new Placeholders();
  const set: string[] = [];
  const add: string[] = [];
  const remove: string[] = [];
  const condition: string[] = [];
  const push = (w: TxItem | null) => w && out.push(w);
  if (rolls) {
    // NOW moves to `latest`: the day it was on goes to its DAY item, with this batch's share
    if (current !== undefined) {
      const archived = counters(now);
      for (const [k, n] of sums.days.get(current) ?? []) archived.set(k, (archived.get(k) ?? 0) + n);
      push(addDay(areaId, current, archived));
    }
    for (const d of days) if (d !== latest && d !== current) push(addDay(areaId, d, sums.days.get(d)!));
    set.push(`${p.name('day')} = ${p.value(latest)}`);
    const fresh = sums.days.get(latest)!;
    for (const [k, n] of fresh) set.push(`${p.name(k)} = ${p.value(n)}`);
    for (const k of counters(now).keys()) if (!fresh.has(k)) remove.push(p.name(k));
    // exactly the state read: what was copied to the DAY item is what leaves NOW
    condition.push(now === undefined ? 'attribute_not_exists(PK)' : now.n === undefined ? `attribute_not_exists(${p.name('n')})` : `${p.name('n')} = ${p.value(now.n)}`);
  } else {
    for (const d of days) if (d !== current) push(addDay(areaId, d, sums.days.get(d)!));
    const today = current !== undefined ? sums.days.get(current) : undefined;
    if (today?.size) {
      for (const [k, n] of today) add.push(`${p.name(k)} ${p.value(n)}`);
      condition.push(`${p.name('day')} = ${p.value(current)}`);
    }
  }
  if (sums.open) add.push(`${p.name('open')} ${p.value(sums.open)}`);
  for (const [g, n] of sums.gauges) if (n) add.push(`${p.name(g)} ${p.value(n)}`);
  if (sums.overdue) add.push(`${p.name('overdue')} ${p.value(sums.overdue)}`);
  add.push(`${p.name('n')} ${p.value(1)}`);
  if (marks) {
    for (const [reportId, [first, last]] of marks.versions) {
      const t = p.name(markName(marks.today, reportId));
      const y = p.name(markName(marks.yesterday, reportId));
      const v = p.value(first);
      condition.push(`(attribute_not_exists(${t}) OR ${t} < ${v})`, `(attribute_not_exists(${y}) OR ${y} < ${v})`);
      set.push(`${t} = ${p.value(last)}`);
    }
    for (const k of Object.keys(now ?? {})) {
      const m = MARK.exec(k);
      if (m && m[1]! < marks.yesterday) remove.push(p.name(k));
    }
  }
  out.push(update(nowKey(areaId), p, { set, add, remove }, condition));
  return out;
}

/** The batch's writes, and the stored NOW items they change (for the cost figures). */
function writesFor(changes: readonly KpiChange[], nows: ReadonlyMap<string, Item>, at: Date): { items: TxItem[]; previous: Record<number, Item> } {
  const today = compactDay(at.getTime());
  const yesterday = compactDay(at.getTime() - 86_400_000);
  const versions = new Map<string, Map<string, [number, number]>>();
  for (const c of changes) {
    const of = versions.get(c.gridId) ?? new Map<string, [number, number]>();
    versions.set(c.gridId, of);
    const v = of.get(c.reportId);
    of.set(c.reportId, v ? [Math.min(v[0], c.version), Math.max(v[1], c.version)] : [c.version, c.version]);
  }
  const items: TxItem[] = [];
  const previous: Record<number, Item> = {};
  for (const [areaId, sums] of sumByArea(changes)) {
    const of = versions.get(areaId);
    items.push(...areaWrites(areaId, sums, nows.get(areaId), of && { today, yesterday, versions: of }));
    const now = nows.get(areaId);
    if (now) previous[items.length - 1] = now;
  }
  return { items, previous };
}

async function readNow(areaIds: readonly string[]): Promise<Map<string, Item>> {
  const items = await batchGet(areaIds.map(nowKey), true);
  return new Map(items.map((i) => [areaOf(i), i]));
}

/** One group of whole reports: read, drop what was counted, write; again if the state moved. */
async function applyGroup(changes: readonly KpiChange[], at: Date): Promise<number> {
  const areaIds = [...new Set(changes.flatMap((c) => c.areaIds))];
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const nows = await readNow(areaIds);
    const fresh = changes.filter((c) => c.version > counted(nows.get(c.gridId), c.reportId));
    if (fresh.length === 0) return 0;
    const { items, previous } = writesFor(fresh, nows, at);
    const reports = [...new Set(fresh.map((c) => c.reportId))];
    if (items.length > MAX_ITEMS && reports.length > 1) {
      const half = new Set(reports.slice(0, Math.ceil(reports.length / 2)));
      return (await applyGroup(fresh.filter((c) => half.has(c.reportId)), at)) + (await applyGroup(fresh.filter((c) => !half.has(c.reportId)), at));
    }
    try {
      await transact(items, previous);
      return fresh.length;
    } catch (e) {
      // counted meanwhile (a redelivery raced us) or NOW moved to another day: read again
      if (!(e instanceof ConditionFailed)) throw e;
    }
  }
  throw new Error(`KPI counters of ${areaIds.join(',')} kept changing; the stream batch will be retried`);
}

/**
 * Counts a batch of report changes (in stream order) once each, however often the batch comes;
 * returns how many were counted now. Changes of one report stay in one transaction.
 */
export async function applyChanges(changes: readonly KpiChange[], at = new Date()): Promise<number> {
  const todo = changes.filter((c) => !noDeltas(c.deltas));
  const reports = [...new Set(todo.map((c) => c.reportId))];
  let applied = 0;
  for (let i = 0; i < reports.length; i += GROUP) {
    const group = new Set(reports.slice(i, i + GROUP));
    applied += await applyGroup(
      todo.filter((c) => group.has(c.reportId)),
      at,
    );
  }
  return applied;
}

function toTotals(item: Item): DayTotals {
  const out: DayTotals = {};
  for (const [k, v] of counters(item)) {
    const m = /^h:([A-Za-z]+(?:\.[a-z]+)?):(\d+)$/.exec(k);
    if (m) ((out[m[1]!] as Record<string, number> | undefined) ??= {})[m[2]!] = v;
    else (out as Record<string, number>)[k] = v;
  }
  return out;
}

async function batchGet(keys: Record<string, string>[], consistent = false): Promise<Item[]> {
  const out: Item[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let request: Record<string, { Keys: Item[]; ConsistentRead?: boolean }> | undefined = { [table()]: { Keys: keys.slice(i, i + 100), ConsistentRead: consistent } };
    while (request && Object.keys(request).length > 0) {
      const res = await doc.send(new BatchGetCommand({ RequestItems: request }));
      out.push(...(res.Responses?.[table()] ?? []));
      request = res.UnprocessedKeys as typeof request;
    }
  }
  return out;
}

/** Items read by the stats queries in this process (tests check cost does not grow with reports). */
export const reads = { items: 0 };

async function statsGet(keys: Record<string, string>[]): Promise<Item[]> {
  const items = await batchGet(keys);
  reads.items += items.length;
  return items;
}

/** Per area: the day totals of each requested day (missing days are empty); today's are on NOW. */
export async function dayTotals(areaIds: string[], days: string[]): Promise<Map<string, DayTotals[]>> {
  const wanted = new Set(days);
  const items = await statsGet([...areaIds.flatMap((a) => days.map((d) => dayKey(a, d))), ...areaIds.map(nowKey)]);
  const out = new Map<string, DayTotals[]>(areaIds.map((a) => [a, []]));
  for (const item of items) {
    if (KpiNow.owns(item) && !wanted.has(String(item.day))) continue;
    out.get(areaOf(item))?.push(toTotals(item));
  }
  return out;
}

export async function gauges(areaIds: string[]): Promise<Map<string, { open: number; overdue: number }>> {
  return new Map([...(await allGauges(areaIds))].map(([a, g]) => [a, { open: g.open ?? 0, overdue: g.overdue ?? 0 }]));
}

/** Every gauge of each area's NOW item (open, overdue, the responders' roll …); missing ones are absent. */
export async function allGauges(areaIds: string[]): Promise<Map<string, Record<string, number>>> {
  const items = await statsGet(areaIds.map(nowKey));
  const out = new Map<string, Record<string, number>>(areaIds.map((a) => [a, {}]));
  const GAUGE = /^(open|overdue|responders(\.[a-z]+)?)$/;
  for (const item of items) out.set(areaOf(item), Object.fromEntries(Object.entries(item).filter(([k]) => GAUGE.test(k)).map(([k, v]) => [k, Number(v)])));
  return out;
}
