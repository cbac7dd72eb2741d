/**
 * Every function bundle, built with THE deployed esbuild options (infra/src/bundling.ts), cold-
 * starts against the AWS SDK the Lambda nodejs22.x runtime carries — RUNTIME_SDK_VERSION,
 * installed from npm by the lockfile in tests/infra/runtime-sdk/ into a directory whose
 * node_modules holds that SDK and nothing else — in a fresh Node process, and handles one
 * event there; and the presigners, which are bundled, sign with that runtime's S3 client.
 *
 * The install is cached in the OS temp dir by the lockfile's hash: the first run needs the npm
 * registry (about 15 s), later runs are offline.
 */
import { execFileSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptions, NATIVE_MODULES, nativeModuleCopies, RUNTIME_SDK, RUNTIME_SDK_VERSION } from '../../infra/src/bundling.ts';
import { functionSpecs, REPO_ROOT, routeKey, WEBHOOK_QUEUE, type FunctionSpec } from '../../infra/src/catalog.ts';

const FIXTURE = join(REPO_ROOT, 'tests', 'infra', 'runtime-sdk');
const fixturePkg = JSON.parse(readFileSync(join(FIXTURE, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
const TOKEN_SECRET = 'runtime-sdk-test-secret-runtime-sdk-test-secret-0123';

let sdkDir: string;
let deadEndpoint: string;

/** The runtime SDK, installed once per lockfile (npm ci), in a directory of its own. */
function installRuntimeSdk(): string {
  const lock = readFileSync(join(FIXTURE, 'package-lock.json'));
  const hash = createHash('sha256').update(readFileSync(join(FIXTURE, 'package.json'))).update(lock).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), `weishibao-runtime-sdk-${hash}`);
  if (existsSync(join(dir, 'node_modules', '.package-lock.json'))) return dir;
  const stage = `${dir}.partial-${process.pid}`;
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  for (const f of ['package.json', 'package-lock.json']) writeFileSync(join(stage, f), readFileSync(join(FIXTURE, f)));
  execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: stage, stdio: 'pipe', timeout: 240_000 });
  try {
    renameSync(stage, dir);
  } catch {
    rmSync(stage, { recursive: true, force: true }); // another run finished first
  }
  return dir;
}

/** A local port nothing listens on: every AWS call fails fast with ECONNREFUSED. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Bundle {
  file: string;
  externals: string[];
}

function bundle(spec: FunctionSpec): Bundle {
  const dir = join(sdkDir, 'bundles', spec.name);
  rmSync(dir, { recursive: true, force: true });
  const file = join(dir, 'index.mjs');
  const out = buildSync({ ...esbuildOptions(spec.name), entryPoints: [spec.entry], absWorkingDir: REPO_ROOT, outfile: file, metafile: true, logLevel: 'silent' });
  const output = Object.values(out.metafile.outputs).find((o) => o.entryPoint)!;
  // native modules ship next to the bundle, as the deployment's afterBundling copy does
  for (const { name, dir: from } of nativeModuleCopies(spec.name)) {
    const to = join(dir, 'node_modules', name);
    mkdirSync(dirname(to), { recursive: true });
    symlinkSync(from, to, 'dir');
  }
  return { file, externals: [...new Set(output.imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => i.path))].sort() };
}

/** The environment of a deployed function, with every AWS endpoint pointing at a closed port. */
function cloudEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'cn-north-1',
    AWS_ACCESS_KEY_ID: 'AKIDRUNTIMESDKTEST',
    AWS_SECRET_ACCESS_KEY: 'runtime-sdk-test',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: deadEndpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    STAGE: 'test',
    TABLE_NAME: 'weishibao-test',
    PHOTO_BUCKET: 'weishibao-test-photos',
    LOG_LEVEL: 'CRITICAL',
    POWERTOOLS_SERVICE_NAME: 'weishibao',
    NODE_OPTIONS: '--enable-source-maps',
    ...extra,
  };
}

interface Outcome {
  result?: any;
  error?: { name: string; message: string; code?: string; cause?: string };
}

/** Imports the bundle in a fresh node (a cold start) and calls its handler with `event`. */
function coldStart(file: string, event: unknown, env: NodeJS.ProcessEnv): Outcome {
  const script = `
    const mod = await import(${JSON.stringify(pathToFileURL(file).href)});
    const context = { awsRequestId: 'runtime-sdk-test', functionName: 'probe', getRemainingTimeInMillis: () => 10000, callbackWaitsForEmptyEventLoop: true };
    let out;
    try { out = { result: await mod.handler(JSON.parse(process.env.WSB_PROBE_EVENT), context) ?? null }; }
    catch (e) { out = { error: { name: e.name, message: String(e.message), code: e.code, cause: e.cause && String(e.cause.code ?? e.cause.message) } }; }
    process.stdout.write('\\n' + JSON.stringify(out) + '\\n', () => process.exit(0));`;
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: dirname(file),
    env: { ...env, WSB_PROBE_EVENT: JSON.stringify(event ?? null) },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Outcome;
}

