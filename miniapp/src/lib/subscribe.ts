/**
 * WeChat subscribe-message permission, asked at the moment it makes sense, and only on a tap
 * (requestSubscribeMessage works only from one):
 * - residents, right after filing a report, for the one-time templates that tell them about it
 *   (progress milestones and the survey);
 * - staff, for their task and escalation templates: at first sign-in (the inbox offers it once,
 *   prominently) and from the reminder setting in their inbox at any time. Where the account may
 *   use long-term templates one "allow" covers every later task; until then tasks stay in the
 *   in-app inbox, and the app says so ("未开启微信提醒，任务只在此处显示");
 * - community responders (volunteer), for the task template alone — their assist offers are
 *   pushed with it — from their offers page (the same setting); after filing, like residents.
 * What was accepted is recorded with POST /v1/me/subscriptions. Only weapp has
 * requestSubscribeMessage: h5 asks nothing (and says where reminders can be turned on).
 */
import Taro from '@tarojs/taro';
import { api } from './api';
import { storage } from './storage';
import { isResidentSide } from './responders';
import type { Me, SubscribeTemplate } from './types';

/** The one-time templates a resident is asked for after filing. */
const RESIDENT_KINDS: readonly SubscribeTemplate['kind'][] = ['progress', 'survey'];
/** What staff are asked for: their tasks, and escalations of overdue work. */
const STAFF_KINDS: readonly SubscribeTemplate['kind'][] = ['task', 'escalation'];
/** WeChat takes at most 3 ids per prompt. */
const MAX_PER_PROMPT = 3;

type Who = Pick<Me, 'role' | 'subscribeTemplates'>;

/**
 * Who is asked for the task template: staff, and community responders (volunteer), whose assist
 * offers are pushed with it. A responder is also asked, like a resident, after filing.
 */
const getsTasks = (role: Me['role']) => role !== 'resident';

/** Which template ids to ask a resident (or a responder, on their resident side) for after filing. */
export function templatesToRequest(me: Who): string[] {
  if (!isResidentSide(me.role)) return [];
  return (me.subscribeTemplates ?? [])
    .filter((t) => !t.longTerm && RESIDENT_KINDS.includes(t.kind) && t.templateId)
    .map((t) => t.templateId)
    .slice(0, MAX_PER_PROMPT);
}

/**
 * Which template ids to ask staff for. A prompt may not mix long-term and one-time templates
 * (requestSubscribeMessage's rule), so it asks for the kind of the task template.
 */
export function staffTemplatesToRequest(me: Who): string[] {
  if (!getsTasks(me.role)) return [];
  const kinds: readonly SubscribeTemplate['kind'][] = me.role === 'volunteer' ? ['task'] : STAFF_KINDS;
  const mine = (me.subscribeTemplates ?? []).filter((t) => kinds.includes(t.kind) && t.templateId);
  const task = mine.find((t) => t.kind === 'task');
  if (!task) return [];
  return mine
    .filter((t) => t.longTerm === task.longTerm)
    .map((t) => t.templateId)
    .slice(0, MAX_PER_PROMPT);
}

/**
 * Are this person's tasks pushed to WeChat? Staff: the task template is granted (GET /v1/me).
 * undefined when the backend does not say (older backends): the app then shows nothing.
 */
export function remindersOn(me: Who | null): boolean | undefined {
  if (!me || !getsTasks(me.role)) return undefined;
  const task = me.subscribeTemplates?.find((t) => t.kind === 'task');
  return task?.granted;
}

/** The ids the person accepted, from requestSubscribeMessage's result (`{[id]: 'accept' | 'reject' | 'ban' | 'filter'}`). */
export function acceptedIn(requested: string[], result: Record<string, unknown> | null | undefined): string[] {
  if (!result) return [];
  return requested.filter((id) => result[id] === 'accept');
}

export interface SubscribeDeps {
  env?: string;
  request?: (tmplIds: string[]) => Promise<Record<string, unknown>>;
  record?: (templateIds: string[]) => Promise<unknown>;
}

async function ask(tmplIds: string[], deps: SubscribeDeps): Promise<string[]> {
  const env = deps.env ?? process.env.TARO_ENV;
  if (env !== 'weapp' || !tmplIds.length) return [];
  try {
    const request = deps.request ?? ((ids: string[]) => Taro.requestSubscribeMessage({ tmplIds: ids } as Taro.requestSubscribeMessage.Option) as unknown as Promise<Record<string, unknown>>);
    const accepted = acceptedIn(tmplIds, await request(tmplIds));
    if (accepted.length) await (deps.record ?? api.subscriptions)(accepted);
    return accepted;
  } catch {
    return [];
  }
}

/**
 * A resident, after filing: asks (weapp only) and records what was accepted. Never throws: a
 * refusal, a closed prompt or a failed request must not stop the person from seeing their report.
 * Resolves with what was recorded.
 */
export async function askToSubscribe(me: Who | null, deps: SubscribeDeps = {}): Promise<string[]> {
  return me ? ask(templatesToRequest(me), deps) : [];
}

/** Staff, on their tap: asks for the task reminders and records what was accepted. Never throws. */
export async function askStaffReminders(me: Who | null, deps: SubscribeDeps = {}): Promise<string[]> {
  return me ? ask(staffTemplatesToRequest(me), deps) : [];
}

/** The first-sign-in offer is made once per account on this device (then it lives in the setting). */
export const firstOffer = {
  due: (userId: string) => !storage.flag(`reminders-offered.${userId}`),
  done: (userId: string) => storage.setFlag(`reminders-offered.${userId}`),
};
