import { describe, expect, it, vi } from 'vitest';
import { acceptedIn, askStaffReminders, askToSubscribe, remindersOn, staffTemplatesToRequest, templatesToRequest } from './subscribe';
import type { Me, SubscribeTemplate } from './types';

const TEMPLATES: SubscribeTemplate[] = [
  { kind: 'task', templateId: 'tpl-task', longTerm: true },
  { kind: 'escalation', templateId: 'tpl-escalation', longTerm: true },
  { kind: 'progress', templateId: 'tpl-progress', longTerm: false },
  { kind: 'survey', templateId: 'tpl-survey', longTerm: false },
];
const resident: Pick<Me, 'role' | 'subscribeTemplates'> = { role: 'resident', subscribeTemplates: TEMPLATES };
const worker: Pick<Me, 'role' | 'subscribeTemplates'> = { role: 'grid_worker', subscribeTemplates: TEMPLATES };

describe('subscribe-message permission', () => {
  it('asks residents for the one-time progress and survey templates only', () => {
    expect(templatesToRequest(resident)).toEqual(['tpl-progress', 'tpl-survey']);
  });

  it("the resident's prompt is never made to staff; staff are asked for their task and escalation templates", () => {
    for (const role of ['grid_worker', 'grid_leader', 'police_officer', 'dispatcher', 'admin'] as const) {
      expect(templatesToRequest({ role, subscribeTemplates: TEMPLATES })).toEqual([]);
      expect(staffTemplatesToRequest({ role, subscribeTemplates: TEMPLATES })).toEqual(['tpl-task', 'tpl-escalation']);
    }
    expect(staffTemplatesToRequest(resident)).toEqual([]);
  });

  it('a community responder is asked for the task template (offers are pushed with it) and, after filing, like a resident', () => {
    const volunteer = { role: 'volunteer' as const, subscribeTemplates: TEMPLATES };
    expect(staffTemplatesToRequest(volunteer)).toEqual(['tpl-task']);
    expect(templatesToRequest(volunteer)).toEqual(['tpl-progress', 'tpl-survey']);
    expect(remindersOn({ role: 'volunteer', subscribeTemplates: TEMPLATES.map((t) => (t.kind === 'task' ? { ...t, granted: false } : t)) })).toBe(false);
  });

  it('never mixes long-term and one-time templates in one staff prompt (WeChat refuses that)', () => {
    const mixed: SubscribeTemplate[] = [
      { kind: 'task', templateId: 'tpl-task', longTerm: false },
      { kind: 'escalation', templateId: 'tpl-escalation', longTerm: true },
    ];
    expect(staffTemplatesToRequest({ role: 'grid_worker', subscribeTemplates: mixed })).toEqual(['tpl-task']);
  });

  it("staff reminders are on when the task template is granted; unknown when the backend does not say", () => {
    const granted = (g?: boolean) => ({ role: 'grid_worker' as const, subscribeTemplates: TEMPLATES.map((t) => (t.kind === 'task' && g !== undefined ? { ...t, granted: g } : t)) });
    expect(remindersOn(granted(true))).toBe(true);
    expect(remindersOn(granted(false))).toBe(false);
    expect(remindersOn(granted())).toBeUndefined();
    expect(remindersOn(resident)).toBeUndefined();
    expect(remindersOn(null)).toBeUndefined();
  });

  it('staff: asked on their tap in weapp, what they accepted recorded', async () => {
    const request = vi.fn(async () => ({ 'tpl-task': 'accept', 'tpl-escalation': 'reject' }));
    const record = vi.fn(async () => undefined);
    await expect(askStaffReminders(worker, { env: 'weapp', request, record })).resolves.toEqual(['tpl-task']);
    expect(request).toHaveBeenCalledWith(['tpl-task', 'tpl-escalation']);
    expect(record).toHaveBeenCalledWith(['tpl-task']);
    await expect(askStaffReminders(worker, { env: 'h5', request, record })).resolves.toEqual([]);
    expect(request).toHaveBeenCalledTimes(1);
  });

  it('asks nothing when the backend sends no templates', () => {
    expect(templatesToRequest({ role: 'resident' })).toEqual([]);
  });

  it('records only what was accepted', () => {
    expect(acceptedIn(['a', 'b', 'c'], { a: 'accept', b: 'reject', c: 'ban', errMsg: 'requestSubscribeMessage:ok' })).toEqual(['a']);
    expect(acceptedIn(['a'], null)).toEqual([]);
  });

  it('in weapp prompts a resident and posts the accepted ids', async () => {
    const request = vi.fn(async () => ({ 'tpl-progress': 'accept', 'tpl-survey': 'reject' }));
    const record = vi.fn(async () => undefined);
    await expect(askToSubscribe(resident, { env: 'weapp', request, record })).resolves.toEqual(['tpl-progress']);
    expect(request).toHaveBeenCalledWith(['tpl-progress', 'tpl-survey']);
    expect(record).toHaveBeenCalledWith(['tpl-progress']);
  });

  it('posts nothing when everything was refused, and never throws', async () => {
    const record = vi.fn(async () => undefined);
    await expect(askToSubscribe(resident, { env: 'weapp', request: async () => ({ 'tpl-progress': 'reject', 'tpl-survey': 'reject' }), record })).resolves.toEqual([]);
    await expect(askToSubscribe(resident, { env: 'weapp', request: async () => Promise.reject({ errMsg: 'fail' }), record })).resolves.toEqual([]);
    expect(record).not.toHaveBeenCalled();
  });

  it("does nothing in h5, and never asks staff for the resident's templates", async () => {
    const request = vi.fn(async () => ({}));
    await askToSubscribe(resident, { env: 'h5', request });
    await askToSubscribe(worker, { env: 'weapp', request });
    expect(request).not.toHaveBeenCalled();
  });
});
