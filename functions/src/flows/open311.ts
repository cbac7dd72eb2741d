/**
 * Open311 GeoReport v2 as use cases. Filing is the one filing there is (flows/filing: routing,
 * outbox -> inbox and pushes, audit, Idempotency-Key, the key's rate limit) with the API key as
 * the filer; reading answers from the same records the app reads. What the spec's names mean
 * here, and what is never shown, is http/open311/documents.ts's.
 */
import { categoryOf, categoryTable, type Category } from '#domain/categories';
import { DomainError, invalidInput, notFound } from '#domain/errors';
import { hiddenFromPublic } from '#domain/moderation';
import type { Caller, ReportRecord } from '#domain/report';
import { fileReport } from '#flows/filing';
import { keyInForce, keyPrincipal } from '#flows/apikeys';
import { areasInForce } from '#flows/areas';
import type { CreateInput } from '#flows/reports';
import { attributesOf, attributesSent, one, WHERE_VALUES, type AttributeDef, type Fields } from '#domain/open311';
import { Event } from '#store/keys';
import { batchGetReports, getReportRecord, getReportStory, queryIndex, type ReportStory } from '#store/reports';

/** This deployment's jurisdiction_id (the spec suggests the city's web domain). */
export const jurisdiction = () => process.env.OPEN311_JURISDICTION || 'weishibao.local';

/** A jurisdiction_id that is given (empty counts as absent: the spec's "optional") must be ours. */
export function checkJurisdiction(id: string | undefined): void {
  if (id !== undefined && id.trim() !== '' && id.trim() !== jurisdiction()) throw notFound(`jurisdiction_id ${id.trim()}（本系统为 ${jurisdiction()}）`);
}

export function serviceOf(code: string): Category {
  const c = categoryOf(code);
  if (!c) throw notFound(`service_code ${code}`);
  return c;
}

/** May this report be read through Open311 at all: never an anonymous one, never one held back by moderation. */
export const listable = (r: ReportRecord): boolean => !r.anonymous && !hiddenFromPublic(r.moderation);

// ── filing ───────────────────────────────────────────────────────────────────────────────────

const MAX_DESCRIPTION = 4000;

function number(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const x = Number(raw);
  if (!Number.isFinite(x) || x < min || x > max) throw invalidInput(`${name} 须为 ${min} 到 ${max} 之间的数`, { field: name });
  return x;
}

function text(name: string, raw: string | undefined, max: number): string | undefined {
  if (raw !== undefined && raw.length > max) throw invalidInput(`${name} 不能超过 ${max} 个字符`, { field: name });
  return raw;
}

/** The attributes sent, checked against the service definition (unknown codes, values, types, required ones). */
function checkAttributes(c: Category, sent: Record<string, string[]>): Record<string, string[]> {
  const defs = new Map<string, AttributeDef>(attributesOf(c).map((a) => [a.code, a]));
  for (const [code, values] of Object.entries(sent)) {
    const d = defs.get(code);
    const field = `attribute[${code}]`;
    if (!d) throw invalidInput(`${field}：服务 ${c.code} 没有这个属性`, { field });
    if (d.datatype !== 'multivaluelist' && values.length > 1) throw invalidInput(`${field} 只能有一个值`, { field });
    if (d.values && values.some((v) => !d.values!.some((x) => x.key === v))) throw invalidInput(`${field} 的值须为 ${d.values.map((x) => x.key).join(' / ')}`, { field });
    if (d.datatype === 'number' && !/^-?\d+$/.test(values[0]!)) throw invalidInput(`${field} 须为整数`, { field });
  }
  const missing = [...defs.values()].filter((d) => d.required && !sent[d.code]?.length);
  if (missing.length) throw invalidInput(`缺少必填属性：${missing.map((d) => `attribute[${d.code}]（${d.description}）`).join('、')}`, { field: `attribute[${missing[0]!.code}]` });
  return sent;
}

const compact = (s: string) => s.replace(/\s+/g, '').toLowerCase();

/**
 * A building of the register for an address as people write it ("深南花园3栋", or the register's
 * full "粤海街道科技园社区深南花园3栋", with a city in front or not); refused when none or several fit.
 */
