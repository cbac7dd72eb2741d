/**
 * The single-instance lock of `npm start` on one data directory: a pid file, taken atomically.
 * The file is written under a private name first and then link(2)ed into place, so it appears
 * whole or not at all and exactly one of two racing starts gets it. A lock naming a pid that is
 * dead, or that is no longer an `npm start` (the pid was reused), is stale: it is reclaimed under
 * a short-lived mutex (mkdir, also atomic), so two starts reclaiming the same stale lock cannot
 * both win. Released on exit, and only if it still names this process.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { link, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export type LockResult = { taken: true; release(): void } | { taken: false; heldBy: number };

/** a reclaim mutex older than this was left by a start that died in the middle of reclaiming */
const MUTEX_STALE_MS = 10_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** the pid in the lock file: undefined when there is no file, NaN when it holds no pid */
async function holderOf(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
  return text === undefined ? undefined : Number.parseInt(text.trim(), 10);
}

/** Whether pid is a live `npm start` (on Linux its command line is checked, against pid reuse). */
export function isRunningStart(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it exists but belongs to someone else
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync(cmdline)) return true;
  try {
    return readFileSync(cmdline, 'utf8').includes('start.ts');
  } catch {
    return true;
  }
}

async function reclaim(file: string, stale: number): Promise<void> {
  const mutex = `${file}.reclaim`;
  try {
    await mkdir(mutex);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    // another start is reclaiming it right now: let it, then look again
    const since = await stat(mutex).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (since > MUTEX_STALE_MS) await rm(mutex, { recursive: true, force: true });
    await sleep(50);
    return;
  }
  try {
    // still the stale holder we saw (not a lock another start has taken since)?
    const now = await holderOf(file);
    if (now !== undefined && (Number.isNaN(stale) ? Number.isNaN(now) : now === stale)) await rm(file, { force: true });
  } finally {
    await rm(mutex, { recursive: true, force: true });
  }
}

export async function takeLock(file: string): Promise<LockResult> {
  await mkdir(dirname(file), { recursive: true });
  const mine = `${file}.${process.pid}`;
  await writeFile(mine, `${process.pid}\n`);
  try {
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        await link(mine, file);
        return { taken: true, release: () => release(file) };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = await holderOf(file);
      if (holder === undefined) continue; // released meanwhile: try again
      if (holder === process.pid) return { taken: true, release: () => release(file) };
      if (isRunningStart(holder)) return { taken: false, heldBy: holder };
      await reclaim(file, holder);
    }
    throw new Error(`could not take the lock ${file}: it keeps changing hands`);
  } finally {
    await rm(mine, { force: true });
  }
}

/** Synchronous, so it can run in an 'exit' handler. */
function release(file: string): void {
  try {
    if (Number.parseInt(readFileSync(file, 'utf8').trim(), 10) === process.pid) rmSync(file, { force: true });
  } catch {
    // no lock file: nothing to release
  }
}
