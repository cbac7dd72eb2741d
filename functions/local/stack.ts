/**
 * The whole system on one machine: DynamoDB Local, an S3 server, the gateway (API + object
 * storage passthrough + H5 app on one port), the stream pump and the schedule pump — wired to
 * the same handlers the cloud invokes. Used by `npm start` and by the integration tests.
 *
 * Configuration is read from the environment when the app modules are first imported, so this
 * file sets the environment first and imports the app dynamically afterwards.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureJava, freePort, startDynamoLocal, startS3, type DynamoEngine, type S3Engine, type S3ObjectEvent } from '#local/engines';

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
  /** waits until the stream pump has handled every record written so far */
  drainStream(): Promise<void>;
  /** waits for S3 event handlers (photo processing) started so far */
  settleUploads(): Promise<void>;
  stop(): Promise<void>;
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const started = { dynamo: undefined as DynamoEngine | undefined, s3: undefined as S3Engine | undefined };
  const tableName = opts.tableName ?? 'weishibao';
  const bucket = opts.bucket ?? 'weishibao-photos';
  let dynamoEndpoint = opts.dynamoEndpoint;
  if (!dynamoEndpoint) {
    await ensureJava();
    started.dynamo = await startDynamoLocal({ dataDir: opts.dataDir && join(opts.dataDir, 'dynamodb') });
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
  s3Events.handler = app.photoHandler;
  const gateway = app.createGateway({
    s3Endpoint: started.s3.endpoint,
    bucket,
    staticDir: opts.staticDir,
    landingPage: app.landingPage,
    standins: [(req, res, url) => wechat.handle(req, res, url)],
  });
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
    drainStream: () => pumps.stream.drain(),
    settleUploads: async () => {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
    stop: () =>
      (stopping ??= (async () => {
        await pumps.stop();
        wechat.control.dispose();
        gateway.closeAllConnections();
        await new Promise((r) => gateway.close(() => r(undefined)));
        await started.s3?.stop();
        await started.dynamo?.stop();
      })()),
  };
}
