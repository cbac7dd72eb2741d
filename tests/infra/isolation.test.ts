/**
 * infra imports the backend's tables and nothing that reads its runtime config: config.ts throws
 * without TOKEN_SECRET, and synth must not need one.
 */
import { execFileSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { REPO_ROOT } from '../../infra/src/catalog.ts';
import { ORIGINALS_PREFIX, PHOTOS_PREFIX } from '../../infra/src/prefixes.ts';

describe('what infra imports from functions/', () => {
  it('is the route, schedule, event source, key and metric tables (and the schemas and domain modules routes.ts needs, the entity key declarations keys.ts assembles)', async () => {
    const out = await build({
      entryPoints: [join(REPO_ROOT, 'infra', 'bin', 'app.ts')],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      logLevel: 'silent',
    });
    const fromFunctions = Object.keys(out.metafile.inputs)
      .map((p) => relative(REPO_ROOT, join(process.cwd(), p)))
      .filter((p) => p.startsWith('functions/'));
    expect(fromFunctions).toContain('functions/src/http/routes.ts');
    expect(fromFunctions).toContain('functions/src/store/keys.ts');
    expect(fromFunctions).toContain('functions/src/events/schedules.ts');
    expect(fromFunctions).toContain('functions/src/events/consumers.ts');
    // geo/datum: the distance arithmetic the responders' domain rules use (no I/O, no configuration)
    const allowed = /^functions\/src\/(http\/(routes|schemas(-[\w-]+)?)|store\/(keys|entity|entities\/[\w-]+)|events\/(schedules|consumers)|notify\/(templates|template-fields)|metrics|domain\/[\w-]+|geo\/datum)\.ts$/;
    expect(fromFunctions.filter((p) => !allowed.test(p))).toEqual([]);
    expect(fromFunctions).not.toContain('functions/src/config.ts');
  });

  it('loads without TOKEN_SECRET or WSB_LOCAL in the environment', () => {
    const env = { ...process.env };
    delete env.TOKEN_SECRET;
    delete env.WSB_LOCAL;
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', '-e', "const m = await import('./infra/src/app.ts'); console.log(typeof m.buildStacks)"],
      { cwd: REPO_ROOT, env, encoding: 'utf8' },
    );
    expect(out.trim()).toBe('function');
  });

  afterAll(() => {
    vi.unstubAllEnvs();
  });

  it('uses the same object key prefixes as the functions', async () => {
    vi.stubEnv('WSB_LOCAL', '1'); // store/uploads.ts builds clients from the config: the local one will do
    const uploads = await import('../../functions/src/store/uploads.ts');
    expect(uploads.ORIGINALS_PREFIX).toBe(ORIGINALS_PREFIX);
    const keys = uploads.photoObjectKeys('abc');
    expect(keys.display.startsWith(PHOTOS_PREFIX)).toBe(true);
    expect(keys.thumb.startsWith(PHOTOS_PREFIX)).toBe(true);
  });
});
