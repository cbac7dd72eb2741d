/**
 * `npm start`: the whole system on http://127.0.0.1:${PORT:-3000}, data kept in .data/ (or in
 * DATA_DIR, relative to the repository) between runs (`npm run reset` wipes .data/), the demo
 * city seeded on first start. One `npm start` per data directory (local/lock.ts).
 *
 * npm runs this as `exec node --import tsx …`: the shell npm starts replaces itself with node,
 * and no tsx wrapper process sits in between, so the signals npm passes on (SIGINT, SIGTERM)
 * reach this process. On SIGINT, SIGTERM or SIGHUP — or when npm itself dies without passing a
 * signal on (a SIGHUP to npm kills it outright) — the gateway stops accepting, the requests in
 * flight finish (up to 10 s), then the pumps and the engines stop, the lock is released, and the
 * process exits. A second signal more than 2 s after the first stops at once.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { takeLock } from '#local/lock';

// Set before any AWS SDK client exists (the app is imported below, after this line has run).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = resolve(root, process.env.DATA_DIR || '.data');
const shownDataDir = dataDir.startsWith(`${root}/`) ? `${dataDir.slice(root.length + 1)}/` : dataDir;
const lockFile = join(dataDir, 'npm-start.pid');
const port = Number(process.env.PORT ?? 3000);
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** a repeat of the signal within this is the same stop (a Ctrl-C reaches both npm and us) */
const FORCE_AFTER_MS = 2_000;

async function main() {
  const t0 = Date.now();
  const lock = await takeLock(lockFile);
  if (!lock.taken) {
    console.error(`微事报 is already running (pid ${lock.heldBy}) with the data in ${shownDataDir}. Stop it first (Ctrl-C in its terminal).`);
    process.exit(1);
  }
  process.on('exit', () => lock.release());

  // Signals from here on: during startup they are remembered and honoured once the stack is up.
  let stopRequested: string | undefined;
  let firstStopAt = 0;
  const stopper: { now?: (why: string) => void } = {};
  const requestStop = (why: string) => {
    if (stopRequested) {
      if (Date.now() - firstStopAt > FORCE_AFTER_MS) {
        console.error(`${why} again: stopping at once.`);
        process.exit(1); // the exit hooks kill DynamoDB Local and release the lock
      }
      return;
    }
    stopRequested = why;
    firstStopAt = Date.now();
    stopper.now?.(why);
  };
  for (const signal of SIGNALS) process.on(signal, () => requestStop(signal));
  // npm dies on SIGHUP without passing it on; we are then re-parented: stop as if told to.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && requestStop('parent process exited'), 500).unref();

  // The app at `/`: built here when missing or older than its sources (once; later starts find
  // it fresh). A failed build leaves the API up, with the page of demo users instead of the app.
  const { buildFor, ensureBuild } = await import('#local/app-build');
  buildFor('npm start');
  try {
    ensureBuild('h5');
  } catch (e) {
    console.error(`npm start: the H5 app could not be built, serving the API without it: ${(e as Error).message.split('\n')[0]}`);
  }
  const { startStack } = await import('#local/stack');
  const { demoUsers } = await import('#local/seed');
  const h5 = join(root, 'miniapp', 'dist', 'h5');
  let stack: Awaited<ReturnType<typeof startStack>>;
  try {
    stack = await startStack({ port, dataDir, staticDir: existsSync(h5) ? h5 : undefined });
  } catch (e) {
    const msg = (e as Error).message;
    console.error(/EADDRINUSE|in use/.test(msg) ? `Port ${port} is in use: stop what runs there or start with PORT=<other port> npm start.` : msg);
    process.exit(1);
  }

  stopper.now = (why) => {
    console.log(`\n${why}: stopping (requests in flight may finish, up to 10 s)…`);
    stack.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error((e as Error).message);
        process.exit(1);
      },
    );
  };
  if (stopRequested) return stopper.now(stopRequested);

  const ms = Date.now() - t0;
  const byRole = new Map<string, string[]>();
  for (const u of demoUsers()) byRole.set(u.role, [...(byRole.get(u.role) ?? []), `${u.id} (${u.name})`]);
  console.log(`\n微事报 is up on ${stack.url} in ${(ms / 1000).toFixed(1)} s`);
  console.log(`  API      ${stack.url}/v1/health · ${stack.url}/v1/openapi.json`);
  console.log(`  app      ${stack.url}/`);
  console.log(`  data     ${shownDataDir} (npm run reset wipes .data/)`);
  console.log(`  sign in  POST ${stack.url}/v1/auth/dev {"userId": "..."} as one of:`);
  for (const [role, users] of byRole) console.log(`    ${role.padEnd(15)} ${users.slice(0, 6).join(', ')}${users.length > 6 ? `, … (${users.length} in all)` : ''}`);
  console.log('  Ctrl-C stops everything.\n');
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exit(1);
});
