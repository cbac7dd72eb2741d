/**
 * What GeoReport v2 says of our categories and reports (pure): the service list and definitions
 * from the category table (service_code = category code), a report as a service request, and
 * the mapping of our states to the spec's two. Rendering is http/open311/format's.
 *
 * Privacy (PRODUCT.md "Privacy and trust", "Open to residents"): anonymous reports and reports
 * held back by moderation are never listed (the flow drops them); nobody's identity appears —
 * the reporter, the caller an Open311 client filed for, the handler's person. A resident's own
 * words and exact point are theirs: reports filed in the app show no description and are placed
 * at their building (or to ~100 m); what a city system filed through Open311 it reads back whole.
 */
import type { Category } from '#domain/categories';
import { isEnded, STATUS_NAMES, type Status } from '#domain/statuses';
import { placeLabelOf, type ReportRecord, type TimelineEvent } from '#domain/report';

/** A JSON value (what the spec's documents are made of; http/open311/format renders it as XML too). */
export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** W3C date-time as GeoReport v2 writes it: UTC with Z, whole seconds. */
export const w3c = (iso: string | null | undefined): string | null => (iso ? new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z') : null);

export const SPEC = 'http://wiki.open311.org/GeoReport_v2';

/** open: someone still has work to do; closed: it has been resolved (or turned down, merged). */
export function open311Status(s: Status): 'open' | 'closed' {
  return isEnded(s) || s === 'resolved' || s === 'verified' ? 'closed' : 'open';
}

/** Groups of the fixed category codes (the spec's `group`: several service types under one heading). */
const GROUP: Readonly<Record<string, string>> = {
  ebike_charging: '消防安全',
  fire_exit_blocked: '消防安全',
  fire_equipment: '消防安全',
  unsafe_wiring: '消防安全',
  open_fire: '消防安全',
  gas_hazard: '燃气安全',
  public_security: '治安',
  dispute: '矛盾纠纷',
};

/** Where in a building a hazard was seen (a multivaluelist every service has). */
export const WHERE_VALUES: ReadonlyArray<{ key: string; name: string }> = [
  { key: 'stairwell', name: '楼道' },
  { key: 'indoor', name: '室内' },
  { key: 'basement', name: '地下室、车库' },
  { key: 'shop', name: '商铺' },
  { key: 'outdoor', name: '室外公共区域' },
];

const SIDE = { grid: '网格员', police: '社区民警' } as const;

export function serviceNotice(c: Pick<Category, 'lead' | 'acceptHours' | 'resolveHours'>): string {
  return `由${SIDE[c.lead]}处理：${c.acceptHours} 小时内受理，${c.resolveHours} 小时内办结。如有紧急危险请立即拨打 119 或 110。`;
}

export function service(c: Category): Json {
  return {
    service_code: c.code,
    service_name: c.name,
    description: `${c.name}。${serviceNotice(c)}`,
    // every service has attributes (place in the building; some a safety question)
    metadata: true,
    type: 'realtime',
    keywords: c.name.split(/[（）、，,()]+/).map((s) => s.trim()).filter(Boolean).join(', '),
    group: GROUP[c.code] ?? '其他',
  };
}

export interface AttributeDef {
  code: string;
  datatype: 'string' | 'number' | 'singlevaluelist' | 'multivaluelist';
  required: boolean;
  description: string;
  values?: ReadonlyArray<{ key: string; name: string }>;
}

/** The attributes of a service: the category's safety question first, then where in the building. */
export function attributesOf(c: Category): AttributeDef[] {
  const out: AttributeDef[] = [];
  if (c.safetyQuestion) {
    out.push({ code: 'safety', datatype: 'singlevaluelist', required: true, description: c.safetyQuestion.question, values: [{ key: 'yes', name: '是' }, { key: 'no', name: '否' }] });
  }
  out.push(
    { code: 'where', datatype: 'multivaluelist', required: false, description: '发现位置（可多选）', values: WHERE_VALUES },
    { code: 'unit', datatype: 'string', required: false, description: '单元（如 2单元）' },
    { code: 'floor', datatype: 'number', required: false, description: '楼层（地下为负数）' },
  );
  return out;
}

export function serviceDefinition(c: Category): Json {
  return {
    service_code: c.code,
    attributes: attributesOf(c).map((a, i) => ({
      variable: true,
      code: a.code,
      datatype: a.datatype,
      required: a.required,
      datatype_description: a.datatype === 'number' ? '整数' : null,
      order: i + 1,
      description: a.description,
      ...(a.values ? { values: a.values.map((v) => ({ key: v.key, name: v.name })) } : {}),
    })),
  };
}

/** The latest note of the timeline (what the resident reads there too); null when none has one. */
export function statusNotes(events: readonly TimelineEvent[]): string | null {
  const sorted = [...events].sort((a, b) => b.version - a.version || b.seq - a.seq);
  return sorted.find((e) => e.note?.trim())?.note?.trim() ?? null;
}

/** When a closed request was closed (the spec's updated_datetime for status=closed). */
function closedAt(r: ReportRecord): string {
  if (r.status === 'closed') return r.closedAt ?? r.updatedAt;
  if (r.status === 'resolved' || r.status === 'verified') return r.resolvedAt ?? r.updatedAt;
  return r.endedAt ?? r.updatedAt;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** A report as a GeoReport v2 service request (`events`: its timeline, for status_notes). */
export function serviceRequest(r: ReportRecord, events: readonly TimelineEvent[], categoryName: string, notice: string | null): Json {
  const status = open311Status(r.status);
  const own = r.source === 'open311';
  const at = own ? r.location : r.building ? null : { lat: round3(r.location.lat), lng: round3(r.location.lng) };
  // an app report is placed at its building, as the public map places it
  const point = at ?? r.location;
  return {
    service_request_id: r.id,
    status,
    status_notes: statusNotes(events) ?? STATUS_NAMES[r.status],
    service_name: categoryName,
    service_code: r.category,
    description: own ? r.description : null,
    agency_responsible: `${r.gridName} · ${r.beatName}`,
    service_notice: notice,
    requested_datetime: w3c(r.createdAt),
    updated_datetime: w3c(status === 'closed' ? closedAt(r) : r.updatedAt),
    expected_datetime: w3c(r.resolveBy),
    // what the city system wrote, read back; an app report by its place's label, as the public map shows it
    address: (own ? r.address : null) ?? placeLabelOf(r),
    address_id: r.building?.id ?? null,
    zipcode: null,
    lat: point.lat,
    long: point.lng,
    media_url: own ? (r.open311?.mediaUrl ?? null) : null,
  };
}

/** The spec's one error element. */
export const errorItem = (code: number, description: string): Json => ({ code, description });

// ── a POST's fields (http/open311/body reads them from any of its encodings) ─────────────────

/** The fields of a POST requests body, in order, repeated keys repeated, empty values dropped. */
export type Fields = Array<[string, string]>;

/**
 * Attributes as the spec sends them — `attribute[CODE]=v`, `attribute[CODE][]=v` (multivaluelist)
 * and the same key repeated — gathered per code, values in order.
 */
export function attributesSent(fields: Fields): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of fields) {
    const m = /^attribute\[([^\]]+)\](?:\[\d*\])?$/.exec(k);
    if (m) (out[m[1]!] ??= []).push(v);
  }
  return out;
}

/** The one value of a field (the last one given wins, as form parsers usually read it), or undefined. */
export function one(fields: Fields, name: string): string | undefined {
  let v: string | undefined;
  for (const [k, x] of fields) if (k === name) v = x;
  return v;
}
