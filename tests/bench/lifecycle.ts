/**
 * `npm run bench:lifecycle`: what one report's whole closed loop costs in DynamoDB writes (by
 * AWS's billing rules, and as DynamoDB Local reports it) and how long each step takes over HTTP
 * on the local stack. Counted: the loop's transactions (table and GSI) and the KPI consumer's
 * writes from the stream (batched as the deployed event source mapping batches: up to 100
 * records gathered for 1 s, infra/src/events-stack.ts). Not counted, here or in the baseline:
 * the notifier's inbox writes (bench:notify) and single-item writes outside transactions.
 * How many changes share a stream batch sets the KPI share: LIFECYCLES loops run one after
 * another by default (LOOPS_IN_FLIGHT side by side), and the figure if every change came alone
 * in its batch is printed too.
 *
 * Baselines in the same run: the layout before issue 11 priced for the very same loops
 * (tests/bench/baseline.ts: same writes translated to the former items and schema, the former
 * KPI consumer rebuilt from the same stream records), the same writes without any GSI (the
 * index overhead ratio) and a bare 3-item TransactWriteItems (what one step costs beyond the
 * store). Last line: one JSON object.
 */
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { startStack } from '../../functions/local/stack.ts';
import { Api } from '../support/stack.ts';

const N = Number(process.env.LIFECYCLES ?? 30);
const IN_FLIGHT = Math.max(1, Number(process.env.LOOPS_IN_FLIGHT ?? 1));
// the deployed mapping's maxBatchingWindow (infra/src/events-stack.ts)
process.env.STREAM_BATCH_WINDOW_MS ??= '1000';
const RESIDENT = 'u-res-zhang';
const WORKER = 'u-gw-kejiyuan-01';
const LEADER = 'u-gl-kejiyuan';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function main() {
  const stack = await startStack({ port: 0, tableName: `bench-${Date.now()}`, streamIntervalMs: 100 });
  const { capacity } = await import('../../functions/src/store/capacity.ts');
  const { doc } = await import('../../functions/src/store/clients.ts');
  const { TransactWriteCommand } = await import('@aws-sdk/lib-dynamodb');
  const { startStreamPump } = await import('../../functions/local/stream-pump.ts');
  const baseline = await import('./baseline.ts');
  const api = new Api(stack.url);
  const grid = (await api.get('/v1/areas?level=grid')).json.items.find((g: { id: string }) => g.id === 'gr-kejiyuan-01');
  const location = { lat: grid.centroid.lat, lng: grid.centroid.lng };
  const photo = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#a55' } }).jpeg().toBuffer();

  // Baseline: a bare transaction of three small items, straight to the store.
  const raw: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    await doc.send(
      new TransactWriteCommand({
        TransactItems: ['A', 'B', 'C'].map((sk) => ({ Put: { TableName: stack.tableName, Item: { PK: `BENCH#${i}`, SK: sk, v: 'x'.repeat(300) } } })),
      }),
    );
    raw.push(performance.now() - t);
  }

  const steps: Record<string, number[]> = {};
  const time = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const out = await fn();
    (steps[name] ??= []).push(performance.now() - t);
    return out;
  };
  const afterPhotos = await Promise.all(Array.from({ length: N }, () => api.uploadReady(WORKER, photo)));
  await stack.drainStream();
  capacity.reset();
  const before = baseline.priceWritePathAsBefore();
  // the former KPI consumer, reading the same stream (from the first record written from here on)
  let counting = false;
  const formerKpi = { wcu: 0, transactions: 0, aloneWcu: 0 };
  const formerPump = await startStreamPump({
    intervalMs: 100,
    batchWindowMs: 0,
    handler: async (e) => {
      if (!counting) return;
      const c = await baseline.formerKpiCost(e);
      formerKpi.wcu += c.wcu;
      formerKpi.transactions += c.transactions;
      formerKpi.aloneWcu += c.aloneWcu;
    },
  });
  await formerPump.drain();
  counting = true;
  const loop = async (i: number) => {
    const r = await time('create', () =>
      api.post('/v1/reports', { category: 'ebike_charging', description: `楼道飞线充电 #${i}`, location }, RESIDENT, { 'idempotency-key': randomUUID() }),
    );
    if (r.status !== 201) throw new Error(`create: ${r.status} ${r.text}`);
    const id = r.json.id as string;
    const act = async (as: string, body: Record<string, unknown>) => {
      const res = await time(String(body.action), () => api.post(`/v1/reports/${id}/actions`, body, as));
      if (res.status !== 200) throw new Error(`${String(body.action)}: ${res.status} ${res.text}`);
    };
    await act(WORKER, { action: 'accept' });
    await act(WORKER, { action: 'dispatch', assigneeId: WORKER });
    await act(WORKER, { action: 'start' });
    await act(WORKER, { action: 'resolve', note: '已处理', photos: [afterPhotos[i]] });
    await act(LEADER, { action: 'verify' });
    await act(LEADER, { action: 'close' });
    const rated = await time('rate', () => api.post(`/v1/reports/${id}/rating`, { score: 'satisfied' }, RESIDENT));
    if (rated.status !== 200) throw new Error(`rate: ${rated.status}`);
  };
  // LOOPS_IN_FLIGHT reports go through their loops side by side (default 1: one after another)
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, N) }, async () => {
    while (next < N) await loop(next++);
  }));
  // every loop's stream records counted, by this design's consumer and by the former one
  await stack.drainStream();
  await formerPump.drain();
  const t = capacity.snapshot();
  before.stop();
  await formerPump.stop();
  await stack.stop();

  const perLifecycle = (x: number) => Math.round((x / N) * 10) / 10;
  const table = perLifecycle(t.tableWcu);
  const index = perLifecycle(t.indexWcu);
  const kpi = perLifecycle(t.kpiWcu);
  const total = Math.round((table + index + kpi) * 10) / 10;
  const was = { table: perLifecycle(before.totals.table), index: perLifecycle(before.totals.index), kpi: perLifecycle(formerKpi.wcu) };
  const wasTotal = Math.round((was.table + was.index + was.kpi) * 10) / 10;
  const actionMedians = Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, Math.round(median(v) * 10) / 10]));
  const medianAction = median(Object.values(steps).flat());
  const windowMs = Number(process.env.STREAM_BATCH_WINDOW_MS);
  console.log(`lifecycles: ${N}, ${IN_FLIGHT} at a time (create, accept, dispatch, start, resolve, verify, close, rate); stream batches gathered for ${windowMs} ms`);
  console.log(`per lifecycle, AWS rules, this layout:   ${table} WCU table + ${index} WCU GSIs + ${kpi} WCU KPI counters = ${total} WCU`);
  console.log(`  in ${(t.transactions - t.kpiTransactions) / N} write-path transactions + ${perLifecycle(t.kpiTransactions)} KPI transactions for ${perLifecycle(formerKpi.transactions)} counted changes`);
  console.log(`  KPI if every change came alone in its batch (a quiet hour): ${perLifecycle(formerKpi.aloneWcu)} WCU, total ${Math.round((table + index + formerKpi.aloneWcu / N) * 10) / 10} WCU`);
  console.log(`per lifecycle, AWS rules, layout before: ${was.table} WCU table + ${was.index} WCU GSIs + ${was.kpi} WCU KPI counters = ${wasTotal} WCU`);
  console.log(`  (same loops: write path priced in the former items and ALL projections; ${perLifecycle(formerKpi.transactions)} KPI transactions, one per change)`);
  console.log(`ratio this / before: ${(total / wasTotal).toFixed(3)} (x${(wasTotal / total).toFixed(2)} cheaper)`);
  console.log(`per lifecycle, DynamoDB Local reported: ${perLifecycle(t.localReportedWcu)} WCU (its own figures, not AWS's)`);
  console.log(`index overhead vs the same writes without GSIs: x${(total / (table + kpi)).toFixed(2)}`);
  console.log(`median ms per step over HTTP: ${JSON.stringify(actionMedians)}; bare 3-item transaction ${median(raw).toFixed(1)} ms`);
  console.log(
    JSON.stringify({
      bench: 'lifecycle',
      lifecycles: N,
      loopsInFlight: IN_FLIGHT,
      awsWcuPerLifecycle: total,
      tableWcuPerLifecycle: table,
      indexWcuPerLifecycle: index,
      kpiWcuPerLifecycle: kpi,
      kpiWcuPerLifecycleOneChangePerBatch: perLifecycle(formerKpi.aloneWcu),
      kpiTransactionsPerLifecycle: perLifecycle(t.kpiTransactions),
      baseline: 'layout before issue 11, priced for the same loops in this run',
      baselineAwsWcuPerLifecycle: wasTotal,
      baselineTableWcuPerLifecycle: was.table,
      baselineIndexWcuPerLifecycle: was.index,
      baselineKpiWcuPerLifecycle: was.kpi,
      ratioVsBaseline: Math.round((total / wasTotal) * 1000) / 1000,
      streamBatchWindowMs: windowMs,
      localReportedWcuPerLifecycle: perLifecycle(t.localReportedWcu),
      transactionsPerLifecycle: t.transactions / N,
      ratioVsNoIndexes: Math.round((total / (table + kpi)) * 100) / 100,
      medianStepMs: Math.round(medianAction * 10) / 10,
      bareTransactionMs: Math.round(median(raw) * 10) / 10,
      ratioVsBareTransaction: Math.round((medianAction / median(raw)) * 100) / 100,
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
