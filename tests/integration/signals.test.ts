/**
 * Signals (issue 12.5): `npm start`, run the way a developer runs it (on a free port, with its
 * own data directory), stops its whole process tree — node, DynamoDB Local, the engine's
 * watchdog, tsx's esbuild service — on SIGTERM, SIGINT or SIGHUP sent to the npm pid: nothing is
 * left holding the port or the lock. The lock is a real one: a second `npm start` on the same
 * data is refused while the first runs, and a stale lock left by a dead pid is taken over.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../support/checks.ts';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
let dataDir: string;
const lockFile = () => join(dataDir, 'npm-start.pid');
/** every pid a test saw, killed by pid if a test failed and left any behind */
const seen = new Set<number>();

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'wsb-signals-'));
});
afterAll(async () => {
  for (const pid of seen) if (alive(pid)) process.kill(pid, 'SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function stat(pid: number): { ppid: number; pgrp: number; state: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp …": comm may contain spaces and parentheses
    const [state, ppid, pgrp] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: state!, ppid: Number(ppid), pgrp: Number(pgrp) };
  } catch {
    return undefined;
  }
}
/** running (a zombie has exited: it holds no port and no file) */
const alive = (pid: number) => {
  const s = stat(pid);
  return s !== undefined && s.state !== 'Z';
};
const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
};

/** every live descendant of pid, from /proc */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const p = Number(name);
    if (!Number.isInteger(p)) continue;
    const s = stat(p);
    if (s && s.state !== 'Z') children.set(s.ppid, [...(children.get(s.ppid) ?? []), p]);
  }
  const out: number[] = [];
  for (let queue = [pid]; queue.length; ) {
    const next = children.get(queue.shift()!) ?? [];
    out.push(...next);
    queue.push(...next);
  }
  return out;
}

const portFree = (port: number) =>
  new Promise<boolean>((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolvePort(true)));
  });

const env = () => ({ ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'WARN' });

async function startNpm(): Promise<{ npm: ChildProcess & { pid: number }; url: string; output: () => string }> {
  const npm = spawn('npm', ['start'], { cwd: root, env: env(), stdio: ['ignore', 'pipe', 'pipe'] }) as ChildProcess & { pid: number };
  seen.add(npm.pid);
  let output = '';
  npm.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
  npm.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const deadline = Date.now() + 120_000;
  for (;;) {
    const up = /is up on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
    if (up) return { npm, url: up[1]!, output: () => output };
    if (npm.exitCode !== null || npm.signalCode !== null) throw new Error(`npm start exited (${npm.exitCode ?? npm.signalCode}):\n${output}`);
    if (Date.now() > deadline) throw new Error(`npm start did not come up:\n${output}`);
    await sleep(100);
  }
}

describe('npm start and signals', { timeout: 180_000 }, () => {
  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('%s to the npm start pid stops every process of its tree and frees the port and the lock', async (signal) => {
    if (signal === 'SIGTERM') {
      // a lock left by a start that died: its pid is gone, so it is taken over
      const dead = spawnSync('true').pid;
      await writeFile(lockFile(), `${dead}\n`);
    }
    const { npm, url, output } = await startNpm();
    const tree = descendants(npm.pid);
    tree.forEach((p) => seen.add(p));
    const commands = tree.map(cmdline);
    // npm's child is node itself: no shell in between that would swallow the signal
    const direct = tree.filter((p) => stat(p)?.ppid === npm.pid);
    expect(direct.map(cmdline), 'npm start’s direct children').toEqual([expect.stringContaining('node --import tsx functions/local/start.ts')]);
    const engine = tree.filter((p) => /DynamoDBLocal\.jar|dynamodb-local-watchdog/.test(cmdline(p)));
    expect(engine, commands.join('\n')).toHaveLength(2);
    // the engine and its watchdog sit outside npm's process group: a terminal's Ctrl-C (SIGINT to
    // the whole foreground group) reaches node, which lets requests finish before stopping them
    for (const p of engine) expect(stat(p)!.pgrp, cmdline(p)).not.toBe(stat(npm.pid)!.pgrp);
    const node = direct[0]!;
    expect(readFileSync(lockFile(), 'utf8').trim()).toBe(String(node));
    expect((await fetch(`${url}/v1/health`)).status).toBe(200);

    if (signal === 'SIGTERM') {
      const second = spawnSync('npm', ['start'], { cwd: root, env: env(), encoding: 'utf8', timeout: 60_000 });
      expect(second.status, second.stderr).toBe(1);
      expect(second.stderr).toContain(`already running (pid ${node})`);
      expect(readFileSync(lockFile(), 'utf8').trim(), 'the refused start leaves the lock alone').toBe(String(node));
    }

    process.kill(npm.pid, signal);
    // a terminal's Ctrl-C signals npm and node alike: the second delivery is the same stop, not a forced one
    if (signal === 'SIGINT') process.kill(node, 'SIGINT');
    const deadline = Date.now() + 30_000;
    while ([npm.pid, ...tree].some(alive) || descendants(npm.pid).length > 0) {
      if (Date.now() > deadline) {
        const left = [npm.pid, ...tree].filter(alive).map((p) => `${p} ${cmdline(p)}`);
        throw new Error(`still running 30 s after ${signal}:\n${left.join('\n')}\n--- output ---\n${output()}`);
      }
      await sleep(100);
    }
    expect(await portFree(Number(new URL(url).port)), 'the port is free').toBe(true);
    expect(existsSync(lockFile()), 'the lock is released').toBe(false);
    expect(output()).toMatch(/stopping \(requests in flight may finish/);
    expect(output()).not.toMatch(/stopping at once/);
  });
});
