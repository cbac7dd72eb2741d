/**
 * `npm run bench:load`: the local stack under a mixed workload, at several concurrency levels.
 *
 * Mix (per request, drawn at random): 70% reads — a report (GET /v1/reports/{id}, as its reporter
 * or as its grid's worker) 30%, a worker's open tasks 20%, an inbox (worker or resident) 20% —;
 * 20% new reports (POST /v1/reports with a fresh Idempotency-Key, spread over the seeded residents
 * and the 20 demo grids; 1 in 20 is sent twice with the same key, as a phone on a bad network
 * would, and must answer the same report); 10% staff actions on the reports filed so far, each by
 * the right person of the report's grid, with expectedVersion: accept, dispatch to self, start
 * (the grid worker), remind (the community's grid leader).
 *
 * Per level (LOAD_LEVELS, default "10,50,100"; LOAD_SECONDS each, default 30): first the
 * baseline — the same driver at the same concurrency against GET /v1/health, the floor of the
 * gateway (LOAD_BASELINE_SECONDS, default a third of LOAD_SECONDS, at least 3) —, then the mix;
 * printed: requests/s (and the ratio to the baseline), p50 / p99 overall and per kind, answers by
 * status, errors (5xx, timeouts after LOAD_TIMEOUT_MS, dropped connections), and the stream lag:
 * from the transaction that created a report returning to the notifier's write of the grid
 * worker's task item returning (both seen on the stack's own DynamoDB client, ddb-probe.ts).
 * After each level the stream is drained before the next starts (its backlog is printed).
 *
 * Then the consistency checks (PASS / FAIL each; any FAIL or any error exits non-zero): every
 * created report is readable and at the version its actions left it; the timeline holds one
 * event per version, 1..version; every inbox item is there exactly once per recipient (the task
 * with the grid's worker and nobody else, every step with the reporter, co-notified officers,
 * reminders); GET /v1/stats counts for the district and every grid equal the reports created.
 * Then a quiet pass measures what each kind of request costs in DynamoDB calls (and what the
 * stream consumers do after it).
 *
 * LOAD_PROFILE_DIR=dir writes a V8 CPU profile of each level's mixed phase there (only the
 * measured window, not the setup); `tsx tests/bench/cpuprofile-top.ts <file>` summarises one.
 * Last line: one JSON object; its headline figures are the c50 level's (or the last level's
 * when 50 is not run), `errors` is the sum over all levels and `streamLagP99Ms` the worst level.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { Client, Recorder, closedLoop, quantile, round, type Reply } from './load-driver.ts';
import { attachProbe } from './ddb-probe.ts';

// Set before the stack's modules are imported (they read the environment once).
process.env.RATE_LIMITS ??= 'reports=1000000/600,uploads=1000000/600,follows=1000000/600';
process.env.LOG_LEVEL ??= 'WARN';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 30);
const LEVELS = (process.env.LOAD_LEVELS ?? '10,50,100').split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
const BASELINE_SECONDS = Number(process.env.LOAD_BASELINE_SECONDS ?? Math.max(3, Math.round(SECONDS / 3)));
const WARMUP_SECONDS = Number(process.env.LOAD_WARMUP_SECONDS ?? 5);
const TIMEOUT_MS = Number(process.env.LOAD_TIMEOUT_MS ?? 10_000);
const PROFILE_DIR = process.env.LOAD_PROFILE_DIR;
const STREAM_INTERVAL_MS = process.env.LOAD_STREAM_INTERVAL_MS ? Number(process.env.LOAD_STREAM_INTERVAL_MS) : undefined;
const COST_SAMPLES = Number(process.env.LOAD_COST_SAMPLES ?? 5);
const REPLAY_SHARE = 0.05;
const DISTRICT = 'gd-nanshan';

interface DevUser {
  id: string;
  role: string;
  name: string;
  areaIds: string[];
}
interface Grid {
  id: string;
  parentId: string;
  beatId: string;
  centroid: { lat: number; lng: number };
  worker: DevUser;
  leader: DevUser;
  officer: DevUser;
}
interface Tracked {
  id: string;
  grid: Grid;
  reporterId: string;
  category: string;
  version: number;
  status: string;
  /** versions whose step tells the reporter (every staff step here) */
  toReporter: number[];
  /** the version a leader's reminder made (tells the worker), if any */
  remindedAt: number | null;
  /** an action answered 5xx / timed out: the version is not known to the driver */
  uncertain: boolean;
}

