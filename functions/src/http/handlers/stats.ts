/**
 * The dispatch centre's numbers (flows/stats reads them inside the caller's areas): KPIs, the
 * map of grids shaded by open / overdue reports, and the CSV export.
 */
import { CATEGORIES, categoryOf } from '#domain/categories';
import { STATUS_NAMES } from '#domain/lifecycle';
import type { ReportRecord } from '#domain/report';
import { ROLE_NAMES } from '#domain/roles';
import { fromWgs84 } from '#geo/datum';
import { areaStats, exportReports, heatmap as heat } from '#flows/stats';
import { repeatsIn } from '#flows/repeats';
import type { Handler } from '#http/handler';

export const stats: Handler<'stats.stats'> = async ({ user, query }) => ({ body: await areaStats(user, query) });

export const heatmap: Handler<'stats.heatmap'> = async ({ user, query }) => ({
  body: {
    type: 'FeatureCollection',
    // GeoJSON is WGS-84 by definition (RFC 7946); the centroid is given in GCJ-02 for WeChat maps too
    features: (await heat(user, query.areaId)).map(({ grid: g, counts }) => ({
      type: 'Feature',
      id: g.id,
      geometry: g.geometry ?? null,
      properties: { id: g.id, name: g.name, beatId: g.beatId, ...counts, centroidGcj02: fromWgs84(g.centroid, 'gcj02') },
    })),
  },
});

/** A time in the CSV: Beijing time (UTC+8 all year), `YYYY-MM-DD HH:mm`, as a spreadsheet sorts it; blank when none. */
function beijingTime(iso: string | null | undefined): string {
  if (!iso || Number.isNaN(Date.parse(iso))) return '';
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** Every coded column in words: where a report came from … */
const SOURCE_NAMES: Record<ReportRecord['source'], string> = { app: '小程序', phone: '电话', '110': '110', open311: '城市系统（Open311）' };
const SCORE_NAMES = { satisfied: '满意', basically_satisfied: '基本满意', dissatisfied: '不满意' } as const;

const CSV_COLUMNS: Array<[string, (r: ReportRecord) => string]> = [
  ['编号', (r) => r.id],
  ['上报时间', (r) => beijingTime(r.createdAt)],
  ['类别', (r) => categoryOf(r.category)?.name ?? r.category],
  ['状态', (r) => STATUS_NAMES[r.status]],
  ['网格', (r) => r.gridName],
  ['警格', (r) => r.beatName],
  ['地址', (r) => r.address ?? ''],
  ['描述', (r) => r.description],
  ['来源', (r) => SOURCE_NAMES[r.source] ?? r.source],
  ['处理人', (r) => (r.assignee ? `${ROLE_NAMES[r.assignee.role]} ${r.assignee.name}` : '')],
  ['受理时限', (r) => beijingTime(r.acceptBy)],
  ['办结时限', (r) => beijingTime(r.resolveBy)],
  ['受理时间', (r) => beijingTime(r.acceptedAt)],
  ['办结时间', (r) => beijingTime(r.resolvedAt)],
  ['结案时间', (r) => beijingTime(r.closedAt)],
  ['按期办结', (r) => (r.closedAt ? (Date.parse(r.closedAt) <= Date.parse(r.resolveBy) ? '是' : '否') : '')],
  ['返工次数', (r) => String(r.reopenCount)],
  ['评价', (r) => (r.rating ? SCORE_NAMES[r.rating.score] : r.survey?.outcome === 'no_answer' ? '未评价' : '')],
];

/** RFC 4180 quoting; a leading = + - @ is neutralised so a spreadsheet never runs a cell as a formula. */
function cell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Reports of an area created in the China-day range, with no personal data (no reporter, no phone). */
export const exportCsv: Handler<'stats.exportCsv'> = async ({ user, query }) => {
  const out = await exportReports(user, query, (r) => CSV_COLUMNS.map(([, f]) => cell(f(r))).join(','));
  const lines = [CSV_COLUMNS.map(([h]) => h).join(','), ...out.lines];
  return {
    // the BOM makes Excel read UTF-8 Chinese correctly
    raw: `\uFEFF${lines.join('\r\n')}\r\n`,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="reports-${out.area.id}-${out.from}-${out.to}.csv"`,
    },
  };
};

export const repeats: Handler<'stats.repeats'> = async ({ user, query }) => ({
  body: {
    items: (await repeatsIn(user, query.areaId, new Date(), query.limit)).map((r) => ({ ...r, categoryName: CATEGORIES.find((c) => c.code === r.category)?.name ?? r.category })),
    cursor: null,
  },
});
