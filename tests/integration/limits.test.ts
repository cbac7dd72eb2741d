/**
 * Abuse limits: per user, counted in the table, 429 rate_limited with Retry-After, and a refused
 * request writes nothing. Limits are small here so the test reaches them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { pointIn, phonePhoto, GRID, RESIDENT, RESIDENT2, RESIDENT3 } from '../support/fixtures.ts';

let stack: TestStack;
let location: { lat: number; lng: number };

beforeAll(async () => {
  process.env.RATE_LIMITS = 'reports=10/600,uploads=3/600,follows=2/600,reveals=2/3600,invites=5/3600';
  stack = await startTestStack();
  location = await pointIn(stack.api, GRID);
});
afterAll(async () => {
  delete process.env.RATE_LIMITS;
  await stack?.stop();
});

/** Windows are fixed (aligned to 10 minutes): start a test clear of an edge so it stays in one window. */
async function clearOfWindowEdge() {
  const left = 600_000 - (Date.now() % 600_000);
  if (left < 30_000) await new Promise((r) => setTimeout(r, left + 100));
}

const mineCount = async (who: string) => (await stack.api.get('/v1/reports?limit=100', who)).json.items.length;

describe('abuse limits', () => {
  it('the 11th report in 10 minutes gets 429 with Retry-After and is not written; a retry of an earlier one still answers', async () => {
    await clearOfWindowEdge();
    const before = await mineCount(RESIDENT);
    const keys: string[] = [];
    for (let i = 0; i < 10; i++) {
      keys.push(`k-${i}-${Date.now()}`);
      const r = await stack.api.post('/v1/reports', { category: 'other', description: `第 ${i} 件`, location }, RESIDENT, { 'idempotency-key': keys[i]! });
      expect(r.status, r.text).toBe(201);
    }
    const eleventh = await stack.api.post('/v1/reports', { category: 'other', description: '第 11 件', location }, RESIDENT, { 'idempotency-key': `k-11-${Date.now()}` });
    expect(eleventh.status).toBe(429);
    expect(eleventh.json.error.code).toBe('rate_limited');
    const retryAfter = Number(eleventh.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    expect(await mineCount(RESIDENT)).toBe(before + 10);
    // a retry of a report already filed is answered from its stored result, not refused
    const again = await stack.api.post('/v1/reports', { category: 'other', description: '第 0 件', location }, RESIDENT, { 'idempotency-key': keys[0]! });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    // another person is not affected
    expect((await stack.api.post('/v1/reports', { category: 'other', description: '别人的', location }, RESIDENT2)).status).toBe(201);
  });

  it('uploads, follows and invite attempts are limited too', async () => {
    await clearOfWindowEdge();
    const photo = await phonePhoto(200, 150);
    for (let i = 0; i < 3; i++) expect((await stack.api.post('/v1/uploads', { contentType: 'image/jpeg', size: photo.length }, RESIDENT2)).status).toBe(201);
    const up = await stack.api.post('/v1/uploads', { contentType: 'image/jpeg', size: photo.length }, RESIDENT2);
    expect(up.status).toBe(429);
    expect(up.headers.get('retry-after')).toBeTruthy();

    const targets: string[] = [];
    for (let i = 0; i < 3; i++) targets.push((await stack.api.post('/v1/reports', { category: 'ebike_charging', description: `楼道充电 ${i}`, location }, RESIDENT2)).json.id);
    expect((await stack.api.post(`/v1/reports/${targets[0]}/follow`, {}, RESIDENT3)).status).toBe(201);
    expect((await stack.api.post(`/v1/reports/${targets[1]}/follow`, {}, RESIDENT3)).status).toBe(201);
    const third = await stack.api.post(`/v1/reports/${targets[2]}/follow`, {}, RESIDENT3);
    expect(third.status).toBe(429);
    const report = (await stack.api.get(`/v1/reports/${targets[2]}`, RESIDENT2)).json;
    expect(report.followerCount).toBe(0);

    // invite codes: five wrong tries, then even trying is refused for the hour
    for (let i = 0; i < 5; i++) expect((await stack.api.post('/v1/auth/bind', { inviteCode: `WRONG${i}XX` }, RESIDENT3)).status).toBe(404);
    const sixth = await stack.api.post('/v1/auth/bind', { inviteCode: 'WRONG9XX' }, RESIDENT3);
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
