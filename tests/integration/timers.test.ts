/**
 * Time limits and surveys: the sweeper reminds at 75% of the limit, escalates to the grid
 * leader when overdue and to the dispatch centre at 150% — each once, on the timeline and in
 * the inbox — and after closure reminds the reporter to rate, then records "no answer".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { pointIn, GRID, RESIDENT, RESIDENT2, WORKER, LEADER, DISPATCHER } from '../support/fixtures.ts';

let stack: TestStack;
let sweep: (now?: Date) => Promise<{ fired: number; buckets: number }>;
let location: { lat: number; lng: number };
const HOUR = 3_600_000;

beforeAll(async () => {
  stack = await startTestStack();
  sweep = (await import('../../functions/src/events/sweeper.ts')).handler;
  location = await pointIn(stack.api, GRID);
});
afterAll(async () => {
  await stack?.stop();
});

const inboxKinds = async (who: string, reportId: string) => {
  await stack.drainStream();
  return (await stack.api.get('/v1/inbox?limit=100', who)).json.items.filter((i: { reportId: string }) => i.reportId === reportId).map((i: { kind: string }) => i.kind);
};
const timeline = async (id: string) => (await stack.api.get(`/v1/reports/${id}`, RESIDENT)).json.timeline.map((e: { action: string }) => e.action);

describe('time limits', () => {
  it('a task left alone is reminded, then escalated to the leader, then the centre, each once', async () => {
    const r = (await stack.api.post('/v1/reports', { category: 'ebike_charging', description: '飞线充电无人处理', location }, RESIDENT)).json;
    const t0 = Date.parse(r.createdAt); // ebike_charging: accept within 2 h
    expect((await sweep(new Date(t0 + 1.4 * HOUR))).fired).toBe(0);
    expect((await sweep(new Date(t0 + 1.6 * HOUR))).fired).toBe(1); // 75% -> remind
    expect((await sweep(new Date(t0 + 1.7 * HOUR))).fired).toBe(0);
    expect(await inboxKinds(WORKER, r.id)).toContain('timer.remind');
    expect((await sweep(new Date(t0 + 2.1 * HOUR))).fired).toBe(1); // overdue -> leader
    expect(await inboxKinds(LEADER, r.id)).toContain('timer.escalate_leader');
    const overdue = (await stack.api.get('/v1/tasks?state=overdue', WORKER)).json;
    expect(overdue.items).toEqual([]); // not overdue in real time yet: the clock is the test's
    expect((await sweep(new Date(t0 + 3.1 * HOUR))).fired).toBe(1); // 150% -> centre
    expect(await inboxKinds(DISPATCHER, r.id)).toContain('timer.escalate_centre');
    expect((await sweep(new Date(t0 + 10 * HOUR))).fired).toBe(0); // nothing more on this clock
    expect(await timeline(r.id)).toEqual(['report', 'route', 'remind', 'escalate', 'escalate']);
    const kinds = await inboxKinds(WORKER, r.id);
    expect(kinds.filter((k: string) => k === 'timer.remind')).toHaveLength(1);
  });

  it('accepting starts the resolve clock; a reminder then comes at 75% of the resolve limit', async () => {
    const r = (await stack.api.post('/v1/reports', { category: 'fire_exit_blocked', description: '安全出口上锁', location }, RESIDENT)).json;
    const t0 = Date.parse(r.createdAt);
    await stack.api.post(`/v1/reports/${r.id}/actions`, { action: 'accept' }, WORKER);
    expect((await sweep(new Date(t0 + 3 * HOUR))).fired).toBe(0); // the accept clock no longer runs
    expect((await sweep(new Date(t0 + 18.5 * HOUR))).fired).toBe(1); // 75% of 24 h
    expect((await timeline(r.id)).at(-1)).toBe('remind');
  });
});

describe('surveys', () => {
  async function closedReport() {
    const { api } = stack;
    const r = (await api.post('/v1/reports', { category: 'other', description: '楼道灯坏了导致看不清消防通道', location }, RESIDENT)).json;
    await api.post(`/v1/reports/${r.id}/follow`, {}, RESIDENT2);
    for (const [who, body] of [
      [WORKER, { action: 'accept' }],
      [WORKER, { action: 'dispatch', assigneeId: WORKER }],
      [WORKER, { action: 'start' }],
      [WORKER, { action: 'resolve', note: '已更换灯泡', photos: [await api.uploadReady(WORKER, await (await import('../support/fixtures.ts')).phonePhoto(400, 300))] }],
      [LEADER, { action: 'verify' }],
      [LEADER, { action: 'close' }],
    ] as const) {
      const res = await api.post(`/v1/reports/${r.id}/actions`, body, who);
      expect(res.status, res.text).toBe(200);
    }
    return (await api.get(`/v1/reports/${r.id}`, RESIDENT)).json;
  }

  it('asks reporter and followers on closure, reminds at 3 days, expires at 7 as no answer', async () => {
    const r = await closedReport();
    expect(await inboxKinds(RESIDENT, r.id)).toContain('report.close');
    expect(await inboxKinds(RESIDENT2, r.id)).toContain('report.close');
    const closedAt = Date.parse(r.timeline.at(-1).at);
    // (other reports of this file have timers too: look at this one's timeline)
    await sweep(new Date(closedAt + 2 * 24 * HOUR));
    expect((await timeline(r.id)).at(-1)).toBe('close');
    await sweep(new Date(closedAt + 3 * 24 * HOUR + 60_000));
    await sweep(new Date(closedAt + 3 * 24 * HOUR + 120_000));
    expect((await timeline(r.id)).filter((a: string) => a === 'survey_remind')).toHaveLength(1);
    expect((await inboxKinds(RESIDENT, r.id)).filter((k: string) => k === 'timer.survey_remind')).toHaveLength(1);
    await sweep(new Date(closedAt + 7 * 24 * HOUR + 60_000));
    const after = (await stack.api.get(`/v1/reports/${r.id}`, RESIDENT)).json;
    expect(after.rating).toBeNull(); // never counted as satisfied
    expect(after.timeline.at(-1).action).toBe('survey_expire');
    const late = await stack.api.post(`/v1/reports/${r.id}/rating`, { score: 'satisfied' }, RESIDENT);
    expect(late.status).toBe(409);
    expect(late.json.error.code).toBe('survey_expired');
  });

  it('dissatisfied twice: reopened once, then escalated to the dispatch centre', async () => {
    const r = await closedReport();
    const first = await stack.api.post(`/v1/reports/${r.id}/rating`, { score: 'dissatisfied', comment: '灯还是不亮' }, RESIDENT);
    expect(first.json.status).toBe('in_progress');
    const { api } = stack;
    const photo = await api.uploadReady(WORKER, await (await import('../support/fixtures.ts')).phonePhoto(400, 300));
    await api.post(`/v1/reports/${r.id}/actions`, { action: 'resolve', note: '更换了线路', photos: [photo] }, WORKER);
    await api.post(`/v1/reports/${r.id}/actions`, { action: 'verify' }, LEADER);
    await api.post(`/v1/reports/${r.id}/actions`, { action: 'close' }, LEADER);
    const second = await api.post(`/v1/reports/${r.id}/rating`, { score: 'dissatisfied', comment: '还是不行' }, RESIDENT);
    expect(second.status, second.text).toBe(200);
    expect(second.json.status).toBe('closed');
    expect(second.json.timeline.slice(-2).map((e: { action: string }) => e.action)).toEqual(['rate', 'escalate']);
    expect(await inboxKinds(DISPATCHER, r.id)).toContain('report.escalated');
    expect(second.json.timeline.filter((e: { action: string }) => e.action === 'reopen')).toHaveLength(1);
  });

  it('after the retention period: photos deleted, reporter and followers pseudonymised, audit kept', async () => {
    const { api } = stack;
    const r = await closedReport();
    await api.post(`/v1/reports/${r.id}/rating`, { score: 'satisfied' }, RESIDENT);
    const got = await api.get(`/v1/reports/${r.id}`, WORKER);
    expect(got.status, got.text).toBe(200);
    const before = got.json;
    const photoIds: string[] = before.photos.map((p: { id: string }) => p.id);
    expect(photoIds.length).toBeGreaterThan(0);
    const closedAt = Date.parse(r.timeline.at(-1).at);
    await sweep(new Date(closedAt + 179 * 24 * HOUR));
    expect((await timeline(r.id)).at(-1)).toBe('rate');
    await sweep(new Date(closedAt + 181 * 24 * HOUR));
    const after = await api.get(`/v1/reports/${r.id}`, WORKER);
    expect(after.status).toBe(200);
    expect(after.json.timeline.at(-1).action).toBe('retain');
    expect(after.json.photos).toEqual([]);
    expect(after.json.description).toBe(before.description); // the hazard stays on record
    // residents no longer find it under their name, and the stored ids are pseudonyms
    expect((await api.get('/v1/reports?scope=mine&limit=100', RESIDENT2)).json.items.map((i: { id: string }) => i.id)).not.toContain(r.id);
    const { getReportStory } = await import('../../functions/src/store/reports.ts');
    const story = (await getReportStory(r.id))!;
    expect(story.report.reporterId).toMatch(/^anon-/);
    expect(story.members).toEqual([]);
    expect(story.ratings.every((x) => x.userId.startsWith('anon-'))).toBe(true);
    expect(story.events.filter((e) => e.actor?.role === 'resident').every((e) => e.actor!.id.startsWith('anon-'))).toBe(true);
    // the photo objects are gone from storage
    const { S3Client, HeadObjectCommand } = await import('@aws-sdk/client-s3');
    const s3 = new S3Client({ endpoint: stack.s3Endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    for (const id of photoIds) await expect(s3.send(new HeadObjectCommand({ Bucket: stack.bucket, Key: `photos/${id}/display.jpg` }))).rejects.toMatchObject({ name: 'NotFound' });
    // the audit log keeps what happened
    const audit = await api.get(`/v1/audit?reportId=${r.id}`, 'u-admin');
    expect(audit.json.items.some((e: { detail: string }) => e.detail === 'report')).toBe(true);
    // and it happens once
    await sweep(new Date(closedAt + 400 * 24 * HOUR));
    const final = (await api.get(`/v1/reports/${r.id}`, WORKER)).json;
    expect(final.timeline.filter((e: { action: string }) => e.action === 'retain')).toHaveLength(1);
    // the reporter is no longer linked to it at all
    expect((await api.get(`/v1/reports/${r.id}`, RESIDENT)).status).toBe(403);
  });
});
