/**
 * The `npm start` lock (local/lock.ts) is atomic (issue 12.5): processes racing for it — for a
 * free lock, or for a stale one left by a dead pid — end with exactly one holder, whom the lock
 * file names and every other contender is told about; released, the file is gone. Separate
 * processes, because the lock tells holders apart by pid.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const CONTENDERS = 4;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wsb-lock-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Said {
  pid: number;
  taken: boolean;
  heldBy?: number;
  fileNames: number;
}

function contender(file: string) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'tests/support/lock-contender.ts', file, 'start.ts'], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => JSON.parse(String((await lines.next()).value)) as Record<string, unknown>;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return { child, next, exited, send: (line: string) => child.stdin!.write(`${line}\n`) };
}

/** CONTENDERS processes, loaded and waiting, told to go at once; what each got */
async function race(file: string): Promise<Said[]> {
  const all = Array.from({ length: CONTENDERS }, () => contender(file));
  try {
    await Promise.all(all.map((c) => c.next())); // ready
    all.forEach((c) => c.send('go'));
    const said = (await Promise.all(all.map((c) => c.next()))) as unknown as Said[];
    all.forEach((c) => c.send('release'));
    await Promise.all(all.map((c) => c.exited));
    return said;
  } finally {
    for (const c of all) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  }
}

function expectOneHolder(said: Said[]) {
  const winners = said.filter((s) => s.taken);
  expect(winners, JSON.stringify(said)).toHaveLength(1);
  const winner = winners[0]!.pid;
  expect(winners[0]!.fileNames).toBe(winner);
  for (const loser of said.filter((s) => !s.taken)) expect(loser.heldBy, JSON.stringify(said)).toBe(winner);
}

describe('the npm start lock', { timeout: 60_000 }, () => {
  it('racing for a free lock: exactly one process gets it; released on exit', async () => {
    const file = join(dir, 'free.pid');
    expectOneHolder(await race(file));
    expect(existsSync(file)).toBe(false);
  });

  it('racing for a stale lock (its pid is dead): exactly one process takes it over', async () => {
    const file = join(dir, 'stale.pid');
    await writeFile(file, `${spawnSync('true').pid}\n`);
    expectOneHolder(await race(file));
    expect(existsSync(file)).toBe(false);
  });
});
