/** CDK bundles with exactly the shared esbuild options (the ones the bundle bench measures). */
import { describe, expect, it } from 'vitest';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { Charset, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { esbuildOptions, nativeCopyCommands, NATIVE_MODULES, RUNTIME_SDK } from '../../infra/src/bundling.ts';
import { functionSpecs } from '../../infra/src/catalog.ts';
import { architectureOf, cdkBundling } from '../../infra/src/functions-stack.ts';

describe('bundling options', () => {
  it('maps every shared esbuild option into the CDK bundling props', () => {
    for (const spec of functionSpecs()) {
      const o = esbuildOptions(spec.name);
      const b = cdkBundling(spec.name);
      expect(b).toMatchObject({
        format: OutputFormat.ESM,
        target: o.target,
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        banner: o.banner.js,
        externalModules: o.external,
        charset: Charset.UTF8,
      });
      expect(o.target).toBe('node22');
      expect(o.banner.js).toContain('createRequire');
    }
  });

  it('bundles everything except the runtime\'s AWS SDK and native modules, which ship with linux-x64 binaries on x86_64', () => {
    for (const spec of functionSpecs()) {
      const native = NATIVE_MODULES[spec.name] ?? [];
      expect(esbuildOptions(spec.name).external).toEqual([...RUNTIME_SDK, ...native]);
      // only the runtime's clients are left out: no presigners, no app code, and no @smithy/*,
      // which the bundled presigners need at package-lock's versions (runtime-sdk.test.ts)
      for (const x of RUNTIME_SDK) expect(x).toMatch(/^@aws-sdk\/(client-|lib-|util-)[\w-]+$/);
      expect(architectureOf(spec.name)).toBe(native.length ? Architecture.X86_64 : Architecture.ARM_64);
      if (!native.length) {
        expect(cdkBundling(spec.name).commandHooks).toBeUndefined();
        continue;
      }
      const commands = cdkBundling(spec.name).commandHooks!.afterBundling('/in', '/out').join('\n');
      expect(commands).toBe(nativeCopyCommands(spec.name, '/out').join('\n'));
      expect(commands).toMatch(/\/out\/node_modules\/sharp'/);
      expect(commands).toMatch(/\/out\/node_modules\/@img\/sharp-linux-x64'/);
      expect(commands).toMatch(/\/out\/node_modules\/@img\/sharp-libvips-linux-x64'/);
      expect(commands).not.toMatch(/arm64|darwin|win32|musl/);
    }
  });
});
