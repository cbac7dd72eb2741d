/**
 * `npm run bench:notify`: notifier throughput end to end on the local stack — outbox rows per
 * second from the first write to the last row's inbox items and WeChat push being recorded,
 * through the real path (DynamoDB Local's stream -> the stream pump -> the notifier -> the WeChat
 * stand-in over HTTP). Each row goes to a grid worker (a task: the long-term template they
 * accepted, pushed) and the report's reporter (an internal step: inbox only).
 *
 * Baseline in the same run: the same number of rows with pushes switched off (NOTIFY_PUSH=off,
 * inbox only) — so the ratio is what the WeChat leg costs on top of the inbox. Baseline and
 * measured rounds alternate (ROUNDS, default 4) after a warm-up (connections, token, JIT), so a
 * busy machine or growing partitions weigh on both alike. Every row is checked afterwards: both
 * inbox items there once, the task pushed. Last line: one JSON object.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { startStack } from '../../functions/local/stack.ts';
import { Api } from '../support/stack.ts';

const ROWS = Number(process.env.ROWS ?? 1000);
const REPORTS = Number(process.env.REPORTS ?? 100);
const ROUNDS = Number(process.env.ROUNDS ?? 4);
const WARMUP = 50;
const RESIDENT = 'u-res-zhang';
const WORKER = 'u-gw-kejiyuan-01';

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? 0;

async function main() {
  const stack = await startStack({ port: 0, tableName: `bench-notify-${Date.now()}`, streamIntervalMs: 50 });
  const { doc } = await import('../../functions/src/store/clients.ts');
  const { keys } = await import('../../functions/src/store/keys.ts');
  const { getInboxItem } = await import('../../functions/src/store/inbox.ts');
  const { inboxIdOf } = await import('../../functions/src/notify/notifier.ts');
  type Row = import('../../functions/src/store/reports.ts').OutboxRow;

  const api = new Api(stack.url);
  // the worker accepted the long-term task template once (a tap in the app), as in production
  stack.wechat.control.subscribe(`o-${WORKER}`, 'tpl-task');
  if ((await api.post('/v1/me/subscriptions', { templateIds: ['tpl-task'] }, WORKER)).status !== 200) throw new Error('recording the worker\'s acceptance failed');
  const grid = (await api.get('/v1/areas?level=grid')).json.items.find((g: { id: string }) => g.id === 'gr-kejiyuan-01');
  const location = { lat: grid.centroid.lat, lng: grid.centroid.lng };
  const reportIds: string[] = [];
  for (let i = 0; i < REPORTS; i++) {
    const r = await api.post('/v1/reports', { category: 'fire_exit_blocked', description: `安全出口堵塞 #${i}`, location }, RESIDENT);
    if (r.status !== 201) throw new Error(`create: ${r.status} ${r.text}`);
    reportIds.push(r.json.id);
  }
  await stack.drainStream();

  // Rows like a transfer writes (to the new holder and the followers), on versions the reports
  // never reach, spread over the reports so the notifier can work on several side by side.
  let nextVersion = 1000;
  async function run(n: number): Promise<{ rows: Row[]; seconds: number }> {
    const rows: Row[] = Array.from({ length: n }, (_, i) => ({
      reportId: reportIds[i % reportIds.length]!,
      version: nextVersion + Math.floor(i / reportIds.length),
      at: '',
      kind: 'report.transfer',
      actorId: null,
      to: [{ userId: WORKER, reason: 'task' }, { audience: 'followers' }],
      title: '事项已转交',
      body: '转交给本网格处理',
    }));
    nextVersion += Math.ceil(n / reportIds.length);
    const t0 = performance.now();
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < rows.length; i += 25) {
      const chunk = rows.slice(i, i + 25);
      for (const r of chunk) r.at = new Date().toISOString();
      writes.push(
        doc.send(
          new BatchWriteCommand({
            RequestItems: { [stack.tableName]: chunk.map((r) => ({ PutRequest: { Item: { ...keys.outbox(r.reportId, r.version), type: 'outbox', ...r } } })) },
          }),
        ),
      );
    }
    const results = await Promise.all(writes);
    if (results.some((o) => Object.keys((o as { UnprocessedItems?: object }).UnprocessedItems ?? {}).length > 0)) throw new Error('unprocessed outbox writes');
    await stack.drainStream();
    return { rows, seconds: (performance.now() - t0) / 1000 };
  }

  /** Every row told both recipients once; with pushes, every task pushed. Returns push latencies. */
  async function check(rows: Row[], pushes: boolean): Promise<number[]> {
    const latencies: number[] = [];
    for (let i = 0; i < rows.length; i += 50) {
      await Promise.all(
        rows.slice(i, i + 50).map(async (r) => {
          const id = inboxIdOf(r);
          const [task, told] = await Promise.all([getInboxItem({ userId: WORKER, at: r.at, id }), getInboxItem({ userId: RESIDENT, at: r.at, id })]);
          if (!task || !told) throw new Error(`row ${id}: inbox item missing`);
          const want = pushes ? 'sent' : 'inbox_only';
          if (task.push !== want || told.push !== 'inbox_only') throw new Error(`row ${id}: push ${task.push}/${told.push}, expected ${want}/inbox_only`);
          if (pushes) latencies.push(Date.parse(task.pushedAt!) - Date.parse(r.at));
        }),
      );
    }
    return latencies;
  }

  const sends = () => stack.wechat.control.state().calls.send;

  await run(WARMUP);

  // Baseline and measured rounds alternate, so drift (a busy machine, partitions growing) hits both alike.
  let baseSeconds = 0;
  let seconds = 0;
  let pushesSent = 0;
  const latencies: number[] = [];
  const perRound = Math.ceil(ROWS / ROUNDS);
  for (let k = 0; k < ROUNDS; k++) {
    process.env.NOTIFY_PUSH = 'off';
    const base = await run(perRound);
    await check(base.rows, false);
    baseSeconds += base.seconds;
    delete process.env.NOTIFY_PUSH;

    const before = sends();
    const measured = await run(perRound);
    pushesSent += sends() - before;
    latencies.push(...(await check(measured.rows, true)));
    seconds += measured.seconds;
  }
  const rows = perRound * ROUNDS;
  if (pushesSent !== rows) throw new Error(`expected ${rows} sends, the stand-in got ${pushesSent}`);
  await stack.stop();

  const rowsPerSec = rows / seconds;
  const baselineRowsPerSec = rows / baseSeconds;
  console.log(`rows: ${rows} outbox rows (and as many for the baseline) over ${REPORTS} reports, in ${ROUNDS} alternating rounds of ${perRound}; each -> 2 inbox items (worker task + reporter) and 1 WeChat push (long-term task template)`);
  console.log(`path: BatchWrite outbox rows -> DynamoDB Local stream -> stream pump (50 ms poll, 100 records/batch) -> notifier -> WeChat stand-in over HTTP`);
  console.log(`baseline, pushes off (inbox only): ${round(baselineRowsPerSec)} rows/s (${round(baseSeconds, 2)} s)`);
  console.log(`with pushes: ${round(rowsPerSec)} rows/s (${round(seconds, 2)} s); write -> push recorded, bursts of ${perRound}: p50 ${round(pct(latencies, 0.5))} ms, p95 ${round(pct(latencies, 0.95))} ms`);
  console.log(`ratio vs baseline: ${round(rowsPerSec / baselineRowsPerSec, 2)} (rows/s with pushes over rows/s inbox only)`);
  console.log(
    JSON.stringify({
      bench: 'notify',
      rows,
      rounds: ROUNDS,
      reports: REPORTS,
      rowsPerSec: round(rowsPerSec),
      baselineRowsPerSec: round(baselineRowsPerSec),
      ratioVsBaseline: round(rowsPerSec / baselineRowsPerSec, 2),
      inboxItemsPerRow: 2,
      pushesPerRow: 1,
      pushes: pushesSent,
      seconds: round(seconds, 2),
      baselineSeconds: round(baseSeconds, 2),
      p50PushLatencyMs: round(pct(latencies, 0.5)),
      p95PushLatencyMs: round(pct(latencies, 0.95)),
    }),
  );
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
