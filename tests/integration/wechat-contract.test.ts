/**
 * The whole system against a WeChat stand-in as strict as WeChat, message push in safe mode:
 * - the template configuration is checked against the account's template list before the first
 *   push, and a mismatch sends nothing (loudly: the push fails, is retried, is set aside);
 * - pushes WeChat would refuse are refused with its errcode and handled as that answer means:
 *   a page the built app lacks (41030) and a template key the account's template does not have
 *   (47003) are final — 'failed', dead-lettered, not retried —; a long-term template the user no
 *   longer accepts (43101) leaves the inbox only and revokes the acceptance;
 * - media verdicts arrive encrypted, as XML or JSON, and are decrypted and applied: pass, risky,
 *   and errcode -1008 (WeChat could not download the photo: unchecked, with the reason, reviewed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { phonePhoto, pointIn, GRID, RESIDENT, WORKER } from '../support/fixtures.ts';
import { acceptSubscriptions, TASK_TEMPLATES } from '../support/wechat.ts';
import { pushSignature } from '../../functions/src/notify/wechat-push.ts';
import type { AccountTemplate } from '../../functions/local/wechat-standin.ts';

const AES_KEY = 'Wsb0LocalSafeModeKeyForTests0123456789abcde';
const ADMIN = 'u-admin';
process.env.NOTIFY_RETRY_DELAYS_MS = '0,20,40,80';
process.env.PUSH_REDELIVERY_MS = '20';

let stack: TestStack;
let location: { lat: number; lng: number };
let account: AccountTemplate[];
let resetTemplateCheck: () => void;
let getUpload: (id: string) => Promise<{ moderation?: string; moderationNote?: string } | null>;

beforeAll(async () => {
  // both sides in safe mode: the backend's secrets and the stand-in read the same key
  process.env.WECHAT_ENCODING_AES_KEY = AES_KEY;
  stack = await startTestStack();
  location = await pointIn(stack.api, GRID);
  account = stack.wechat.control.state().templates;
  ({ resetTemplateCheck } = await import('../../functions/src/notify/template-check.ts'));
  ({ getUpload } = await import('../../functions/src/store/uploads.ts'));
});
afterAll(async () => {
  await stack?.stop();
  delete process.env.WECHAT_ENCODING_AES_KEY;
});

const openid = (userId: string) => `o-${userId}`;

async function task(): Promise<string> {
  const r = await stack.api.post('/v1/reports', { category: 'fire_exit_blocked', description: '安全出口被杂物堵住', location }, RESIDENT);
  expect(r.status, r.text).toBe(201);
  await stack.drainStream();
  return r.json.id as string;
}

const sendsFor = (reportId: string) => stack.wechat.messages().filter((m) => m.touser === openid(WORKER) && m.page === `staff/task/index?id=${reportId}`);
const itemFor = async (reportId: string) => ((await stack.api.get('/v1/inbox?limit=100', WORKER)).json.items as { reportId: string; push: string }[]).find((i) => i.reportId === reportId);
const deadLetterFor = async (reportId: string) =>
  ((await stack.api.get('/v1/admin/push/dead-letters?limit=100', ADMIN)).json.items as { reportId: string; errcode: number; attempts: number }[]).filter((d) => d.reportId === reportId);
const withTemplate = (id: string, change: Partial<AccountTemplate>) => account.map((t) => (t.id === id ? { ...t, ...change, content: undefined } : t)) as AccountTemplate[];

describe('pushes WeChat accepts', () => {
  it('a configuration that does not match the account sends nothing: checked against gettemplate before the first push', async () => {
    await acceptSubscriptions(stack, WORKER, TASK_TEMPLATES);
    // someone changed the task template's keywords in the console: thing4 is now thing5
    stack.wechat.control.setTemplates(withTemplate('tpl-task', { keys: ['thing1', 'thing2', 'time3', 'thing5'] }));
    const id = await task();
    const s = stack.wechat.control.state();
    expect(s.calls.template_list).toBeGreaterThanOrEqual(1);
    expect(s.calls.send).toBe(0);
    // not failed, not dead-lettered: the push is owed, and waits for a deploy that fixes the configuration
    expect((await itemFor(id))?.push).toBe('pending');
    expect(await deadLetterFor(id)).toEqual([]);
    stack.wechat.control.setTemplates(account);
    resetTemplateCheck();
  });

  it('a page the built app does not have: 41030, final — failed and dead-lettered after one attempt', async () => {
    const pages = stack.wechat.control.state().pages;
    expect(pages).toContain('staff/task/index');
    stack.wechat.control.setPages(pages.filter((p) => !p.startsWith('staff/')));
    const id = await task();
    expect(sendsFor(id).map((m) => m.errcode)).toEqual([41030]);
    expect((await itemFor(id))?.push).toBe('failed');
    expect(await deadLetterFor(id)).toEqual([expect.objectContaining({ errcode: 41030, attempts: 1 })]);
    stack.wechat.control.setPages(pages);
    const ok = await task();
    expect(sendsFor(ok).map((m) => m.errcode)).toEqual([0]);
  });

  it("a template key the account's template does not have: 47003, final — failed and dead-lettered", async () => {
    // verified at the first push; the console changes afterwards (thing4 removed)
    stack.wechat.control.setTemplates(withTemplate('tpl-task', { keys: ['thing1', 'thing2', 'time3'] }));
    const id = await task();
    const [m] = sendsFor(id);
    expect([m?.errcode, m?.errmsg.replace(/ rid: .*/, '')]).toEqual([47003, 'argument invalid! data.thing4 is not a keyword of the template']);
    expect((await itemFor(id))?.push).toBe('failed');
    expect(await deadLetterFor(id)).toEqual([expect.objectContaining({ errcode: 47003, attempts: 1 })]);
    stack.wechat.control.setTemplates(account);
  });

  it('a long-term template the worker no longer accepts: 43101 — inbox only, acceptance revoked, nothing sent after', async () => {
    stack.wechat.control.unsubscribe(openid(WORKER), 'tpl-task');
    const id = await task();
    expect(sendsFor(id).map((m) => m.errcode)).toEqual([43101]);
    expect((await itemFor(id))?.push).toBe('inbox_only');
    expect(await deadLetterFor(id)).toEqual([]);
    const next = await task();
    expect(sendsFor(next)).toEqual([]);
    expect((await itemFor(next))?.push).toBe('inbox_only');
  });
});

