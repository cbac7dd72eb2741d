/**
 * The whole system on one machine: DynamoDB Local, an S3 server, the gateway (API + object
 * storage passthrough + H5 app on one port), the stream pump and the schedule pump — wired to
 * the same handlers the cloud invokes. Used by `npm start` and by the integration tests.
 *
 * A DynamoDB Local the stack starts itself is supervised (local/supervisor.ts): if it dies, it is
 * restarted on the same port with the same data. stop() is graceful: the gateway stops
 * accepting and lets the requests in flight finish (up to drainMs), then the pumps stop, then
 * the engines.
 *
 * Configuration is read from the environment when the app modules are first imported, so this
 * file sets the environment first and imports the app dynamically afterwards.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureJava, freePort, startS3, type S3Engine, type S3ObjectEvent } from '#local/engines';
import { superviseDynamoLocal, type SupervisedDynamo } from '#local/supervisor';
import { trackRequests } from '#local/drain';
import { logger } from '#log';

/** how long stop() lets requests in flight finish before cutting them */
const DRAIN_MS = 10_000;
/** how long stop() waits for photo processing and the pumps' current batch */
const SETTLE_MS = 5_000;

const within = (ms: number, work: Promise<unknown>) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    void work.catch(() => undefined).finally(() => (clearTimeout(t), resolve()));
  });

export interface StackOptions {
  port: number;
  /** persist DynamoDB and S3 data here; undefined: in memory / a temp dir */
  dataDir?: string;
  /** reuse a running DynamoDB Local (tests start one per run) */
  dynamoEndpoint?: string;
  tableName?: string;
  bucket?: string;
  staticDir?: string;
  streamIntervalMs?: number;
  /** how long stop() lets requests in flight finish (default 10 s) */
  drainMs?: number;
}

export interface Stack {
  url: string;
  /** the WeChat stand-in: what it received, and how to make it misbehave */
  wechat: import('#local/wechat-standin').WechatStandin;
  port: number;
  dynamoEndpoint: string;
  s3Endpoint: string;
  tableName: string;
  bucket: string;
  /** the DynamoDB Local this stack started and supervises (undefined when given an endpoint) */
  dynamoEngine: SupervisedDynamo | undefined;
  /** waits until both stream consumers have handled every record written so far, and the pushes the notifier queued meanwhile are done */
  drainStream(): Promise<void>;
  /** no more scheduled jobs (the sweeper, widening assists …); resolves when the runs under way are over */
  stopSchedules(): Promise<void>;
  /** waits for S3 event handlers (photo processing) started so far */
  settleUploads(): Promise<void>;
  stop(): Promise<void>;
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const started = { dynamo: undefined as SupervisedDynamo | undefined, s3: undefined as S3Engine | undefined };
  // an engine restarted empty (in memory) gets its table and seed back once the app is loaded
  const afterRestart: { prepare?: () => Promise<unknown> } = {};
  const tableName = opts.tableName ?? 'weishibao';
  const bucket = opts.bucket ?? 'weishibao-photos';
  let dynamoEndpoint = opts.dynamoEndpoint;
  if (!dynamoEndpoint) {
    await ensureJava();
    started.dynamo = await superviseDynamoLocal({
      dataDir: opts.dataDir && join(opts.dataDir, 'dynamodb'),
      onRestart: async () => void (await afterRestart.prepare?.()),
    });
    dynamoEndpoint = started.dynamo.endpoint;
  }
  // S3 events arrive before the app is imported; they wait for it.
  const s3Events: { handler?: (e: S3ObjectEvent) => Promise<void> } = {};
  const inflight = new Set<Promise<void>>();
  const s3Dir = opts.dataDir ? join(opts.dataDir, 's3') : await mkdtemp(join(tmpdir(), 'wsb-s3-'));
  started.s3 = await startS3({
    dataDir: s3Dir,
    buckets: [bucket],
    port: await freePort(),
    onEvent: (e) => {
      const p = (s3Events.handler ? s3Events.handler(e) : Promise.resolve()).finally(() => inflight.delete(p));
      inflight.add(p);
      return p;
    },
  });

  // Port 0: pick the port now, because the public storage endpoint (read at import) names it.
  const port = opts.port === 0 ? await freePort() : opts.port;
  Object.assign(process.env, {
    WSB_LOCAL: '1',
    AWS_REGION: process.env.AWS_REGION ?? 'cn-north-1',
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: dynamoEndpoint,
    PHOTO_BUCKET: bucket,
    S3_ENDPOINT: started.s3.endpoint,
    S3_PUBLIC_ENDPOINT: `http://127.0.0.1:${port}`,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ?? 'true',
  });

  // WeChat's servers cannot run here: a stand-in speaking their contract, on the same port.
  process.env.WECHAT_API_BASE = `http://127.0.0.1:${port}/wechat-api`;
  const { createWechatStandin } = await import('#local/wechat-standin');
  const wechat = createWechatStandin();
  const app = await import('#local/app');
  app.configureWechatStandin(wechat, `http://127.0.0.1:${port}`);
  await app.prepareData();
  afterRestart.prepare = () => app.prepareData();
  s3Events.handler = app.photoHandler;
  const gateway = app.createGateway({
    s3Endpoint: started.s3.endpoint,
    bucket,
    staticDir: opts.staticDir,
    landingPage: app.landingPage,
    standins: [(req, res, url) => wechat.handle(req, res, url)],
  });
  const requests = trackRequests(gateway);
  await new Promise<void>((resolve, reject) => {
    gateway.once('error', reject);
    gateway.listen(port, '127.0.0.1', () => resolve());
  });
  const pumps = await app.startPumps({ dataDir: opts.dataDir, streamIntervalMs: opts.streamIntervalMs });

  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    wechat,
    dynamoEndpoint,
    s3Endpoint: started.s3.endpoint,
    tableName,
    bucket,
    dynamoEngine: started.dynamo,
    drainStream: () => pumps.stream.drain(),
    stopSchedules: () => pumps.schedule.stop(),
    settleUploads: async () => {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
    stop: () =>
      (stopping ??= (async () => {
        const { cut } = await requests.close(opts.drainMs ?? DRAIN_MS);
        if (cut > 0) logger.warn('stopping: requests still running after the grace period were cut', { cut });
        // photo processing the last uploads started, then the pumps' current batch
        await within(SETTLE_MS, Promise.allSettled([...inflight]));
        await within(SETTLE_MS, pumps.stop());
        wechat.control.dispose();
        await started.s3?.stop();
        await started.dynamo?.stop();
      })()),
  };
}