/** An API Gateway HTTP API (payload 2.0) request for a route row. */
function httpEvent(method: string, path: string, token?: string) {
  const rawPath = path.replace(/\{(\w+)\}/g, 'probe');
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    requestContext: { requestId: 'runtime-sdk-test', routeKey: `${method} ${path}`, stage: '$default', timeEpoch: Date.now(), http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'runtime-sdk-test' } },
    pathParameters: Object.fromEntries([...path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1], 'probe'])),
    isBase64Encoded: false,
    ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{}' }),
  };
}

/** An access token signed the way the app signs them (http/auth.ts), with TOKEN_SECRET. */
function accessToken(): string {
  const script = `const s = await import('./functions/src/secrets.ts'); await s.loadSecrets(); const a = await import('./functions/src/http/auth.ts'); process.stdout.write(await a.issueToken('u-runtime-sdk-probe'));`;
  return execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', TOKEN_SECRET, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    encoding: 'utf8',
  });
}

beforeAll(async () => {
  sdkDir = installRuntimeSdk();
  deadEndpoint = `http://127.0.0.1:${await closedPort()}`;
}, 300_000);

describe('the runtime SDK the bundles are tested against', () => {
  it('is RUNTIME_SDK at RUNTIME_SDK_VERSION, and nothing above its directory can stand in for it', () => {
    expect(Object.keys(fixturePkg.dependencies).sort()).toEqual([...RUNTIME_SDK].sort());
    for (const [name, version] of Object.entries(fixturePkg.dependencies)) {
      expect(version, name).toBe(RUNTIME_SDK_VERSION);
      expect(JSON.parse(readFileSync(join(sdkDir, 'node_modules', name, 'package.json'), 'utf8')).version, name).toBe(RUNTIME_SDK_VERSION);
    }
    for (let d = dirname(sdkDir); ; d = dirname(d)) {
      expect(existsSync(join(d, 'node_modules')), `${d}/node_modules would be searched too`).toBe(false);
      if (d === dirname(d)) break;
    }
  });
});

