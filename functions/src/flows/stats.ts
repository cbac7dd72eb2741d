/**
 * The dispatch centre's numbers: KPIs for an area and each of its children over China days,
 * the map of grids shaded by open / overdue reports, and the CSV export — each for an area
 * inside the caller's. Everything is read by key from the counters, so the cost follows
 * areas x days, not the number of reports; the export reads the grids' report index.
 */
import { DomainError, invalidInput, notFound } from '#domain/errors';
import { chinaDay, kpisOf } from '#domain/kpi';
import type { ReportRecord } from '#domain/report';
import type { Area, AreaTree } from '#geo/areas';
import { rightsOf } from '#flows/rights';
import { auditEntry, writeAudit } from '#store/audit';
import { allGauges, dayTotals, gauges } from '#store/kpi';
import { assistMeasures } from '#domain/assist-kpi';
import { Report } from '#store/keys';
import { queryIndex } from '#store/reports';
import type { UserRecord } from '#store/users';

const MAX_DAYS = 366;
const DAY = 86_400_000;
const MAX_EXPORT_ROWS = 50_000;

async function areaOf(user: UserRecord, areaId: string | undefined): Promise<{ area: Area; tree: AreaTree }> {
  const rights = await rightsOf(user);
  const id = areaId ?? user.areaIds[0];
  const area = id ? rights.tree.get(id) : undefined;
  if (!area) throw notFound('区域');
  rights.require({ areaId: area.id }, '该区域不在您的管辖范围');
  return { area, tree: rights.tree };
}

/** China days from..to inclusive (default: the last 30 days up to today). */
export function days(from: string | undefined, to: string | undefined): string[] {
  const end = to ?? chinaDay(new Date().toISOString());
  const start = from ?? new Date(Date.parse(end) - 29 * DAY).toISOString().slice(0, 10);
  if (start > end) throw invalidInput('from 不能晚于 to');
  const out: string[] = [];
  for (let t = Date.parse(start); t <= Date.parse(end); t += DAY) out.push(new Date(t).toISOString().slice(0, 10));
  if (out.length > MAX_DAYS) throw invalidInput(`一次最多查询 ${MAX_DAYS} 天`);
  return out;
}

export async function areaStats(user: UserRecord, q: { areaId?: string | undefined; from?: string | undefined; to?: string | undefined }) {
  const { area, tree } = await areaOf(user, q.areaId);
  const range = days(q.from, q.to);
  const children = tree.children(area.id);
  const ids = [area.id, ...children.map((c) => c.id)];
  const [totals, now] = await Promise.all([dayTotals(ids, range), allGauges(ids)]);
  const row = (x: Area) => {
    const g = now.get(x.id)!;
    const t = totals.get(x.id) ?? [];
    return { areaId: x.id, name: x.name, level: x.level, ...kpisOf(t), open: g.open ?? 0, overdue: g.overdue ?? 0, assists: assistMeasures(t, g) };
  };
  return { from: range[0]!, to: range[range.length - 1]!, timezone: 'Asia/Shanghai', area: row(area), children: children.map(row) };
}

const gridsUnder = (tree: AreaTree, a: Area): Area[] => (a.level === 'grid' ? [a] : tree.list({ level: 'grid' }).filter((g) => tree.covers(a.id, g.id)));

export async function heatmap(user: UserRecord, areaId: string | undefined) {
  const { area, tree } = await areaOf(user, areaId);
  const grids = gridsUnder(tree, area);
  const counts = await gauges(grids.map((g) => g.id));
  return grids.map((g) => ({ grid: g, counts: counts.get(g.id)! }));
}

/**
 * Reports of an area created in the China-day range, row by row (the caller renders them), then
 * one audit entry for the export.
 */
export async function exportReports(user: UserRecord, q: { areaId?: string | undefined; from?: string | undefined; to?: string | undefined }, row: (r: ReportRecord) => string) {
  const { area, tree } = await areaOf(user, q.areaId);
  const range = days(q.from, q.to);
  // China day boundaries in UTC
  const startIso = new Date(Date.parse(range[0]!) - 8 * 3_600_000).toISOString();
  const endIso = new Date(Date.parse(range[range.length - 1]!) + DAY - 8 * 3_600_000 - 1).toISOString();
  const lines: string[] = [];
  for (const g of gridsUnder(tree, area)) {
    let cursor: string | undefined;
    do {
      const page = await queryIndex(Report.partition('reportsOfGrid', { gridId: g.id }), { limit: 100, cursor, skBetween: [startIso, endIso] });
      for (const item of page.items) if (item.type === 'report') lines.push(row(item as unknown as ReportRecord));
      cursor = page.cursor ?? undefined;
      if (lines.length > MAX_EXPORT_ROWS) throw new DomainError('payload_too_large', '导出行数过多，请缩小日期范围或区域');
    } while (cursor);
  }
  const first = range[0]!;
  const last = range[range.length - 1]!;
  await writeAudit(auditEntry({ at: new Date().toISOString(), what: 'export', actorId: user.id, actorRole: user.role, reportId: null, detail: `reports.csv ${area.id} ${first}..${last} rows=${lines.length}`, from: null, to: null }));
  return { area, from: first, to: last, lines };
}
