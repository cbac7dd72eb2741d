import { describe, expect, it, vi } from 'vitest';
import { acceptedIn, askToSubscribe, templatesToRequest } from './subscribe';
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

  it('never prompts staff: their templates are long-term', () => {
    for (const role of ['grid_worker', 'grid_leader', 'police_officer', 'dispatcher', 'admin'] as const) {
      expect(templatesToRequest({ role, subscribeTemplates: TEMPLATES })).toEqual([]);
    }
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

  it('does nothing in h5 or for staff', async () => {
    const request = vi.fn(async () => ({}));
    await askToSubscribe(resident, { env: 'h5', request });
    await askToSubscribe(worker, { env: 'weapp', request });
    expect(request).not.toHaveBeenCalled();
  });
});
