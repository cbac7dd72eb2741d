/**
 * A newcomer's `npm start` on a fresh clone, with no build made: it builds the H5 app once (with
 * its progress line) and serves the app at `/` — not a page of demo users. The clone is of the
 * committed HEAD (git clone of this repository); its node_modules are links to this checkout's,
 * standing in for the `npm ci` the README asks for (the same lockfile, already installed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const work = mkdtempSync(join(tmpdir(), 'wsb-fresh-'));
const clone = join(work, 'repo');
let child: ChildProcess | null = null;

const freePort = () =>
  new Promise<number>((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });

afterAll(async () => {
  if (child?.pid) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    await new Promise((r) => setTimeout(r, 1500));
  }
  rmSync(work, { recursive: true, force: true });
});

describe('npm start on a fresh clone', () => {
  it('builds the H5 app once, then serves the app at / with its scripts', async () => {
    execFileSync('git', ['clone', '-q', root, clone]);
    expect(existsSync(join(clone, 'miniapp/dist'))).toBe(false);
    symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'), 'dir');
    symlinkSync(join(root, 'miniapp/node_modules'), join(clone, 'miniapp/node_modules'), 'dir');
    const port = await freePort();
    let out = '';
    child = spawn('npm', ['start'], { cwd: clone, detached: true, env: { ...process.env, PORT: String(port), DATA_DIR: join(work, 'data'), CI: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 220_000;
    let html = '';
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}:\n${out.slice(-3000)}`);
      try {
        const r = await fetch(`${base}/`);
        if (r.status === 200) {
          html = await r.text();
          break;
        }
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(html, out.slice(-3000)).toContain('<title>微事报</title>');
    expect(out).toMatch(/building the h5 app once/);
    expect(existsSync(join(clone, 'miniapp/dist/h5/index.html'))).toBe(true);
    // the app itself: its scripts are served, and it is not the demo-users page
    const scripts = [...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      const r = await fetch(new URL(src, `${base}/`));
      expect(r.status, src).toBe(200);
      expect(r.headers.get('content-type') ?? '').toMatch(/javascript/);
    }
    expect((await fetch(`${base}/v1/health`)).status).toBe(200);
  }, 240_000);
});
