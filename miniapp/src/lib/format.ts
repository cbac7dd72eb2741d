/** Plain-Chinese formatting of times, deadlines and states. Times show in China time. */
import type { Status } from './types';
// THE role names are the backend's (a pure module, compiled into the app like geo/datum)
import { ROLE_NAMES as BACKEND_ROLE_NAMES } from '../../../functions/src/domain/roles';

const TZ_OFFSET_MS = 8 * 3_600_000; // Asia/Shanghai has no daylight saving

function chinaParts(iso: string) {
  const d = new Date(Date.parse(iso) + TZ_OFFSET_MS);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), min: d.getUTCMinutes() };
}
const pad = (n: number) => String(n).padStart(2, '0');

/** "11月23日 14:05" (this year) or "2025年11月23日 14:05" */
export function formatTime(iso: string | null | undefined, now = new Date()): string {
  if (!iso || Number.isNaN(Date.parse(iso))) return '—';
  const p = chinaParts(iso);
  const thisYear = chinaParts(now.toISOString()).y === p.y;
  return `${thisYear ? '' : `${p.y}年`}${p.m}月${p.d}日 ${pad(p.h)}:${pad(p.min)}`;
}

/** "还剩 1 小时 20 分" / "已超时 3 小时" for a deadline. */
export function countdown(dueAt: string | null | undefined, now = new Date()): { text: string; overdue: boolean } {
  if (!dueAt) return { text: '无时限', overdue: false };
  const ms = Date.parse(dueAt) - now.getTime();
  const abs = Math.abs(ms);
  const days = Math.floor(abs / 86_400_000);
  const hours = Math.floor((abs % 86_400_000) / 3_600_000);
  const mins = Math.floor((abs % 3_600_000) / 60_000);
  const span = days > 0 ? `${days} 天 ${hours} 小时` : hours > 0 ? `${hours} 小时 ${mins} 分` : `${Math.max(mins, ms < 0 ? 1 : 0)} 分钟`;
  return ms >= 0 ? { text: `还剩 ${span}`, overdue: false } : { text: `已超时 ${span}`, overdue: true };
}

export type Tone = 'blue' | 'orange' | 'green' | 'grey' | 'red';

/** Badge colour per state: waiting (orange), being handled (blue), done (green), ended (grey). */
export const STATUS_TONE: Record<Status, Tone> = {
  reported: 'orange',
  accepted: 'blue',
  dispatched: 'blue',
  in_progress: 'blue',
  resolved: 'green',
  verified: 'green',
  closed: 'green',
  rejected: 'grey',
  merged: 'grey',
};

export const ROLE_NAMES: Record<string, string> = BACKEND_ROLE_NAMES;

export const SCORE_NAMES: Record<string, string> = { satisfied: '满意', basically_satisfied: '基本满意', dissatisfied: '不满意' };

export function personName(p: { role: string; name: string } | null | undefined): string {
  if (!p) return '系统';
  const role = ROLE_NAMES[p.role] ?? '';
  if (p.role === 'resident') return '居民';
  // a responder is named by their kind ("平安志愿者"; staff read "平安志愿者 赵志愿"), never as a role
  if (p.role === 'volunteer') return p.name || role;
  return p.name && p.name !== role ? `${role} ${p.name}` : role;
}

export const percent = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${Math.round(v * 1000) / 10}%`);

export function minutes(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (v < 60) return `${Math.round(v)} 分钟`;
  if (v < 60 * 48) return `${Math.round((v / 60) * 10) / 10} 小时`;
  return `${Math.round((v / 1440) * 10) / 10} 天`;
}

/** "YYYY-MM-DD" China day, `daysAgo` before today */
export function chinaDay(daysAgo = 0, now = new Date()): string {
  return new Date(now.getTime() + TZ_OFFSET_MS - daysAgo * 86_400_000).toISOString().slice(0, 10);
}

/** The non-empty parts joined by " · " (no stray separator when a part is missing). */
export function joinParts(parts: ReadonlyArray<string | null | undefined | false>, sep = ' · '): string {
  return parts.filter((p): p is string => typeof p === 'string' && p.trim() !== '').join(sep);
}

const OPEN_FOR_RESIDENT = ['reported', 'accepted', 'dispatched', 'in_progress'];

/** Whole hours from one time to another ("24" for a 24-hour limit). */
const hoursBetween = (from: string, to: string) => Math.max(1, Math.round((Date.parse(to) - Date.parse(from)) / 3_600_000));

export interface Expected {
  /** "预计 24 小时内处理完毕" / "已超过处理时限 3 小时" */
  headline: string;
  /** "最迟 11月24日 14:05 前 · 还剩 23 小时 59 分" */
  detail: string;
  overdue: boolean;
}

/**
 * What a resident is told about time: how long handling is expected to take (the category's
 * limits, counted from the report time), the latest time, and whether it is late. Null once the
 * work is done or the report has ended.
 */
export function expectedOf(
  r: { status: Status; createdAt: string; deadlines: { acceptBy: string; resolveBy: string }; dueAt: string | null; overdue: boolean },
  now = new Date(),
): Expected | null {
  if (!OPEN_FOR_RESIDENT.includes(r.status)) return null;
  const resolveHours = hoursBetween(r.createdAt, r.deadlines.resolveBy);
  const waitingAcceptance = r.status === 'reported';
  const due = countdown(r.dueAt ?? (waitingAcceptance ? r.deadlines.acceptBy : r.deadlines.resolveBy), now);
  if (r.overdue || due.overdue) {
    const stage = waitingAcceptance ? '受理' : '处理';
    return {
      headline: `已超过${stage}时限 ${due.text.replace(/^已超时 /, '')}`,
      detail: `${stage}时限为 ${formatTime(waitingAcceptance ? r.deadlines.acceptBy : r.deadlines.resolveBy, now)}；超时的事项会升级督办`,
      overdue: true,
    };
  }
  const accept = waitingAcceptance ? `${hoursBetween(r.createdAt, r.deadlines.acceptBy)} 小时内受理，` : '';
  return {
    headline: `预计 ${accept}${resolveHours} 小时内处理完毕`,
    detail: joinParts([`最迟 ${formatTime(r.deadlines.resolveBy, now)} 前`, waitingAcceptance ? null : due.text]),
    overdue: false,
  };
}
