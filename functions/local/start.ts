/**
 * `npm start`: the whole system on http://127.0.0.1:${PORT:-3000}, data kept in .data/ between
 * runs (`npm run reset` wipes it), the demo city seeded on first start.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStack } from '#local/stack';
import { demoUsers } from '#local/seed';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = join(root, '.data');
const lockFile = join(dataDir, 'npm-start.pid');
const port = Number(process.env.PORT ?? 3000);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function takeLock(): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const held = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
  if (held && held !== process.pid && alive(held)) {
    console.error(`微事报 is already running (pid ${held}) with the data in .data/. Stop it first (Ctrl-C in its terminal).`);
    process.exit(1);
  }
  await writeFile(lockFile, String(process.pid));
}

async function main() {
  const t0 = Date.now();
  await takeLock();
  const h5 = join(root, 'miniapp', 'dist', 'h5');
  let stack;
  try {
    stack = await startStack({ port, dataDir, staticDir: existsSync(h5) ? h5 : undefined });
  } catch (e) {
    const msg = (e as Error).message;
    console.error(/EADDRINUSE|in use/.test(msg) ? `Port ${port} is in use: stop what runs there or start with PORT=<other port> npm start.` : msg);
    await rm(lockFile, { force: true });
    process.exit(1);
  }
  const ms = Date.now() - t0;
  const byRole = new Map<string, string[]>();
  for (const u of demoUsers()) byRole.set(u.role, [...(byRole.get(u.role) ?? []), `${u.id} (${u.name})`]);
  console.log(`\n微事报 is up on ${stack.url} in ${(ms / 1000).toFixed(1)} s`);
  console.log(`  API      ${stack.url}/v1/health · ${stack.url}/v1/openapi.json`);
  console.log(`  app      ${stack.url}/`);
  console.log(`  data     .data/ (npm run reset wipes it)`);
  console.log(`  sign in  POST ${stack.url}/v1/auth/dev {"userId": "..."} as one of:`);
  for (const [role, users] of byRole) console.log(`    ${role.padEnd(15)} ${users.slice(0, 6).join(', ')}${users.length > 6 ? `, … (${users.length} in all)` : ''}`);
  console.log('  Ctrl-C stops everything.\n');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    await stack.stop().catch((e: unknown) => console.error((e as Error).message));
    await rm(lockFile, { force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

void main();
