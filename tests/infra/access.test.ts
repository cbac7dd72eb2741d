/**
 * access.ts against the code: the functions whose bundled code reaches the WeChat client are
 * exactly those given the WeChat secret. When this fails, a function started (or stopped)
 * calling WeChat: update WECHAT_CALLERS in infra/src/access.ts.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { WECHAT_CALLERS } from '../../infra/src/access.ts';
import { functionSpecs, REPO_ROOT } from '../../infra/src/catalog.ts';

async function bundledModules(entry: string): Promise<string[]> {
  const out = await build({
    entryPoints: [entry],
    absWorkingDir: REPO_ROOT,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: 'out.mjs',
    logLevel: 'silent',
  });
  const output = Object.values(out.metafile.outputs).find((o) => o.entryPoint)!;
  // modules with code in the bundle after tree shaking: what the function can actually run
  return Object.entries(output.inputs)
    .filter(([, v]) => v.bytesInOutput > 0)
    .map(([k]) => k);
}

describe('access.ts matches what the code calls', () => {
  it('gives the WeChat secret to exactly the functions whose code reaches notify/wechat.ts', async () => {
    const reaching: string[] = [];
    for (const spec of functionSpecs()) {
      if ((await bundledModules(spec.entry)).includes('functions/src/notify/wechat.ts')) reaching.push(spec.name);
    }
    expect([...WECHAT_CALLERS].sort()).toEqual(reaching.sort());
  });
});
