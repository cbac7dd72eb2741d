/**
 * WeChat subscribe-message permission, asked at the moment it makes sense: a resident who has
 * just filed a report is asked for the one-time templates that tell them about it (progress
 * milestones and the survey); long-term templates (staff tasks, escalations) need no tap, so
 * staff are never prompted. Only weapp has `requestSubscribeMessage`: h5 skips all of it.
 */
import Taro from '@tarojs/taro';
import { api } from './api';
import type { Me, SubscribeTemplate } from './types';

/** The one-time templates a resident is asked for after filing. */
const RESIDENT_KINDS: readonly SubscribeTemplate['kind'][] = ['progress', 'survey'];

/** Which template ids to ask this person for (WeChat takes at most 3 per prompt). */
export function templatesToRequest(me: Pick<Me, 'role' | 'subscribeTemplates'>): string[] {
  if (me.role !== 'resident') return [];
  return (me.subscribeTemplates ?? [])
    .filter((t) => !t.longTerm && RESIDENT_KINDS.includes(t.kind) && t.templateId)
    .map((t) => t.templateId)
    .slice(0, 3);
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

/**
 * Asks (weapp only) and records what was accepted. Never throws: a refusal, a closed prompt or a
 * failed request must not stop the person from seeing their report. Resolves with what was recorded.
 */
export async function askToSubscribe(me: Pick<Me, 'role' | 'subscribeTemplates'> | null, deps: SubscribeDeps = {}): Promise<string[]> {
  const env = deps.env ?? process.env.TARO_ENV;
  if (env !== 'weapp' || !me) return [];
  const tmplIds = templatesToRequest(me);
  if (!tmplIds.length) return [];
  try {
    const request = deps.request ?? ((ids: string[]) => Taro.requestSubscribeMessage({ tmplIds: ids } as Taro.requestSubscribeMessage.Option) as unknown as Promise<Record<string, unknown>>);
    const accepted = acceptedIn(tmplIds, await request(tmplIds));
    if (accepted.length) await (deps.record ?? api.subscriptions)(accepted);
    return accepted;
  } catch {
    return [];
  }
}
