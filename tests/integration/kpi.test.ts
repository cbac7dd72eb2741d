/**
 * The measures: a scripted month of 50 reports (driven through the real flows with scripted
 * clocks, counted by the real stream consumer) gives exactly the hand-computed KPIs; reading
 * them costs the same number of items whether the area had 100 or 10,000 reports; the heatmap
 * and the CSV export tell the same story.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { phonePhoto, pointIn, GRID, RESIDENT, WORKER, LEADER, DISPATCHER } from '../support/fixtures.ts';

let stack: TestStack;
let flows: typeof import('../../functions/src/flows/reports.ts');
let users: typeof import('../../functions/src/store/users.ts');
let kpiStore: typeof import('../../functions/src/store/kpi.ts');
beforeAll(async () => {
  stack = await startTestStack();
  flows = await import('../../functions/src/flows/reports.ts');
  users = await import('../../functions/src/store/users.ts');
  kpiStore = await import('../../functions/src/store/kpi.ts');
});
afterAll(async () => {
  await stack?.stop();
});

const MIN = 60_000;
const HOUR = 60 * MIN;
// 2026-10-01 00:00 China time
const OCT1 = Date.parse('2026-09-30T16:00:00.000Z');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

describe('KPIs', () => {
  it('a scripted month of 50 reports gives the hand-computed measures', async () => {
    const resident = (await users.getUser(RESIDENT))!;
    const worker = (await users.getUser(WORKER))!;
    const leader = (await users.getUser(LEADER))!;
    const location = await pointIn(stack.api, GRID);
    const photos = await Promise.all(Array.from({ length: 40 }, async () => stack.api.uploadReady(WORKER, await phonePhoto(200, 150))));
    const expected = { reported: 0, accepted: 0, rejected: 0, resolved: 0, closed: 0, onTime: 0, reworked: 0, satisfied: 0, basically: 0, dissatisfied: 0, open: 0 };
    const acceptMinutes: number[] = [];
    const closeMinutes: number[] = [];

    for (let i = 0; i < 50; i++) {
      const t0 = OCT1 + i * 12 * HOUR + 3 * HOUR; // every 12 hours from Oct 1, 03:00 China time
      const at = (ms: number) => new Date(t0 + ms);
      // 'other': accept within 8 h, resolve within 120 h
      const r = await flows.createReport(resident, { category: 'other', description: `第 ${i} 件：楼道堆物`, location, photos: [], anonymous: false, source: 'app' }, at(0));
      expected.reported++;
      if (i % 10 === 0) {
        await flows.act(worker, r.id, { action: 'reject', reason: '不属于安全隐患' }, at(HOUR));
        expected.rejected++;
        continue;
      }
      if (i % 10 === 1) {
        expected.open++; // never touched
        continue;
      }
      const acceptAfter = ((i % 7) + 1) * 10 * MIN;
      await flows.act(worker, r.id, { action: 'accept' }, at(acceptAfter));
      expected.accepted++;
      acceptMinutes.push(acceptAfter / MIN);
      await flows.act(worker, r.id, { action: 'dispatch', assigneeId: WORKER }, at(acceptAfter + MIN));
      await flows.act(worker, r.id, { action: 'start' }, at(acceptAfter + 2 * MIN));
      if (i % 10 === 2) {
        expected.open++; // still being handled
        continue;
      }
      const closeAfter = i % 5 === 3 ? 130 * HOUR : (10 + i) * HOUR; // some closed after the 120 h limit
      await flows.act(worker, r.id, { action: 'resolve', note: '已处理', photos: [photos.pop()!] }, at(closeAfter - 2 * HOUR));
      expected.resolved++;
      await flows.act(leader, r.id, { action: 'verify' }, at(closeAfter - HOUR));
      await flows.act(leader, r.id, { action: 'close' }, at(closeAfter));
      expected.closed++;
      if (closeAfter <= 120 * HOUR) expected.onTime++;
      closeMinutes.push(closeAfter / MIN);
      if (i % 4 === 0) continue; // no answer (yet)
      const score = (['satisfied', 'basically_satisfied', 'dissatisfied'] as const)[i % 3]!;
      await flows.rate(resident, r.id, { score }, at(closeAfter + HOUR));
      if (score === 'satisfied') expected.satisfied++;
      if (score === 'basically_satisfied') expected.basically++;
      if (score === 'dissatisfied') {
        expected.dissatisfied++;
        expected.reworked++; // the first dissatisfied rating reopens it
        expected.open++;
      }
    }
    await stack.drainStream();

    const s = await stack.api.get(`/v1/stats?areaId=${GRID}&from=2026-10-01&to=2026-10-31`, DISPATCHER);
    expect(s.status, s.text).toBe(200);
    const k = s.json.area;
    const r4 = (x: number) => Math.round(x * 10_000) / 10_000;
    expect(k).toMatchObject({
      reported: 50,
      acceptanceRate: r4(expected.accepted / (expected.accepted + expected.rejected)),
      onTimeClosureRate: r4(expected.onTime / expected.closed),
      closureRate: r4(expected.closed / expected.reported),
      reworkRate: r4(expected.reworked / expected.resolved),
      satisfactionRate: r4((expected.satisfied + expected.basically) / (expected.satisfied + expected.basically + expected.dissatisfied)),
      medianAcceptMinutes: median(acceptMinutes),
      medianCloseMinutes: median(closeMinutes),
      open: expected.open,
    });
    // sanity on the script itself: every kind of outcome occurred
    expect(expected.rejected * expected.dissatisfied * (expected.closed - expected.onTime)).toBeGreaterThan(0);
    // the same figures roll up to the community, the street, the beat
    for (const areaId of ['cm-kejiyuan', 'st-yuehai', 'bt-nanshandadao']) {
      const up = await stack.api.get(`/v1/stats?areaId=${areaId}&from=2026-10-01&to=2026-10-31`, 'u-admin');
      expect(up.json.area).toMatchObject({ reported: 50, open: expected.open, acceptanceRate: k.acceptanceRate, medianCloseMinutes: k.medianCloseMinutes });
    }
    const community = await stack.api.get('/v1/stats?areaId=cm-kejiyuan&from=2026-10-01&to=2026-10-31', LEADER);
    expect(community.json.children.find((c: { areaId: string }) => c.areaId === GRID).reported).toBe(50);
    expect(community.json.children.find((c: { areaId: string }) => c.areaId === 'gr-kejiyuan-02').reported).toBe(0);
    // a September window saw none of it; a null rate means nothing to count
    const sept = await stack.api.get(`/v1/stats?areaId=${GRID}&from=2026-09-01&to=2026-09-30`, DISPATCHER);
    expect(sept.json.area).toMatchObject({ reported: 0, acceptanceRate: null, satisfactionRate: null, medianAcceptMinutes: null });
  });

  it('costs the same reads for an area with 100 and with 10,000 reports', async () => {
    const read = async () => {
      const before = kpiStore.reads.items;
      const s = await stack.api.get('/v1/stats?areaId=cm-haizhu&from=2026-10-01&to=2026-10-30', DISPATCHER);
      expect(s.status).toBe(200);
      return { items: kpiStore.reads.items - before, reported: s.json.area.reported as number };
    };
    // the counters of 100 reports on one grid of the community, then of 9,900 more spread over
    // its grids and the month, as the stream consumer would have left them
    const add = async (n: number, grids: string[]) => {
      for (let d = 1; d <= 30; d++) {
        const day = `2026-10-${String(d).padStart(2, '0')}`;
        for (const g of grids) {
          const count = Math.round(n / 30 / grids.length);
          await kpiStore.applyChanges([
            { reportId: `SYNTH-${g}-${day}-${n}`, version: 1, gridId: g, areaIds: [g, 'cm-haizhu', 'st-yuehai', 'gd-nanshan', 'ct-shenzhen'], deltas: { days: { [day]: { reported: count, accepted: count } }, samples: {}, open: 0, overdue: 0 } },
          ]);
        }
      }
    };
    await add(100, ['gr-haizhu-01']);
    const small = await read();
    await add(9_900, ['gr-haizhu-01', 'gr-haizhu-02', 'gr-haizhu-03', 'gr-haizhu-04', 'gr-haizhu-05']);
    const large = await read();
    expect(small.reported).toBeLessThan(200);
    expect(large.reported).toBeGreaterThan(9_000);
    // areas x (days + the area's NOW item, read once for today's counters and once for the gauges)
    expect(large.items).toBeLessThanOrEqual((1 + 5) * (30 + 2));
    // same keys read: the item count can only grow by days that had no counters before
    expect(large.items - small.items).toBeLessThanOrEqual(5 * 30);
  });

  it('shades grids by open and overdue reports, and exports the area as CSV without personal data', async () => {
    const heat = await stack.api.get('/v1/stats/heatmap?areaId=cm-kejiyuan', LEADER);
    expect(heat.status).toBe(200);
    expect(heat.json.type).toBe('FeatureCollection');
    expect(heat.json.features).toHaveLength(5);
    const mine = heat.json.features.find((f: { id: string }) => f.id === GRID);
    expect(mine.properties.open).toBeGreaterThan(0);
    expect(mine.geometry.type).toMatch(/Polygon/);
    expect((await stack.api.get('/v1/stats/heatmap?areaId=cm-tongle', LEADER)).status).toBe(403);

    const csv = await fetch(`${stack.url}/v1/export/reports.csv?areaId=${GRID}&from=2026-10-01&to=2026-10-31`, { headers: { authorization: `Bearer ${await stack.api.token(DISPATCHER)}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toContain('编号,上报时间,类别,状态');
    expect(lines).toHaveLength(51);
    expect(text).not.toMatch(/13800138001|u-res-zhang|张女士/);
    expect((await stack.api.get(`/v1/export/reports.csv?areaId=${GRID}`, LEADER)).status).toBe(403);
    const audit = await stack.api.get(`/v1/audit?actorId=${DISPATCHER}`, 'u-admin');
    expect(audit.json.items.some((e: { what: string }) => e.what === 'export')).toBe(true);
  });
});
