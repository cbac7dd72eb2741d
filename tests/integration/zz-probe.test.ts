import { afterAll, beforeAll, it } from 'vitest';
import { startTestStack, newKey, type TestStack } from '../support/stack.ts';
import { phonePhoto, pointIn, RESIDENT, RESIDENT2, GRID, WORKER, LEADER, OTHER_WORKER } from '../support/fixtures.ts';

let stack: TestStack;
beforeAll(async () => { stack = await startTestStack(); });
afterAll(async () => { await stack?.stop(); });

it('probe', async () => {
  const { api } = stack;
  const loc = await pointIn(api, GRID);
  const show = (label: string, r: any) => console.log(label, r.status, r.text.slice(0, 300));
  const photo = await phonePhoto(200, 200);
  for (let i = 0; i < 3; i++) {
    const up = await api.uploadReady(RESIDENT, photo);
    const rs = await Promise.all([0, 1, 2].map(() => api.post('/v1/reports', { category: 'other', description: 'x', location: loc, photos: [up] }, RESIDENT)));
    rs.forEach((r) => show('race', r));
    const up2 = await api.uploadReady(RESIDENT, photo);
    const rs2 = await Promise.all([0, 1, 2].map(() => api.post('/v1/reports', { category: 'other', description: 'x', location: loc, photos: [up2] }, RESIDENT, { 'idempotency-key': newKey() })));
    rs2.forEach((r) => show('race-idem', r));
  }
});
