/**
 * Reading the audit log, inside the reader's areas: a report's entries if the report is theirs,
 * an account's if they manage every area it is bound to, a whole China day only for an admin of
 * the whole city (a day holds entries of every street).
 */
import { notFound } from '#domain/errors';
import { rightsOf } from '#flows/rights';
import { listAudit, type AuditEntry } from '#store/audit';
import { getReportRecord, type Page } from '#store/reports';
import { getUser, type UserRecord } from '#store/users';

export type AuditQuery = { reportId: string } | { actorId: string } | { day: string };

export async function readAudit(user: UserRecord, by: AuditQuery, limit: number, cursor?: string): Promise<Page<AuditEntry>> {
  const rights = await rightsOf(user);
  if ('reportId' in by) {
    const r = await getReportRecord(by.reportId, false);
    if (!r) throw notFound('事项');
    rights.require(r, '该事项不在您的管辖范围');
  } else if ('actorId' in by) {
    const actor = by.actorId === user.id ? user : await getUser(by.actorId);
    if (!actor) throw notFound('账号');
    // a resident's entries (account deletion, ratings) are the city's to read
    if (actor.id !== user.id && (actor.areaIds.length === 0 || !actor.areaIds.every((id) => rights.may({ areaId: id })))) rights.require('city', '该账号不在您的管辖范围');
  } else {
    rights.require('city', '按日查看审计日志需要全市管理员');
  }
  return listAudit(by, limit, cursor);
}