async function buildingOfAddress(address: string): Promise<string> {
  const { places } = await areasInForce();
  const needle = compact(address);
  const forms = (b: { name: string; address: string; label: string }) => [b.name, b.address, b.label].map(compact);
  const hits = places.search(address, {}, 10);
  const exact = hits.filter((b) => forms(b).includes(needle));
  if (exact.length === 1) return exact[0]!.id;
  if (hits.length === 1) return hits[0]!.id;
  // the register's address (or name) at the end of a longer one: the longest such, if only one
  let best: { id: string; len: number; tie: boolean } | null = null;
  for (const b of places.search('', {}, Number.MAX_SAFE_INTEGER)) {
    for (const f of forms(b).slice(0, 2)) {
      if (!needle.endsWith(f)) continue;
      if (!best || f.length > best.len) best = { id: b.id, len: f.length, tie: false };
      else if (f.length === best.len && best.id !== b.id) best.tie = true;
    }
  }
  if (best && !best.tie) return best.id;
  const some = hits.slice(0, 3).map((b) => b.name);
  throw invalidInput(
    some.length > 1
      ? `address_string「${address}」对应多个楼栋（${some.join('、')}…），请写明楼栋，或改用 address_id、lat/long`
      : `address_string「${address}」不在标准地址库中，请改用 lat/long 或 address_id`,
    { field: 'address_string' },
  );
}

function callerOf(fields: Fields): Caller | undefined {
  const first = text('first_name', one(fields, 'first_name'), 50);
  const last = text('last_name', one(fields, 'last_name'), 50);
  const phone = one(fields, 'phone');
  const email = text('email', one(fields, 'email'), 200);
  if (phone !== undefined && !/^[0-9+\-() ]{3,20}$/.test(phone)) throw invalidInput('phone 须为 3–20 位电话号码', { field: 'phone' });
  if (email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(email)) throw invalidInput('email 格式不正确', { field: 'email' });
  if (!first && !last && !phone && !email) return undefined;
  // Chinese names are written family name first; a Latin one "first last"
  const name = [first, last].every((s) => !s || /^[\p{Script=Han}]+$/u.test(s)) ? `${last ?? ''}${first ?? ''}` : [first, last].filter(Boolean).join(' ');
  return { name: name || '（未留姓名）', phone: phone ?? '', ...(email ? { email } : {}) };
}

/** The report a POST requests body asks for (throws 400 naming the field). */
async function inputOf(fields: Fields, apiKeyId: string): Promise<CreateInput> {
  const code = one(fields, 'service_code');
  if (!code) throw invalidInput('缺少 service_code', { field: 'service_code' });
  const c = categoryOf(code);
  if (!c) throw invalidInput(`未知的 service_code：${code}（见 services.xml）`, { field: 'service_code' });
  const attributes = checkAttributes(c, attributesSent(fields));
  const lat = number('lat', one(fields, 'lat'), -90, 90);
  const lng = number('long', one(fields, 'long'), -180, 180);
  if ((lat === undefined) !== (lng === undefined)) throw invalidInput('lat 和 long 须同时给出', { field: lat === undefined ? 'lat' : 'long' });
  const addressString = text('address_string', one(fields, 'address_string'), 200);
  let buildingId = text('address_id', one(fields, 'address_id'), 100);
  if (!buildingId && lat === undefined && addressString) buildingId = await buildingOfAddress(addressString);
  if (!buildingId && lat === undefined) throw invalidInput('请给出位置：lat 和 long（WGS-84），或 address_string，或 address_id', { field: 'lat' });
  const mediaUrl = text('media_url', one(fields, 'media_url'), 2000);
  if (mediaUrl !== undefined && !/^https?:\/\/\S+$/i.test(mediaUrl)) throw invalidInput('media_url 须为 http(s) 链接', { field: 'media_url' });
  const where = attributes.where?.map((k) => WHERE_VALUES.find((v) => v.key === k)!.name);
  const said = text('description', one(fields, 'description'), MAX_DESCRIPTION) ?? c.name;
  const caller = callerOf(fields);
  return {
    category: c.code,
    description: where?.length ? `${said}\n发现位置：${where.join('、')}` : said,
    ...(lat !== undefined ? { location: { lat, lng: lng!, datum: 'wgs84' as const } } : {}),
    ...(buildingId ? { buildingId } : {}),
    ...(attributes.unit ? { unit: text('attribute[unit]', attributes.unit[0], 10) } : {}),
    ...(attributes.floor ? { floor: number('attribute[floor]', attributes.floor[0], -5, 200) } : {}),
    ...(addressString ? { address: addressString } : {}),
    photos: [],
    anonymous: false,
    source: 'open311',
    ...(caller ? { caller } : {}),
    ...(attributes.safety ? { safetyAnswer: attributes.safety[0] as 'yes' | 'no' } : {}),
    open311: {
      apiKeyId,
      attributes,
      mediaUrl: mediaUrl ?? null,
      accountId: text('account_id', one(fields, 'account_id'), 100) ?? null,
      deviceId: text('device_id', one(fields, 'device_id'), 100) ?? null,
    },
  };
}

export interface Filed {
  report: ReportRecord;
  replayed: boolean;
  accountId: string | null;
}

