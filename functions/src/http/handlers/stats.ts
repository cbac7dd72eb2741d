/**
 * The dispatch centre's numbers: KPIs for an area and each of its children over China days,
 * the map of grids shaded by open / overdue reports, and the CSV export. Everything is read by
 * key from the counters, so the cost follows areas x days, not the number of reports.
 */
import { CATEGORIES } from '#domain/categories';
import { DomainError, forbidden, invalidInput, notFound } from '#domain/errors';
import { chinaDay, kpisOf } from '#domain/kpi';
import { STATUS_NAMES } from '#domain/lifecycle';
import type { ReportRecord } from '#domain/report';
import { ROLE_NAMES } from '#domain/roles';
import { areasInForce } from '#flows/areas';
import type { Area, AreaTree } from '#geo/areas';
import { fromWgs84 } from '#geo/datum';
import { dayTotals, gauges } from '#store/kpi';
import { INDEXES, indexKeys } from '#store/keys';
import { queryIndex } from '#store/reports';
import { auditEntry, writeAudit } from '#store/audit';
import type { UserRecord } from '#store/users';
import type { HandlerFn } from '#http/handler';

const MAX_DAYS = 366;
const DAY = 86_400_000;

function area(tree: AreaTree, user: UserRecord, areaId: string | undefined): Area {
  const id = areaId ?? user.areaIds[0];
  const a = id ? tree.get(id) : undefined;
  if (!a) throw notFound('区域');
  if (!user.areaIds.some((mine) => tree.covers(mine, a.id))) throw forbidden('该区域不在您的管辖范围');
  return a;
}

/** China days from..to inclusive (default: the last 30 days up to today). */
function days(from: string | undefined, to: string | undefined): string[] {
  const today = chinaDay(new Date().toISOString());
  const end = to ?? today;
  const start = from ?? new Date(Date.parse(end) - 29 * DAY).toISOString().slice(0, 10);
  if (start > end) throw invalidInput('from 不能晚于 to');
  const out: string[] = [];
  for (let t = Date.parse(start); t <= Date.parse(end); t += DAY) out.push(new Date(t).toISOString().slice(0, 10));
  if (out.length > MAX_DAYS) throw invalidInput(`一次最多查询 ${MAX_DAYS} 天`);
  return out;
}

/** The areas a dashboard breaks an area into: admin children, or a station's beats. */
const childrenOf = (tree: AreaTree, a: Area): Area[] => tree.children(a.id);

export const stats: HandlerFn = async ({ user, query }) => {
  const { tree } = await areasInForce();
  const a = area(tree, user!, query.areaId);
  const range = days(query.from, query.to);
  const children = childrenOf(tree, a);
  const ids = [a.id, ...children.map((c) => c.id)];
  const [totals, now] = await Promise.all([dayTotals(ids, range), gauges(ids)]);
  const row = (x: Area) => ({ areaId: x.id, name: x.name, level: x.level, ...kpisOf(totals.get(x.id) ?? []), ...now.get(x.id)! });
  return { body: { from: range[0], to: range[range.length - 1], timezone: 'Asia/Shanghai', area: row(a), children: children.map(row) } };
};

const gridsUnder = (tree: AreaTree, a: Area): Area[] => (a.level === 'grid' ? [a] : tree.list({ level: 'grid' }).filter((g) => tree.covers(a.id, g.id)));

export const heatmap: HandlerFn = async ({ user, query }) => {
  const { tree } = await areasInForce();
  const a = area(tree, user!, query.areaId);
  const grids = gridsUnder(tree, a);
  const counts = await gauges(grids.map((g) => g.id));
  return {
    body: {
      type: 'FeatureCollection',
      // GeoJSON is WGS-84 by definition (RFC 7946); the centroid is given in GCJ-02 for WeChat maps too
      features: grids.map((g) => ({
        type: 'Feature',
        id: g.id,
        geometry: g.geometry ?? null,
        properties: { id: g.id, name: g.name, beatId: g.beatId, ...counts.get(g.id)!, centroidGcj02: fromWgs84(g.centroid, 'gcj02') },
      })),
    },
  };
};

const CSV_COLUMNS: Array<[string, (r: ReportRecord) => string]> = [
  ['编号', (r) => r.id],
  ['上报时间', (r) => r.createdAt],
  ['类别', (r) => CATEGORIES.find((c) => c.code === r.category)?.name ?? r.category],
  ['状态', (r) => STATUS_NAMES[r.status]],
  ['网格', (r) => r.gridName],
  ['警格', (r) => r.beatName],
  ['地址', (r) => r.address ?? ''],
  ['描述', (r) => r.description],
  ['来源', (r) => r.source],
  ['处理人', (r) => (r.assignee ? `${ROLE_NAMES[r.assignee.role]} ${r.assignee.name}` : '')],
  ['受理时限', (r) => r.acceptBy],
  ['办结时限', (r) => r.resolveBy],
  ['受理时间', (r) => r.acceptedAt ?? ''],
  ['办结时间', (r) => r.resolvedAt ?? ''],
  ['结案时间', (r) => r.closedAt ?? ''],
  ['按期办结', (r) => (r.closedAt ? (Date.parse(r.closedAt) <= Date.parse(r.resolveBy) ? '是' : '否') : '')],
  ['返工次数', (r) => String(r.reopenCount)],
  ['评价', (r) => (r.rating ? { satisfied: '满意', basically_satisfied: '基本满意', dissatisfied: '不满意' }[r.rating.score] : r.survey?.outcome === 'no_answer' ? '未评价' : '')],
];

/** RFC 4180 quoting; a leading = + - @ is neutralised so a spreadsheet never runs a cell as a formula. */
function cell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Reports of an area created in the China-day range, with no personal data (no reporter, no phone). */
export const exportCsv: HandlerFn = async ({ user, query }) => {
  const { tree } = await areasInForce();
  const a = area(tree, user!, query.areaId);
  const range = days(query.from, query.to);
  // China day boundaries in UTC
  const startIso = new Date(Date.parse(range[0]!) - 8 * 3_600_000).toISOString();
  const endIso = new Date(Date.parse(range[range.length - 1]!) + DAY - 8 * 3_600_000 - 1).toISOString();
  const lines = [CSV_COLUMNS.map(([h]) => h).join(',')];
  let rows = 0;
  for (const g of gridsUnder(tree, a)) {
    let cursor: string | undefined;
    do {
      const page = await queryIndex(INDEXES.byOwner, indexKeys.reportsOfGrid(g.id), { limit: 100, cursor, skBetween: [startIso, endIso] });
      for (const item of page.items) {
        if (item.type !== 'report') continue;
        lines.push(CSV_COLUMNS.map(([, f]) => cell(f(item as unknown as ReportRecord))).join(','));
        rows++;
      }
      cursor = page.cursor ?? undefined;
      if (lines.length > 50_000) throw new DomainError('payload_too_large', '导出行数过多，请缩小日期范围或区域');
    } while (cursor);
  }
  await writeAudit(auditEntry({ at: new Date().toISOString(), what: 'export', actorId: user!.id, actorRole: user!.role, reportId: null, detail: `reports.csv ${a.id} ${range[0]}..${range[range.length - 1]} rows=${rows}`, from: null, to: null }));
  return {
    // the BOM makes Excel read UTF-8 Chinese correctly
    raw: `\uFEFF${lines.join('\r\n')}\r\n`,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="reports-${a.id}-${range[0]}-${range[range.length - 1]}.csv"`,
    },
  };
};