describe('each function bundle cold-starts on the runtime SDK and handles an event', () => {
  let token: string;
  beforeAll(() => {
    token = accessToken();
  }, 60_000);

  for (const spec of functionSpecs()) {
    it(spec.name, () => {
      const b = bundle(spec);
      // everything not bundled is the runtime's SDK or a native module shipped with the bundle
      for (const x of b.externals) expect([...RUNTIME_SDK, ...(NATIVE_MODULES[spec.name] ?? [])], `${spec.name} leaves ${x} external`).toContain(x);

      if (spec.kind === 'api') {
        // a signed-in route reads the caller from the table; health asks the table and the bucket
        // (Open311's routes answer XML unless the path asks for JSON: take a .json one)
        const route = spec.routes.find((r) => r.auth === 'user') ?? spec.routes.find((r) => routeKey(r) === 'GET /v1/health') ?? spec.routes.find((r) => r.path.endsWith('.json')) ?? spec.routes[0]!;
        const signedIn = route.auth === 'user';
        const out = coldStart(b.file, httpEvent(route.method, route.path, signedIn ? token : undefined), cloudEnv({ TOKEN_SECRET }));
        expect(out.error, `${routeKey(route)} threw`).toBeUndefined();
        const body = JSON.parse(out.result.body);
        expect(body.error?.code, `${routeKey(route)}: ${out.result.body}`).not.toBe('internal');
        if (signedIn || routeKey(route) === 'GET /v1/health') {
          // the SDK call was made and failed on the closed port, as an outage answers
          expect(out.result.statusCode, `${routeKey(route)}: ${out.result.body}`).toBe(503);
        } else {
          expect(out.result.statusCode, `${routeKey(route)}: ${out.result.body}`).toBeLessThan(500);
        }
        return;
      }
      if (spec.kind === 'stream') {
        // a partial batch response: nothing failed
        expect(coldStart(b.file, { Records: [] }, cloudEnv())).toEqual({ result: { batchItemFailures: [] } });
        return;
      }
      if (spec.kind === 'queue') {
        // the push reads its inbox item, meets the closed port, and answers the message as failed
        // (the webhook queue's consumer: reads the report of its change, meets the same port)
        const body = spec.name === WEBHOOK_QUEUE.consumer ? { reportId: 'R-probe', version: 2 } : { userId: 'u-probe', at: '2026-11-02T03:04:05.000Z', id: 'R-probe-000001' };
        const record = { messageId: 'm-probe', body: JSON.stringify(body), attributes: { ApproximateReceiveCount: '1' } };
        expect(coldStart(b.file, { Records: [record] }, cloudEnv())).toEqual({ result: { batchItemFailures: [{ itemIdentifier: 'm-probe' }] } });
        return;
      }
      if (spec.kind === 'photos') {
        const record = { eventName: 'ObjectCreated:Post', s3: { bucket: { name: 'weishibao-test-photos' }, object: { key: 'uploads/runtime-sdk-probe', size: 1 } } };
        const out = coldStart(b.file, { Records: [record] }, cloudEnv());
        expect(JSON.stringify(out.error ?? out), 'the photo handler reached DynamoDB or S3').toMatch(/ECONNREFUSED/);
        return;
      }
      // schedules: the sweeper first reads its secrets from Secrets Manager, expiry queries the table
      const env = spec.name === 'schedule-sweeper' ? cloudEnv({ TOKEN_SECRET_ARN: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:probe' }) : cloudEnv();
      const out = coldStart(b.file, {}, env);
      expect(JSON.stringify(out.error ?? out), `${spec.name} reached AWS`).toMatch(/ECONNREFUSED/);
    }, 90_000);
  }
});

describe('the bundled presigners sign with the runtime S3 client', () => {
  const credentials = { accessKeyId: 'AKIDRUNTIMESDKTEST', secretAccessKey: 'runtime-sdk-test-secret' };
  const signingDate = '2026-11-02T03:04:05.000Z';
  const probe = `
    import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';
    import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
    import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
    export async function presign() {
      const s3 = new S3Client({ region: 'cn-north-1', credentials: ${JSON.stringify(credentials)}, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
      const post = await createPresignedPost(s3, { Bucket: 'weishibao-test-photos', Key: 'uploads/probe', Conditions: [['content-length-range', 1, 1024]], Fields: { 'Content-Type': 'image/jpeg' }, Expires: 300 });
      const get = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'weishibao-test-photos', Key: 'photos/probe/display.jpg' }), { expiresIn: 300, signingDate: new Date(${JSON.stringify(signingDate)}) });
      return { post, get };
    }
    export const handler = presign;`;

  it('produce a valid POST policy signature and the same GET link as the SDK in package-lock', async () => {
    for (const name of ['api-uploads', 'api-reports']) {
      const file = join(sdkDir, 'bundles', `presign-${name}`, 'index.mjs');
      rmSync(dirname(file), { recursive: true, force: true });
      buildSync({ ...esbuildOptions(name), stdin: { contents: probe, resolveDir: join(REPO_ROOT, 'functions'), loader: 'ts', sourcefile: 'presign-probe.ts' }, absWorkingDir: REPO_ROOT, outfile: file, logLevel: 'silent' });
      // signing needs no network: the default endpoints, as deployed
      const { AWS_ENDPOINT_URL: _none, ...env } = cloudEnv();
      const out = coldStart(file, null, env);
      expect(out.error, name).toBeUndefined();
      const { post, get } = out.result as { post: { url: string; fields: Record<string, string> }; get: string };

      // S3's check of a browser POST: HMAC-SHA256 of the policy with the SigV4 signing key
      const [, date, region, service] = post.fields['X-Amz-Credential']!.split('/');
      const kDate = createHmac('sha256', `AWS4${credentials.secretAccessKey}`).update(date!).digest();
      const kSigning = createHmac('sha256', createHmac('sha256', createHmac('sha256', kDate).update(region!).digest()).update(service!).digest()).update('aws4_request').digest();
      expect(post.fields['X-Amz-Signature'], name).toBe(createHmac('sha256', kSigning).update(post.fields.Policy!).digest('hex'));
      const policy = JSON.parse(Buffer.from(post.fields.Policy!, 'base64').toString('utf8'));
      expect(JSON.stringify(policy.conditions), name).toContain('content-length-range');
      expect(post.url, name).toBe('https://weishibao-test-photos.s3.cn-north-1.amazonaws.com.cn/');

      // the same GET link, to the byte, as the SDK the repository installs signs it
      const { S3Client, GetObjectCommand } = await import('@aws-sdk/client-s3');
      const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
      const s3 = new S3Client({ region: 'cn-north-1', credentials, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
      const expected = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'weishibao-test-photos', Key: 'photos/probe/display.jpg' }), { expiresIn: 300, signingDate: new Date(signingDate) });
      expect(get, name).toBe(expected);
    }
  }, 120_000);
});
