/**
 * Retention on the cloud's secrets path: with TOKEN_SECRET_ARN set (as infra sets it for the
 * sweeper, whose bundle uses tokenSecret), secrets.ts reads the key from Secrets Manager — here a
 * stand-in speaking GetSecretValue's JSON protocol, reached through the SDK's own endpoint
 * setting (AWS_ENDPOINT_URL_SECRETS_MANAGER). The sweeper handler fails closed while the
 * secret cannot be read, pseudonymises with the served key once it can, and — without any token
 * secret, as before infra granted it — counts the failed retention where an alarm sees it.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { GRID, LEADER, pointIn, RESIDENT, RESIDENT2, WORKER } from '../support/fixtures.ts';

const HOUR = 3_600_000;
const TOKEN_ARN = 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:weishibao-dev-token-AbCdEf';
const SERVED = randomBytes(32).toString('hex'); // 64 characters, like the generated secret

interface Seen {
  target: string | undefined;
  secretId: string;
  signed: boolean;
}

/** Secrets Manager's GetSecretValue (awsJson1_1), or AccessDenied while `deny` is set. */
function secretsManagerStandIn() {
  const seen: Seen[] = [];
  const state = { deny: false };
  const body = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let s = '';
      req.on('data', (c: Buffer) => (s += c.toString('utf8')));
      req.on('end', () => resolve(s));
    });
  const server: Server = createServer(async (req, res) => {
    const input = JSON.parse((await body(req)) || '{}') as { SecretId?: string };
    seen.push({ target: req.headers['x-amz-target'] as string | undefined, secretId: input.SecretId ?? '', signed: /^AWS4-HMAC-SHA256 /.test(req.headers.authorization ?? '') });
    const reply = (status: number, json: unknown, errorType?: string) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'standin', ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
      res.end(JSON.stringify(json));
    };
    if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') return reply(400, { __type: 'UnknownOperationException', message: 'not in the stand-in' }, 'UnknownOperationException');
    if (state.deny) return reply(400, { __type: 'AccessDeniedException', Message: `not authorized to perform secretsmanager:GetSecretValue on ${input.SecretId}` }, 'AccessDeniedException');
    if (input.SecretId !== TOKEN_ARN) return reply(400, { __type: 'ResourceNotFoundException', Message: 'Secrets Manager can’t find the specified secret.' }, 'ResourceNotFoundException');
    reply(200, { ARN: TOKEN_ARN, Name: 'weishibao-dev-token', SecretString: SERVED, VersionId: 'v1', VersionStages: ['AWSCURRENT'], CreatedDate: 1767225600 });
  });
  return { server, seen, state };
}

const standIn = secretsManagerStandIn();
const saved: Record<string, string | undefined> = {};
const setEnv = (name: string, value: string | undefined) => {
  if (!(name in saved)) saved[name] = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
};

let stack: TestStack;
let reportId: string;
let closedAt: number;

const pseudonym = (key: string, userId: string) => `anon-${createHmac('sha256', key).update(`pseudonym:${userId}`).digest('hex').slice(0, 12)}`;
const story = async (id: string) => (await import('../../functions/src/store/reports.ts')).getReportStory(id);
/** the sweeper handler as a fresh container loads it: its own secrets module, nothing loaded yet */
async function coldSweeper() {
  vi.resetModules();
  return (await import('../../functions/src/events/sweeper.ts')).handler;
}

beforeAll(async () => {
  await new Promise<void>((resolve) => standIn.server.listen(0, '127.0.0.1', resolve));
  const { port } = standIn.server.address() as { port: number };
  // the cloud path of secrets.ts: an ARN, fetched with the SDK; its endpoint from the SDK's own setting
  setEnv('TOKEN_SECRET_ARN', TOKEN_ARN);
  setEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', `http://127.0.0.1:${port}`);
  setEnv('AWS_ACCESS_KEY_ID', 'AKIDSTANDIN');
  setEnv('AWS_SECRET_ACCESS_KEY', 'standin');
  setEnv('TOKEN_SECRET', undefined);
  stack = await startTestStack();

  // a report that ends: filed, handled, closed and rated, with a follower
  const { api } = stack;
  const location = await pointIn(api, GRID);
  const r = (await api.post('/v1/reports', { category: 'other', description: '楼道灯坏了导致看不清消防通道', location }, RESIDENT)).json;
  reportId = r.id;
  await api.post(`/v1/reports/${r.id}/follow`, {}, RESIDENT2);
  const { phonePhoto } = await import('../support/fixtures.ts');
  for (const [who, body] of [
    [WORKER, { action: 'accept' }],
    [WORKER, { action: 'dispatch', assigneeId: WORKER }],
    [WORKER, { action: 'start' }],
    [WORKER, { action: 'resolve', note: '已更换灯泡', photos: [await api.uploadReady(WORKER, await phonePhoto(400, 300))] }],
    [LEADER, { action: 'verify' }],
    [LEADER, { action: 'close' }],
  ] as const) {
    const res = await api.post(`/v1/reports/${r.id}/actions`, body, who);
    expect(res.status, res.text).toBe(200);
  }
  const rated = await api.post(`/v1/reports/${r.id}/rating`, { score: 'satisfied' }, RESIDENT);
  expect(rated.status, rated.text).toBe(200);
  closedAt = Date.parse(rated.json.timeline.find((e: { action: string }) => e.action === 'close').at);
  await stack.drainStream();
});

