/** What the resident's app reads about itself: followed reports marked in "mine", the retention it tells in the policy. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { pointIn, GRID, RESIDENT, RESIDENT2 } from '../support/fixtures.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('the resident about themselves', () => {
  it('marks followed reports in GET /v1/reports?scope=mine (own ones are not)', async () => {
    const location = await pointIn(stack.api, GRID);
    const own = await stack.api.post('/v1/reports', { category: 'other', description: '楼道灯坏了', location }, RESIDENT2);
    const theirs = await stack.api.post('/v1/reports', { category: 'fire_exit_blocked', description: '安全出口上锁', location }, RESIDENT);
    expect((await stack.api.post(`/v1/reports/${theirs.json.id}/follow`, {}, RESIDENT2)).status).toBe(201);
    const mine = (await stack.api.get('/v1/reports?scope=mine', RESIDENT2)).json.items;
    expect(mine.find((i: { id: string }) => i.id === own.json.id).following).toBe(false);
    expect(mine.find((i: { id: string }) => i.id === theirs.json.id).following).toBe(true);
    expect((await stack.api.get('/v1/reports?scope=mine', RESIDENT)).json.items.find((i: { id: string }) => i.id === theirs.json.id).following).toBe(false);
  });

  it("tells the deployment's retention with the privacy notice", async () => {
    const me = await stack.api.get('/v1/me', RESIDENT);
    expect(me.json.consent.retentionDays).toBe(180);
  });
});
