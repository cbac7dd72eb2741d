/**
 * Reading reports: one report's whole story for someone allowed to open it, a resident's own
 * and followed reports, open reports nearby ("我也遇到"), and the audited reveal of a reporter's
 * phone. Who may open a report: staff inside its areas, and its reporter and followers.
 */
import { DomainError, forbidden, notFound } from '#domain/errors';
import { isOpen } from '#domain/lifecycle';
import type { ReportRecord } from '#domain/report';
import { isStaff } from '#domain/roles';
import type { AreaTree } from '#geo/areas';
import { toWgs84, type Datum } from '#geo/datum';
import { candidates, type Candidate } from '#flows/duplicates';
import { rightsOf } from '#flows/rights';
import { limitItem } from '#flows/limits';
import { auditEntry, auditPut, writeAudit } from '#store/audit';
import { transact } from '#store/tx';
import { getReportRecord, getReportStory, reportsOfUser, type Page, type ReportStory } from '#store/reports';
import { getUser, type UserRecord } from '#store/users';

export type { ReportStory };

export interface OpenedReport {
  story: ReportStory;
  tree: AreaTree;
  /** the reporter's account, for staff (their masked phone); null when anonymous or for residents */
  reporter: UserRecord | null;
}

export async function openReport(viewer: UserRecord, reportId: string): Promise<OpenedReport> {
  const story = await getReportStory(reportId);
  if (!story) throw notFound('事项');
  const rights = await rightsOf(viewer);
  const r = story.report;
  if (isStaff(viewer.role)) rights.require(r, '该事项不在您的管辖范围');
  else if (!story.members.some((m) => m.userId === viewer.id)) throw forbidden('只能查看自己上报或关注的事项');
  const reporter = isStaff(viewer.role) && r.reporterId && !r.anonymous ? await getUser(r.reporterId) : null;
  return { story, tree: rights.tree, reporter };
}

/** Staff saw (masked) personal data: on the record, who and when. A read changes nothing else. */
export async function recordPersonalRead(viewer: UserRecord, reportId: string, field: string, now: Date): Promise<void> {
  await writeAudit(auditEntry({ at: now.toISOString(), what: 'read_personal', actorId: viewer.id, actorRole: viewer.role, reportId, detail: field, from: null, to: null }));
}

export async function myReports(user: UserRecord, limit: number, cursor?: string): Promise<Page<ReportRecord & { relation: 'reporter' | 'follower' }> & { tree: AreaTree }> {
  const [page, rights] = await Promise.all([reportsOfUser(user.id, limit, cursor), rightsOf(user)]);
  return { ...page, tree: rights.tree };
}

export interface Nearby extends Candidate {
  /** the caller may open it (staff of its areas, its reporter or a follower): details may be shown */
  mayOpen: boolean;
}

/**
 * Open reports of a category within 50 m or in the given building, same building first, then
 * nearest. Reports held back by moderation are left out, and so is everything outside a staff
 * member's areas; the caller is told which ones they may open, and the rest are shown without
 * details.
 */
export async function nearby(
  user: UserRecord,
  at: { lat: number; lng: number; datum?: Datum | undefined; buildingId?: string | undefined },
  category: string,
): Promise<{ items: Nearby[]; tree: AreaTree }> {
  const here = toWgs84({ lat: at.lat, lng: at.lng }, at.datum ?? 'gcj02');
  const rights = await rightsOf(user);
  const found = await candidates(category, here, at.buildingId ?? null);
  // Staff see nothing outside their areas; residents see others' reports without details (they
  // open only their own here: the ones they follow are in "mine" anyway).
  const items = isStaff(user.role)
    ? found.filter((n) => rights.may(n.report)).map((n) => ({ ...n, mayOpen: true }))
    : found.map((n) => ({ ...n, mayOpen: n.report.reporterId === user.id }));
  return { items, tree: rights.tree };
}

/**
 * The assignee may reveal the reporter's full number while the task is open — an explicit,
 * audited act (the masked number is what they normally see).
 */
export async function revealPhone(user: UserRecord, reportId: string, now: Date): Promise<string> {
  const r = await getReportRecord(reportId);
  if (!r) throw notFound('事项');
  (await rightsOf(user)).require(r, '该事项不在您的管辖范围');
  if (r.assignee?.id !== user.id || !isOpen(r.status)) throw forbidden('只有当前处理人在办理期间可以查看联系电话');
  if (r.anonymous) throw forbidden('匿名上报，不提供联系方式');
  const counted = await limitItem(user.id, 'reveals', now);
  const phone = r.caller?.phone ?? (r.reporterId ? (await getUser(r.reporterId))?.phone : null) ?? null;
  if (!phone) throw new DomainError('not_found', '联系电话不存在');
  // the reveal is on the record and counted, together
  await transact([auditPut(auditEntry({ at: now.toISOString(), what: 'reveal_phone', actorId: user.id, actorRole: user.role, reportId: r.id, detail: 'reporter.phone', from: null, to: null })), counted]);
  return phone;
}