afterAll(async () => {
  await stack?.stop();
  await new Promise<void>((resolve) => standIn.server.close(() => resolve()));
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('retention with the token secret from Secrets Manager', () => {
  it('served the stack its key through the SDK: a signed GetSecretValue for the ARN', () => {
    expect(standIn.seen.length).toBeGreaterThan(0);
    expect(standIn.seen.every((s) => s.target === 'secretsmanager.GetSecretValue' && s.secretId === TOKEN_ARN && s.signed)).toBe(true);
  });

  it('without a token secret at all (the sweeper before it was granted one): retention fails, is counted, and nothing is pseudonymised', async () => {
    setEnv('TOKEN_SECRET_ARN', undefined);
    setEnv('WSB_LOCAL', undefined); // outside the local stack there is no default key
    const writes: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => (writes.push(String(chunk)), true)) as typeof process.stdout.write);
    try {
      const sweep = await coldSweeper();
      const result = await sweep(new Date(closedAt + 181 * 24 * HOUR));
      expect(result.failed).toBeGreaterThanOrEqual(1);
    } finally {
      spy.mockRestore();
      setEnv('TOKEN_SECRET_ARN', TOKEN_ARN);
      setEnv('WSB_LOCAL', '1');
    }
    expect((await story(reportId))!.report.reporterId).toBe(RESIDENT);
    // the line CloudWatch turns into SweeperTimerFailures, which infra alarms on
    const emf = writes.map((w) => w.trim()).filter((w) => w.startsWith('{"_aws"')).map((w) => JSON.parse(w));
    expect(emf.some((e) => e.SweeperTimerFailures >= 1 && e._aws.CloudWatchMetrics[0].Namespace === 'Weishibao')).toBe(true);
  });

  it('fails closed while Secrets Manager refuses: the run stops before any timer, nothing changes', async () => {
    standIn.state.deny = true;
    const before = standIn.seen.length;
    try {
      const sweep = await coldSweeper();
      await expect(sweep(new Date(closedAt + 181 * 24 * HOUR))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    } finally {
      standIn.state.deny = false;
    }
    expect(standIn.seen.length).toBeGreaterThan(before);
    const s = (await story(reportId))!;
    expect(s.report.reporterId).toBe(RESIDENT);
    expect(s.report.retainedAt ?? null).toBeNull();
  });

  it('pseudonymises reporter, follower and rater with the key Secrets Manager served', async () => {
    const sweep = await coldSweeper();
    const before = standIn.seen.length;
    const result = await sweep(new Date(closedAt + 181 * 24 * HOUR));
    expect(result.failed).toBe(0);
    expect(standIn.seen.length).toBeGreaterThan(before); // this cold start read the secret itself
    const s = (await story(reportId))!;
    expect(s.events.at(-1)!.action).toBe('retain');
    // HMAC under the served key — not the local default, which would give another pseudonym
    expect(s.report.reporterId).toBe(pseudonym(SERVED, RESIDENT));
    expect(pseudonym('local-dev-secret-not-for-production-use-0123456789', RESIDENT)).not.toBe(s.report.reporterId);
    expect(s.members).toEqual([]);
    expect(s.ratings.map((x) => x.userId)).toEqual([pseudonym(SERVED, RESIDENT)]);
    expect(s.events.filter((e) => e.actor?.role === 'resident').every((e) => e.actor!.id === pseudonym(SERVED, RESIDENT))).toBe(true);
  });
});