/**
 * CPU time (ms) used so far by this process and by its DynamoDB Local child (Linux /proc; 0
 * elsewhere). On a shared machine wall-clock figures swing with the neighbours' load; CPU per
 * request is what the code itself costs.
 */
async function cpuMs(): Promise<{ node: number; dynamo: number }> {
  const u = process.cpuUsage();
  let dynamo = 0;
  try {
    const tick = 10; // USER_HZ = 100 on Linux
    const kids: string[] = [];
    for (const t of await readdir('/proc/self/task')) kids.push(...(await readFile(`/proc/self/task/${t}/children`, 'utf8')).split(' ').filter(Boolean));
    for (const pid of kids) {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(java)')) continue;
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      dynamo += (Number(f[11]) + Number(f[12])) * tick; // utime, stime
    }
  } catch {
    dynamo = 0;
  }
  return { node: (u.user + u.system) / 1000, dynamo };
}

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
const pct = (xs: readonly number[]) => ({ p50: round(quantile(xs, 0.5)), p99: round(quantile(xs, 0.99)) });

async function main() {
  const { startStack } = await import('../../functions/local/stack.ts');
  const { Api } = await import('../support/stack.ts');
  const stack = await startStack({ port: 0, tableName: `bench-load-${Date.now()}`, ...(STREAM_INTERVAL_MS ? { streamIntervalMs: STREAM_INTERVAL_MS } : {}) });
  const { dynamo } = await import('../../functions/src/store/clients.ts');
  const { getReportStory } = await import('../../functions/src/store/reports.ts');
  const probe = attachProbe(dynamo);
  const api = new Api(stack.url);

  // The demo city's people, by the areas they work.
  const users = (await api.get('/v1/dev/users')).json.items as DevUser[];
  const byRole = (role: string, areaId?: string) => users.filter((u) => u.role === role && (areaId === undefined || u.areaIds.includes(areaId)));
  const residents = byRole('resident');
  const dispatcher = byRole('dispatcher', DISTRICT)[0]!;
  const grids: Grid[] = ((await api.get('/v1/areas?level=grid')).json.items as Array<Omit<Grid, 'worker' | 'leader' | 'officer'>>).map((g) => ({
    ...g,
    worker: byRole('grid_worker', g.id)[0]!,
    leader: byRole('grid_leader', g.parentId)[0]!,
    officer: byRole('police_officer', g.beatId)[0]!,
  }));
  if (residents.length === 0 || grids.some((g) => !g.worker || !g.leader || !g.officer) || !dispatcher) throw new Error('the demo city lacks residents, or a grid its worker / leader / officer');
  const workers = grids.map((g) => g.worker);
  const tokens = new Map<string, string>();
  for (const u of users) tokens.set(u.id, await api.token(u.id));
  const token = (id: string) => tokens.get(id)!;

  const tracked: Tracked[] = [];
  const actionable: Tracked[] = [];
  const problems = { replays: 0, replayMismatch: [] as string[], misrouted: [] as string[], refused: [] as string[], createRetries: 0 };
  let seq = 0;

  const takeRandom = <T>(xs: T[]): T | undefined => {
    if (xs.length === 0) return undefined;
    const i = Math.floor(Math.random() * xs.length);
    const x = xs[i]!;
    xs[i] = xs[xs.length - 1]!;
    xs.pop();
    return x;
  };

  // ---- the operations -------------------------------------------------------------------------
  async function create(c: Client, rec: Recorder, tag: string) {
    const resident = pick(residents);
    const grid = pick(grids);
    const category = Math.random() < 0.7 ? 'fire_exit_blocked' : 'ebike_charging';
    const j = () => (Math.random() - 0.5) * 0.0002; // ±10 m around the centroid
    const body = { category, description: `负载测试 ${tag} #${seq++}：楼道堆放杂物，安全出口被堵`, location: { lat: grid.centroid.lat + j(), lng: grid.centroid.lng + j() } };
    const call = { method: 'POST' as const, path: '/v1/reports', token: token(resident.id), body, headers: { 'idempotency-key': randomUUID() } };
    let r = await c.send(call);
    rec.add('create', r, 201);
    // No answer or a 5xx: the report may or may not exist. A client retries with the same key,
    // which tells (and keeps the count of reports exact).
    for (let i = 0; i < 5 && (r.status === 0 || r.status >= 500); i++) {
      problems.createRetries++;
      await new Promise((res) => setTimeout(res, 200 * (i + 1)));
      r = await c.send(call);
      rec.add('create (retry after error)', r, 201);
    }
    if (r.status !== 201) {
      if (r.status > 0 && r.status < 500) problems.refused.push(`create: ${r.status} ${r.text.slice(0, 160)}`);
      return;
    }
    const view = JSON.parse(r.text) as { id: string; version: number; status: string; assignee: { role: string; name: string } | null };
    if (view.assignee?.role !== 'grid_worker' || view.assignee.name !== grid.worker.name) problems.misrouted.push(`${view.id} in ${grid.id}: ${JSON.stringify(view.assignee)}`);
    const t: Tracked = { id: view.id, grid, reporterId: resident.id, category, version: view.version, status: view.status, toReporter: [], remindedAt: null, uncertain: false };
    tracked.push(t);
    actionable.push(t);
    if (Math.random() < REPLAY_SHARE) {
      const again = await c.send(call);
      rec.add('create (same key again)', again, 201);
      problems.replays++;
      const id = again.status === 201 ? (JSON.parse(again.text) as { id: string }).id : null;
      if (id !== view.id || again.headers['idempotent-replayed'] !== 'true') problems.replayMismatch.push(`${view.id}: ${again.status} ${id}`);
    }
  }

  function nextStep(t: Tracked): { as: string; body: Record<string, unknown> } | null {
    const w = t.grid.worker.id;
    if (t.status === 'reported') return { as: w, body: { action: 'accept' } };
    if (t.status === 'accepted') return { as: w, body: { action: 'dispatch', assigneeId: w } };
    if (t.status === 'dispatched') return { as: w, body: { action: 'start' } };
    if (t.status === 'in_progress' && t.remindedAt === null) return { as: t.grid.leader.id, body: { action: 'remind' } };
    return null;
  }

  async function staffAction(c: Client, rec: Recorder) {
    const t = takeRandom(actionable);
    const step = t && nextStep(t);
    if (!t || !step) return readReport(c, rec);
    const r = await c.send({ method: 'POST', path: `/v1/reports/${t.id}/actions`, token: token(step.as), body: { ...step.body, expectedVersion: t.version } });
    rec.add(`action ${String(step.body.action)}`, r, 200);
    if (r.status === 200) {
      const view = JSON.parse(r.text) as { version: number; status: string };
      t.version = view.version;
      t.status = view.status;
      t.toReporter.push(view.version);
      if (step.body.action === 'remind') t.remindedAt = view.version;
      if (nextStep(t)) actionable.push(t);
    } else if (r.status > 0 && r.status < 500) {
      problems.refused.push(`${t.id} ${String(step.body.action)} at v${t.version}: ${r.status} ${r.text.slice(0, 160)}`);
    } else {
      t.uncertain = true;
    }
  }

  async function readReport(c: Client, rec: Recorder) {
    const t = tracked.length ? pick(tracked) : undefined;
    if (!t) return create(c, rec, 'bootstrap');
    const viewer = Math.random() < 0.5 ? t.reporterId : t.grid.worker.id;
    rec.add('get report', await c.send({ method: 'GET', path: `/v1/reports/${t.id}`, token: token(viewer) }), 200);
  }
  async function readTasks(c: Client, rec: Recorder) {
    rec.add('tasks', await c.send({ method: 'GET', path: '/v1/tasks?state=open', token: token(pick(workers).id) }), 200);
  }
  async function readInbox(c: Client, rec: Recorder) {
    const u = Math.random() < 0.5 ? pick(workers) : pick(residents);
    rec.add('inbox', await c.send({ method: 'GET', path: '/v1/inbox?limit=20', token: token(u.id) }), 200);
  }

  const mixed = (c: Client, rec: Recorder, tag: string) => async () => {
    const x = Math.random() * 100;
    if (x < 30) return readReport(c, rec);
    if (x < 50) return readTasks(c, rec);
    if (x < 70) return readInbox(c, rec);
    if (x < 90) return create(c, rec, tag);
    return staffAction(c, rec);
  };

  async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (!PROFILE_DIR) return fn();
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
    await session.post('Profiler.start');
    try {
      return await fn();
    } finally {
      const { profile } = await session.post('Profiler.stop');
      await mkdir(PROFILE_DIR, { recursive: true });
      const file = join(PROFILE_DIR, `${name}.cpuprofile`);
      await writeFile(file, JSON.stringify(profile));
      session.disconnect();
      console.log(`  cpu profile: ${file}`);
    }
  }

  // ---- warm-up: connections, JIT, a first few reports to read and act on ----------------------
  {
    const c = new Client(stack.url, 10, TIMEOUT_MS);
    await closedLoop(10, WARMUP_SECONDS, mixed(c, new Recorder(), 'warmup'));
    c.close();
    await stack.drainStream();
  }
  console.log(`stack up; warm-up ${WARMUP_SECONDS} s at c10 filed ${tracked.length} reports; levels ${LEVELS.join(', ')} × ${SECONDS} s (baseline GET /v1/health ${BASELINE_SECONDS} s each)`);

  // ---- the levels -----------------------------------------------------------------------------
  interface Level {
    concurrency: number;
    requestsPerSec: number;
    baselineRequestsPerSec: number;
    ratioVsHealth: number;
    p50Ms: number;
    p99Ms: number;
    errors: number;
    byStatus: Record<string, number>;
    streamLagP50Ms: number;
    streamLagP99Ms: number;
    streamLagMaxMs: number;
    drainAfterMs: number;
    reportsCreated: number;
    dynamoCallsPerRequest: number;
    nodeCpuMsPerRequest: number;
    dynamoLocalCpuMsPerRequest: number;
  }
  const levels: Level[] = [];
  for (const conc of LEVELS) {
    const base = new Client(stack.url, conc, TIMEOUT_MS);
    const baseRec = new Recorder();
    const baseSeconds = await closedLoop(conc, BASELINE_SECONDS, async () => baseRec.add('health', await base.send({ method: 'GET', path: '/v1/health' }), 200));
    base.close();
    const baseline = baseRec.ms.length / baseSeconds;

    const first = tracked.length;
    probe.take();
    const c = new Client(stack.url, conc, TIMEOUT_MS);
    const rec = new Recorder();
    const cpu0 = await cpuMs();
    const seconds = await profiled(`load-c${conc}`, () => closedLoop(conc, SECONDS, mixed(c, rec, `c${conc}`)));
    c.close();
    const t0 = performance.now();
    await stack.drainStream();
    const drainAfterMs = performance.now() - t0;
    const calls = [...probe.take().values()].reduce((a, b) => a + b, 0);
    const cpu1 = await cpuMs(); // the level's stream work included: it was caused by the level

    const lags: number[] = [];
    let unmeasured = 0;
    for (const t of tracked.slice(first)) {
      const a = probe.createdAt.get(t.id);
      const b = probe.inboxAt.get(`${t.grid.worker.id}|${t.id}-000001`);
      if (a === undefined || b === undefined) unmeasured++;
      else lags.push(b - a);
    }
    const overall = pct(rec.ms);
    const lag = pct(lags);
    const level: Level = {
      concurrency: conc,
      requestsPerSec: round(rec.ms.length / seconds),
      baselineRequestsPerSec: round(baseline),
      ratioVsHealth: round(rec.ms.length / seconds / baseline, 3),
      p50Ms: overall.p50,
      p99Ms: overall.p99,
      errors: rec.errors() + baseRec.errors(),
      byStatus: Object.fromEntries([...rec.byStatus].sort()),
      streamLagP50Ms: lag.p50,
      streamLagP99Ms: lag.p99,
      streamLagMaxMs: round(Math.max(0, ...lags)),
      drainAfterMs: round(drainAfterMs),
      reportsCreated: tracked.length - first,
      dynamoCallsPerRequest: round(calls / rec.ms.length, 2),
      nodeCpuMsPerRequest: round((cpu1.node - cpu0.node) / rec.ms.length, 2),
      dynamoLocalCpuMsPerRequest: round((cpu1.dynamo - cpu0.dynamo) / rec.ms.length, 2),
    };
    levels.push(level);
    console.log(
      `c${conc}: ${level.requestsPerSec} req/s (GET /v1/health ${level.baselineRequestsPerSec} req/s: ratio ${level.ratioVsHealth}); p50 ${level.p50Ms} ms, p99 ${level.p99Ms} ms; ` +
        `${rec.ms.length} requests ${JSON.stringify(level.byStatus)}; errors (5xx + timeouts) ${level.errors}`,
    );
    const kinds = [...rec.byKind].sort((a, b) => b[1].length - a[1].length).map(([k, xs]) => `${k} ${xs.length}× p50 ${pct(xs).p50} / p99 ${pct(xs).p99}`);
    console.log(`  by kind (ms): ${kinds.join('; ')}`);
    for (const [k, u] of rec.unexpected) console.log(`  unexpected answers to ${k}: ${JSON.stringify(Object.fromEntries(u))}`);
    if (baseRec.errors()) console.log(`  baseline errors: ${JSON.stringify(Object.fromEntries(baseRec.byStatus))}`);
    console.log(
      `  stream lag (create committed -> worker's task in the inbox) over ${lags.length} reports: p50 ${level.streamLagP50Ms} ms, p99 ${level.streamLagP99Ms} ms, max ${level.streamLagMaxMs} ms` +
        `${unmeasured ? ` (${unmeasured} not measured)` : ''}; stream drained ${level.drainAfterMs} ms after the level; ${level.dynamoCallsPerRequest} DynamoDB calls per request (stream consumers included)`,
    );
    console.log(
      `  CPU per request (the level and its stream work): Node ${level.nodeCpuMsPerRequest} ms (stack, stream consumers and this driver), DynamoDB Local ${level.dynamoLocalCpuMsPerRequest} ms`,
    );
  }

  // ---- consistency ----------------------------------------------------------------------------
  await stack.drainStream();
  const checks: Array<{ name: string; ok: boolean; detail: string }> = [];
  const check = (name: string, failures: string[], total: number, what: string) => {
    checks.push({ name, ok: failures.length === 0, detail: failures.length === 0 ? `${total} ${what}` : `${failures.length} of ${total} ${what}; e.g. ${failures.slice(0, 3).join(' | ')}` });
  };
  const c = new Client(stack.url, 8, 30_000);
  const inParallel = async <T>(xs: readonly T[], n: number, fn: (x: T) => Promise<void>) => {
    let i = 0;
    await Promise.all(Array.from({ length: n }, async () => {
      while (i < xs.length) await fn(xs[i++]!);
    }));
  };

  const unreadable: string[] = [];
  const events: string[] = [];
  await inParallel(tracked, 8, async (t) => {
    const [r, story] = await Promise.all([c.send({ method: 'GET', path: `/v1/reports/${t.id}`, token: token(t.reporterId) }), getReportStory(t.id)]);
    if (r.status !== 200) return void unreadable.push(`${t.id}: ${r.status}`);
    const view = JSON.parse(r.text) as { id: string; version: number; status: string; timeline: unknown[] };
    if (view.id !== t.id || (!t.uncertain && (view.version !== t.version || view.status !== t.status))) unreadable.push(`${t.id}: v${view.version} ${view.status}, the driver saw v${t.version} ${t.status}`);
    const heads = (story?.events ?? []).filter((e) => e.seq === 0).map((e) => e.version).sort((a, b) => a - b);
    const want = Array.from({ length: view.version }, (_, i) => i + 1);
    if (heads.join(',') !== want.join(',')) events.push(`${t.id}: versions with an event ${heads.join(',')}, expected 1..${view.version}`);
    else if (view.timeline.length !== story!.events.length) events.push(`${t.id}: timeline shows ${view.timeline.length} of ${story!.events.length} events`);
  });
  check('every created report readable, at the version its actions left it', unreadable, tracked.length, 'reports');
  check('one timeline event per version (1..version, none twice, none missing)', events, tracked.length, 'reports');

  // Every inbox of everyone involved, page by page, through the API.
  const inboxes = new Map<string, Map<string, { count: number; reason: string }>>();
  const people = [...new Set([...residents.map((u) => u.id), ...grids.flatMap((g) => [g.worker.id, g.leader.id, g.officer.id])])];
  let inboxItems = 0;
  await inParallel(people, 8, async (userId) => {
    const seen = new Map<string, { count: number; reason: string }>();
    let cursor: string | null = null;
    do {
      const r: Reply = await c.send({ method: 'GET', path: `/v1/inbox?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, token: token(userId) });
      if (r.status !== 200) throw new Error(`inbox of ${userId}: ${r.status} ${r.text}`);
      const page = JSON.parse(r.text) as { items: Array<{ id: string; reason: string }>; cursor: string | null };
      for (const i of page.items) {
        const s = seen.get(i.id);
        if (s) s.count++;
        else seen.set(i.id, { count: 1, reason: i.reason });
        inboxItems++;
      }
      cursor = page.cursor;
    } while (cursor);
    inboxes.set(userId, seen);
  });
  const inboxFailures: string[] = [];
  for (const [userId, seen] of inboxes) for (const [id, s] of seen) if (s.count !== 1) inboxFailures.push(`${userId} has ${id} ${s.count}×`);
  const holders = new Map<string, string[]>(); // `${reportId}-000001` -> who has it as a task
  for (const [userId, seen] of inboxes) for (const [id, s] of seen) if (s.reason === 'task' && id.endsWith('-000001')) holders.set(id, [...(holders.get(id) ?? []), userId]);
  const v = (n: number) => String(n).padStart(6, '0');
  let expected = 0;
  for (const t of tracked) {
    const task = `${t.id}-000001`;
    const has = holders.get(task) ?? [];
    expected++;
    if (has.length !== 1 || has[0] !== t.grid.worker.id) inboxFailures.push(`task ${task} in the inbox of [${has.join(', ')}], expected ${t.grid.worker.id}`);
    if (t.category === 'ebike_charging') {
      expected++;
      if (inboxes.get(t.grid.officer.id)?.get(task)?.reason !== 'co_notified') inboxFailures.push(`${task}: officer ${t.grid.officer.id} not co-notified`);
    }
    for (const n of t.toReporter) {
      expected++;
      if (!inboxes.get(t.reporterId)?.has(`${t.id}-${v(n)}`)) inboxFailures.push(`${t.id}-${v(n)} missing from the reporter's inbox`);
    }
    if (t.remindedAt !== null) {
      expected++;
      if (inboxes.get(t.grid.worker.id)?.get(`${t.id}-${v(t.remindedAt)}`)?.reason !== 'reminder') inboxFailures.push(`${t.id}-${v(t.remindedAt)}: reminder missing from the worker's inbox`);
    }
  }
  check('each notification in exactly one inbox item per recipient (tasks with the grid worker only)', inboxFailures, expected, `expected items (${inboxItems} read from ${people.length} inboxes)`);

  // Counters: the district and every grid (read through the four communities).
  const statsFailures: string[] = [];
  const get = async (areaId: string) => {
    const r = await c.send({ method: 'GET', path: `/v1/stats?areaId=${areaId}`, token: token(dispatcher.id) });
    if (r.status !== 200) throw new Error(`stats ${areaId}: ${r.status} ${r.text}`);
    return JSON.parse(r.text) as { area: { reported: number; open: number }; children: Array<{ areaId: string; reported: number; open: number }> };
  };
  const district = await get(DISTRICT);
  if (district.area.reported !== tracked.length || district.area.open !== tracked.length) statsFailures.push(`${DISTRICT}: reported ${district.area.reported}, open ${district.area.open}; created ${tracked.length}, none closed`);
  for (const community of [...new Set(grids.map((g) => g.parentId))]) {
    const s = await get(community);
    for (const child of s.children) {
      const n = tracked.filter((t) => t.grid.id === child.areaId).length;
      if (child.reported !== n || child.open !== n) statsFailures.push(`${child.areaId}: reported ${child.reported}, open ${child.open}; created ${n}`);
    }
  }
  check('GET /v1/stats counts equal the reports created (district and every grid)', statsFailures, grids.length + 1, 'areas');
  check('a retry with the same Idempotency-Key answers the same report', problems.replayMismatch, problems.replays, 'retries');
  check('every report routed to its grid worker', problems.misrouted, tracked.length, 'reports');
  check('no staff action or create refused (4xx: the driver or a lost update)', problems.refused, tracked.length + tracked.reduce((s, t) => s + t.toReporter.length, 0), 'writes');

  for (const x of checks) console.log(`${x.ok ? 'PASS' : 'FAIL'} ${x.name}: ${x.detail}`);

  // ---- what one request of each kind costs in DynamoDB calls (quiet, one at a time) -----------
  const show = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .map(([k, x]) => `${round(x / n, 1)} ${k}`)
      .join(', ');
  const cost = async (kind: string, n: number, send: (i: number) => Promise<Reply>) => {
    await stack.drainStream();
    const during = new Map<string, number>();
    const after = new Map<string, number>();
    let ms = 0;
    for (let i = 0; i < n; i++) {
      probe.take();
      const r = await send(i);
      ms += r.ms;
      for (const [k, x] of probe.take()) during.set(k, (during.get(k) ?? 0) + x);
      await stack.drainStream();
      for (const [k, x] of probe.take()) after.set(k, (after.get(k) ?? 0) + x);
    }
    const total = (m: Map<string, number>) => round([...m.values()].reduce((a, b) => a + b, 0) / n, 1);
    console.log(`  ${kind} (${round(ms / n)} ms alone): ${total(during)} calls: ${show(during, n)}${after.size ? ` | then the stream consumers: ${total(after)} calls: ${show(after, n)}` : ''}`);
  };
  console.log(`DynamoDB calls per request, one at a time (mean of ${COST_SAMPLES}):`);
  const sample = tracked.slice(-COST_SAMPLES);
  const g = grids[0]!;
  await cost('GET /v1/health', COST_SAMPLES, () => c.send({ method: 'GET', path: '/v1/health' }));
  await cost('GET /v1/reports/{id} as the reporter', COST_SAMPLES, (i) => c.send({ method: 'GET', path: `/v1/reports/${sample[i % sample.length]!.id}`, token: token(sample[i % sample.length]!.reporterId) }));
  await cost('GET /v1/reports/{id} as the grid worker', COST_SAMPLES, (i) => c.send({ method: 'GET', path: `/v1/reports/${sample[i % sample.length]!.id}`, token: token(sample[i % sample.length]!.grid.worker.id) }));
  await cost(`GET /v1/tasks?state=open (${tracked.filter((t) => t.grid.id === g.id).length} open)`, COST_SAMPLES, () => c.send({ method: 'GET', path: '/v1/tasks?state=open', token: token(g.worker.id) }));
  await cost('GET /v1/inbox', COST_SAMPLES, () => c.send({ method: 'GET', path: '/v1/inbox?limit=20', token: token(g.worker.id) }));
  const fresh: string[] = [];
  await cost('POST /v1/reports', COST_SAMPLES, async () => {
    const r = await c.send({
      method: 'POST',
      path: '/v1/reports',
      token: token(residents[0]!.id),
      body: { category: 'fire_exit_blocked', description: '负载测试 cost：安全出口被堵', location: g.centroid },
      headers: { 'idempotency-key': randomUUID() },
    });
    if (r.status === 201) fresh.push((JSON.parse(r.text) as { id: string }).id);
    return r;
  });
  const step = (action: string, as: string, extra: Record<string, unknown> = {}) => (i: number) =>
    c.send({ method: 'POST', path: `/v1/reports/${fresh[i]}/actions`, token: token(as), body: { action, ...extra } });
  await cost('POST actions accept', fresh.length, step('accept', g.worker.id));
  await cost('POST actions dispatch', fresh.length, step('dispatch', g.worker.id, { assigneeId: g.worker.id }));
  await cost('POST actions remind (leader)', fresh.length, step('remind', g.leader.id));
  c.close();
  await stack.stop();

  // ---- the figures ----------------------------------------------------------------------------
  const head = levels.find((l) => l.concurrency === 50) ?? levels[levels.length - 1]!;
  const errors = levels.reduce((s, l) => s + l.errors, 0);
  const failed = checks.filter((x) => !x.ok).length;
  console.log(
    JSON.stringify({
      bench: 'load',
      seconds: SECONDS,
      atConcurrency: head.concurrency,
      requestsPerSec: head.requestsPerSec,
      ratioVsHealth: head.ratioVsHealth,
      p50Ms: head.p50Ms,
      p99Ms: head.p99Ms,
      errors,
      streamLagP50Ms: head.streamLagP50Ms,
      streamLagP99Ms: Math.max(...levels.map((l) => l.streamLagP99Ms)),
      reports: tracked.length,
      consistency: failed === 0 ? 'pass' : `${failed} failed`,
      levels,
    }),
  );
  return errors === 0 && failed === 0;
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
