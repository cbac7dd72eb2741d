/**
 * The audit log by China day is read straight from GSI5, which holds only the audit entry's
 * fields (an INCLUDE projection, so reports' geo-cell entries there cost keys only): each entry
 * listed by day must be the very entry listed by report, every field of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { pointIn, GRID, RESIDENT, WORKER } from '../support/fixtures.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const chinaDay = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);

describe('GET /v1/audit?day=', () => {
  it('lists the day’s entries with every field the report’s own listing has', async () => {
    const { api } = stack;
    const created = await api.post('/v1/reports', { category: 'ebike_charging', description: '楼道飞线充电', location: await pointIn(api, GRID) }, RESIDENT, { 'idempotency-key': randomUUID() });
    expect(created.status, created.text).toBe(201);
    const accepted = await api.post(`/v1/reports/${created.json.id}/actions`, { action: 'accept' }, WORKER);
    expect(accepted.status, accepted.text).toBe(200);
    const byReport = (await api.get(`/v1/audit?reportId=${created.json.id}&limit=100`, 'u-admin')).json.items as Array<{ id: string; at: string; what: string }>;
    const changes = byReport.filter((e) => e.what === 'state_change');
    expect(changes).toHaveLength(2);
    for (const e of changes) {
      const day = await api.get(`/v1/audit?day=${chinaDay(e.at)}&limit=100`, 'u-admin');
      expect(day.status, day.text).toBe(200);
      expect(day.json.items.find((x: { id: string }) => x.id === e.id)).toEqual(e);
    }
  });
});