/** POST requests: 403 without a key in force, then the filing everyone goes through. */
export async function fileRequest(apiKey: string | undefined, fields: Fields, idempotencyKey: string | undefined, now: Date): Promise<Filed> {
  const key = await keyInForce(apiKey);
  if (!key) throw new DomainError('forbidden', apiKey ? 'api_key 无效或已吊销' : '缺少 api_key（由管理员签发）', { field: 'api_key' });
  const input = await inputOf(fields, key.id);
  const filed = await fileReport(keyPrincipal(key), input, idempotencyKey, now);
  const report = await getReportRecord(filed.reportId);
  if (!report) throw new Error(`open311: report ${filed.reportId} filed but not found`);
  return { report, replayed: filed.replayed, accountId: input.open311!.accountId };
}

// ── reading ──────────────────────────────────────────────────────────────────────────────────

/** The spec's default window and this server's page cap. */
export const WINDOW_DAYS = 90;
export const MAX_PAGE = 1000;
const DAY_MS = 86_400_000;
const STORIES_AT_ONCE = 16;

const chinaDay = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);

async function storiesOf(reports: readonly ReportRecord[]): Promise<ReportStory[]> {
  const out: ReportStory[] = new Array(reports.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(STORIES_AT_ONCE, reports.length) }, async () => {
      for (let i = next++; i < reports.length; i = next++) {
        const s = await getReportStory(reports[i]!.id);
        out[i] = s ?? { report: reports[i]!, events: [], members: [], ratings: [], assistSteps: [] };
      }
    }),
  );
  return out;
}

export async function requestById(id: string): Promise<ReportStory> {
  const story = await getReportStory(id);
  if (!story || !listable(story.report)) throw notFound(`service_request_id ${id}`);
  return story;
}

export interface RequestQuery {
  ids?: string[] | undefined;
  serviceCodes?: string[] | undefined;
  statuses?: Array<'open' | 'closed'> | undefined;
  start?: Date | undefined;
  end?: Date | undefined;
  limit: number;
  cursor?: string | undefined;
}

const statusOk = (q: RequestQuery, open: 'open' | 'closed') => !q.statuses?.length || q.statuses.includes(open);

/**
 * GET requests: by ids (the spec: overrides every other argument), else newest first within
 * [start, end] — the 90 days before `end` (or now) when not given; a span over 90 days is
 * refused — filtered by service code and status, at most `limit`, then a cursor for the rest.
 */
export async function findRequests(q: RequestQuery, openOf: (r: ReportRecord) => 'open' | 'closed', now: Date): Promise<{ stories: ReportStory[]; cursor: string | null }> {
  if (q.ids?.length) {
    const reports = (await batchGetReports([...new Set(q.ids)])).filter(listable);
    return { stories: await storiesOf(reports), cursor: null };
  }
  const end = q.end ?? (q.start ? new Date(Math.min(now.getTime(), q.start.getTime() + WINDOW_DAYS * DAY_MS)) : now);
  const start = q.start ?? new Date(end.getTime() - WINDOW_DAYS * DAY_MS);
  if (start > end) throw invalidInput('start_date 须早于 end_date', { field: 'start_date' });
  if (end.getTime() - start.getTime() > WINDOW_DAYS * DAY_MS) throw invalidInput(`start_date 与 end_date 相隔不能超过 ${WINDOW_DAYS} 天`, { field: 'end_date' });
  const codes = q.serviceCodes?.length ? new Set(q.serviceCodes) : null;
  const from = start.toISOString();
  const to = end.toISOString();
  // the cursor: the China day being read and the index's cursor inside it
  let day = chinaDay(end.getTime());
  let inner: string | undefined;
  if (q.cursor) {
    const m = /^(\d{4}-\d{2}-\d{2})~(.*)$/.exec(Buffer.from(q.cursor, 'base64url').toString('utf8'));
    if (!m) throw invalidInput('cursor 无效，请从第一页重新获取', { field: 'cursor' });
    day = m[1]!;
    inner = m[2] || undefined;
  }
  const firstDay = chinaDay(start.getTime());
  const found: ReportRecord[] = [];
  while (day >= firstDay && found.length < q.limit) {
    const page = await queryIndex(Event.partition('requestsOfDay', { chinaDay: day }), { limit: q.limit - found.length, cursor: inner, descending: true, skBetween: [from, to] });
    for (const item of page.items) {
      if (item.type !== 'report') continue;
      const { type: _t, ...r } = item;
      const report = r as unknown as ReportRecord;
      if (listable(report) && (!codes || codes.has(report.category)) && statusOk(q, openOf(report))) found.push(report);
    }
    if (page.cursor) inner = page.cursor;
    else {
      inner = undefined;
      day = chinaDay(Date.parse(`${day}T00:00:00+08:00`) - DAY_MS);
    }
  }
  const more = day >= firstDay;
  return { stories: await storiesOf(found), cursor: more ? Buffer.from(`${day}~${inner ?? ''}`).toString('base64url') : null };
}

export { categoryTable };