describe('media verdicts in safe mode', () => {
  async function photoBy(name: string): Promise<{ userId: string; uploadId: string }> {
    const login = await stack.api.post('/v1/auth/wechat', { code: `dev:o-${name}` });
    expect(login.status, login.text).toBe(200);
    const userId = login.json.user.id as string;
    return { userId, uploadId: await stack.api.uploadReady(userId, await phonePhoto(300, 200)) };
  }

  it('pass, risky (XML) and errcode -1008 (JSON) are decrypted and applied; a -1008 photo is reviewed', async () => {
    expect(stack.wechat.control.state().push).toEqual({ mode: 'safe', format: 'json' });
    const clean = await photoBy('safe-clean');
    stack.wechat.control.setPush({ format: 'xml' });
    const risky = await photoBy('safe-risky');
    stack.wechat.control.setPush({ format: 'json' });
    const lost = await photoBy('safe-unfetchable');

    expect((await stack.api.get(`/v1/uploads/${clean.uploadId}`, clean.userId)).json.moderation).toBe('pass');
    expect((await stack.api.get(`/v1/uploads/${risky.uploadId}`, risky.userId)).json.moderation).toBe('risky');
    expect((await stack.api.get(`/v1/uploads/${lost.uploadId}`, lost.userId)).json.moderation).toBe('unchecked');
    expect(await getUpload(lost.uploadId)).toMatchObject({ moderation: 'unchecked', moderationNote: 'wechat -1008 media download failed' });
    const checks = stack.wechat.control.state().mediaChecks;
    expect(checks.map((c) => [c.errcode, c.delivery])).toEqual([
      [0, 'delivered'],
      [0, 'delivered'],
      [-1008, 'delivered'],
    ]);

    // filed with the photo WeChat could not check: a person reviews it
    const as = lost.userId;
    expect((await stack.api.post('/v1/me/consent', { version: '2026-11' }, as)).status).toBe(200);
    const r = await stack.api.post('/v1/reports', { category: 'other', description: '楼道杂物', location, photos: [lost.uploadId] }, as);
    expect(r.status, r.text).toBe(201);
    expect((await stack.api.get(`/v1/reports/${r.json.id}`, WORKER)).json.moderation.photos).toEqual({ [lost.uploadId]: 'unchecked' });
    expect((await stack.api.get('/v1/admin/moderation', ADMIN)).json.items.map((i: { id: string }) => i.id)).toContain(r.json.id);
  });

  it('in safe mode a plaintext push is refused, even correctly signed', async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const q = `signature=${pushSignature('local-push-token', timestamp, '7')}&timestamp=${timestamp}&nonce=7`;
    const r = await stack.api.call('POST', `/v1/wechat/events?${q}`, { body: { Event: 'wxa_media_check', trace_id: 'x', errcode: 0, result: { suggest: 'pass', label: 100 } } });
    expect(r.status).toBe(403);
    expect(r.json.error.message).toMatch(/safe mode/);
  });
});
