/**
 * Helpers for the area-rights tests: a test-side model of the area tree built from the PUBLIC
 * area list (GET /v1/areas, PRODUCT.md "People": city → district → street → community → grid;
 * station → beat; each grid in one beat), so "is this inside the caller's areas?" is answered
 * without asking the code under test; and "the table did not change" checks that say WHAT
 * changed when it did.
 */
import { expect } from 'vitest';
import type { Api, Res, TestStack } from './stack.ts';
import { fingerprint, scanAll } from './table.ts';

export interface PublicArea {
  id: string;
  level: string;
  parentId: string | null;
  beatId?: string;
  centroid: { lat: number; lng: number };
}

export class AreaModel {
  private byId = new Map<string, PublicArea>();
  constructor(areas: PublicArea[]) {
    for (const a of areas) this.byId.set(a.id, a);
  }

  static async load(api: Api): Promise<AreaModel> {
    const r = await api.get('/v1/areas');
    if (r.status !== 200) throw new Error(`GET /v1/areas ${r.status} ${r.text}`);
    return new AreaModel(r.json.items as PublicArea[]);
  }

  get(id: string): PublicArea {
    const a = this.byId.get(id);
    if (!a) throw new Error(`no area ${id}`);
    return a;
  }

  /** the area itself and every area above it by parentId */
  lineage(id: string): string[] {
    const out: string[] = [];
    for (let a = this.byId.get(id); a && !out.includes(a.id); a = a.parentId ? this.byId.get(a.parentId) : undefined) out.push(a.id);
    return out;
  }

  covers(ancestorId: string, id: string): boolean {
    return this.lineage(id).includes(ancestorId);
  }

  /** A place (a grid, and the beat it belongs to) is inside areaIds when one of them is the grid or beat or above either. */
  coversGrid(areaIds: readonly string[], gridId: string): boolean {
    const beatId = this.byId.get(gridId)?.beatId;
    return areaIds.some((a) => this.covers(a, gridId) || (beatId !== undefined && this.covers(a, beatId)));
  }
}

/** Waits for everything a request may have set off in the background (stream consumers, photo processing). */
export async function settle(stack: TestStack): Promise<void> {
  await stack.settleUploads();
  await stack.drainStream();
  // a second pass: a stream consumer's own writes are stream records too
  await stack.drainStream();
}

export async function tableState(stack: TestStack): Promise<string[]> {
  await settle(stack);
  return fingerprint(await scanAll());
}

/** What changed between two fingerprints, in a few readable lines (PK / SK / type of each item). */
export function describeChange(before: string[], after: string[]): string {
  const b = new Set(before);
  const a = new Set(after);
  const brief = (s: string) => {
    const i = JSON.parse(s) as Record<string, unknown>;
    return `${String(i.PK)} | ${String(i.SK)}${i.type ? ` (${String(i.type)})` : ''}${i.what ? ` what=${String(i.what)}` : ''}`;
  };
  const added = after.filter((x) => !b.has(x)).map(brief);
  const removed = before.filter((x) => !a.has(x)).map(brief);
  const changedKeys = new Set(added.filter((x) => removed.includes(x)));
  const lines = [
    ...[...changedKeys].map((k) => `changed: ${k}`),
    ...added.filter((x) => !changedKeys.has(x)).map((k) => `added:   ${k}`),
    ...removed.filter((x) => !changedKeys.has(x)).map((k) => `removed: ${k}`),
  ];
  return lines.length ? lines.slice(0, 30).join('\n') + (lines.length > 30 ? `\n… ${lines.length - 30} more` : '') : 'no change';
}

export function expectSameTable(before: string[], after: string[], label: string): void {
  const change = describeChange(before, after);
  expect(change, `${label}: the table must be byte-identical after a refused write`).toBe('no change');
  expect(after.length).toBe(before.length);
}

/** Status plus API.md's error body, with the body in the message. */
export function expectStatus(r: Res, status: number | readonly number[], label: string): void {
  const allowed = typeof status === 'number' ? [status] : status;
  expect(allowed, `${label} -> got ${r.status} ${r.text.slice(0, 300)}`).toContain(r.status);
}

/** Signs in through the WeChat stand-in as a brand-new (or returning) WeChat user. */
export async function wechatLogin(api: Api, openid: string): Promise<{ token: string; refreshToken: string; user: { id: string; role: string } }> {
  const r = await api.post('/v1/auth/wechat', { code: `dev:${openid}` });
  if (r.status !== 200) throw new Error(`wechat login ${openid}: ${r.status} ${r.text}`);
  return r.json;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * A staff account created by `admin` (POST /v1/admin/staff) and bound to a WeChat user with its
 * invite code (POST /v1/auth/bind), as a new colleague would do it. Returns the account and the
 * token the bind handed out.
 */
export async function createBoundStaff(
  api: Api,
  admin: string,
  account: { name: string; role: string; areaIds: string[] },
  openid: string,
): Promise<{ id: string; token: string }> {
  const created = await api.post('/v1/admin/staff', account, admin);
  if (created.status !== 201) throw new Error(`POST /v1/admin/staff ${created.status} ${created.text}`);
  const wx = await wechatLogin(api, openid);
  const bound = await api.call('POST', '/v1/auth/bind', { headers: bearer(wx.token), body: { inviteCode: created.json.inviteCode } });
  if (bound.status !== 200) throw new Error(`POST /v1/auth/bind ${bound.status} ${bound.text}`);
  return { id: created.json.id as string, token: bound.json.token as string };
}

/**
 * What a resident may see of a report they cannot open (API.md: nearby is for "我也遇到"; GET
 * /v1/reports/{id} is for the reporter, followers and staff): what kind of hazard, its state and
 * how far, the public grid it is in and its clock — never the description, address, exact
 * location, the photos' full images, reporter, handler or rating…
 *
 * …and what tells a neighbour it is the same hazard (issue 13, duplicates by building): the
 * building (never the unit), the place label, whether it is in the same building, and the first
 * photo that passed WeChat's check, as a short-lived thumbnail link.
 */
export const SAME_HAZARD_FIELDS = ['building', 'placeLabel', 'sameBuilding', 'thumbUrl'];
/** (see above) */
export const OTHERS_REPORT_FIELDS = ['id', 'category', 'categoryName', 'status', 'statusName', 'distanceMeters', 'following', 'followerCount', 'createdAt', 'grid', 'dueAt', 'overdue', 'dueSoon', ...SAME_HAZARD_FIELDS];
