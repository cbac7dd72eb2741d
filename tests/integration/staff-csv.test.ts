/**
 * The dispatch centre's CSV export as a spreadsheet reads it: the UTF-8 BOM, Chinese headers,
 * every time in Beijing time as `YYYY-MM-DD HH:mm`, and every coded column in words — 来源
 * (小程序 / 电话 / 110), 状态, 类别, 评价 — with formula-looking text neutralised and no personal data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { pointIn, GRID, RESIDENT, WORKER, DISPATCHER } from '../support/fixtures.ts';

let stack: TestStack;
let flows: typeof import('../../functions/src/flows/reports.ts');
let users: typeof import('../../functions/src/store/users.ts');

beforeAll(async () => {
  stack = await startTestStack();
  flows = await import('../../functions/src/flows/reports.ts');
  users = await import('../../functions/src/store/users.ts');
});
afterAll(async () => {
  await stack?.stop();
});

/** Splits RFC 4180 CSV (quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') endCell();
    else if (ch === '\r' && text[i + 1] === '\n') {
      endCell();
      rows.push(row);
      row = [];
      i++;
    } else cell += ch;
  }
  if (cell || row.length) {
    endCell();
    rows.push(row);
  }
  return rows;
}

describe('CSV export', () => {
  it('writes Beijing times as YYYY-MM-DD HH:mm and Chinese for every coded column', async () => {
    const resident = (await users.getUser(RESIDENT))!;
    const worker = (await users.getUser(WORKER))!;
    const dispatcher = (await users.getUser(DISPATCHER))!;
    const location = await pointIn(stack.api, GRID);
    // 2026-10-05 16:30 UTC is 2026-10-06 00:30 in Beijing: the China day and the clock both move
    const t0 = Date.parse('2026-10-05T16:30:00.000Z');
    const at = (minutes: number) => new Date(t0 + minutes * 60_000);
    const app = await flows.createReport(resident, { category: 'ebike_charging', description: '=HYPERLINK("http://x")楼道充电', location, photos: [], anonymous: false, source: 'app' }, at(0));
    await flows.act(worker, app.id, { action: 'accept' }, at(45));
    const phone = await flows.createReport(dispatcher, { category: 'fire_exit_blocked', description: '来电：安全出口被锁', location, photos: [], anonymous: false, source: 'phone', caller: { name: '陈先生', phone: '13912345678' } }, at(5));
    const police = await flows.createReport(dispatcher, { category: 'public_security', description: '110 转来：可疑人员', location, photos: [], anonymous: false, source: '110', caller: { name: '匿名来电', phone: '110' } }, at(10));

    const res = await fetch(`${stack.url}/v1/export/reports.csv?areaId=${GRID}&from=2026-10-06&to=2026-10-06`, { headers: { authorization: `Bearer ${await stack.api.token(DISPATCHER)}` } });
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parseCsv(bytes.toString('utf8').slice(1));
    expect(header).toEqual(['编号', '上报时间', '类别', '状态', '网格', '警格', '地址', '描述', '来源', '处理人', '受理时限', '办结时限', '受理时间', '办结时间', '结案时间', '按期办结', '返工次数', '评价']);
    expect(rows).toHaveLength(3);
    const byId = new Map(rows.map((r) => [r[0], Object.fromEntries(header!.map((h, i) => [h, r[i]!]))]));

    expect(byId.get(app.id)).toMatchObject({
      上报时间: '2026-10-06 00:30',
      类别: '电动车违规充电（入户、楼道、飞线充电）',
      状态: '已受理',
      来源: '小程序',
      受理时限: '2026-10-06 02:30', // 2 h to accept
      办结时限: '2026-10-07 00:30', // 24 h to resolve
      受理时间: '2026-10-06 01:15',
      办结时间: '',
      // a spreadsheet would run it as a formula: it is text
      描述: `'=HYPERLINK("http://x")楼道充电`,
    });
    expect(byId.get(phone.id)).toMatchObject({ 上报时间: '2026-10-06 00:35', 类别: '消防通道、安全出口堵塞', 状态: '已上报', 来源: '电话' });
    expect(byId.get(police.id)).toMatchObject({ 上报时间: '2026-10-06 00:40', 类别: '治安隐患（可疑人员车辆、群租等）', 来源: '110' });

    // every time column is a Beijing minute or blank; no ISO time, no code left anywhere
    const timeColumns = ['上报时间', '受理时限', '办结时限', '受理时间', '办结时间', '结案时间'];
    for (const r of byId.values()) {
      for (const c of timeColumns) expect(r[c], c).toMatch(/^(\d{4}-\d{2}-\d{2} \d{2}:\d{2})?$/);
      expect(['小程序', '电话', '110']).toContain(r['来源']);
      expect(r['状态']).toMatch(/^[\u4e00-\u9fa5]+$/);
    }
    const text = bytes.toString('utf8');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    expect(text).not.toMatch(/,(app|phone|reported|accepted|ebike_charging|fire_exit_blocked|public_security),/);
    // no personal data: the caller's name and number stay out
    expect(text).not.toMatch(/13912345678|陈先生|u-res-zhang/);
  });
});
