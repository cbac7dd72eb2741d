import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * Projects: `unit` (pure code, no engines, milliseconds), `infra` (CDK assertions on the
 * synthesised app, no AWS), `integration` (real DynamoDB Local started once per run in a
 * global setup, and an S3 server + the gateway per test file, each file with its own table),
 * `miniapp` (component tests in happy-dom), `build` (checks on the built weapp and h5 apps,
 * e.g. every push target is a page of the app) and `e2e` (Chromium on the h5 build against an
 * in-process local stack). The builds are made at most once per run (tests/e2e/build.ts).
 */
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts', 'functions/**/*.test.ts'] },
      },
      {
        extends: true,
        // CDK assertions on the synthesised app (stub code, no esbuild, no AWS). isolate: false
        // shares one module graph per worker, so aws-cdk-lib loads and the app synthesises once
        // per worker instead of once per file (the files only read the templates).
        test: { name: 'infra', include: ['tests/infra/**/*.test.ts'], testTimeout: 120_000, isolate: false },
      },
      {
        extends: true,
        // the mini-program's components in a DOM (happy-dom) with React Testing Library; Taro's
        // components and APIs replaced by minimal DOM stand-ins (miniapp/test/)
        resolve: {
          alias: {
            '@tarojs/components': fileURLToPath(new URL('./miniapp/test/taro-components.tsx', import.meta.url)),
            '@tarojs/taro': fileURLToPath(new URL('./miniapp/test/taro.ts', import.meta.url)),
          },
        },
        define: { API_BASE: '""' },
        test: {
          name: 'miniapp',
          include: ['miniapp/src/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
          setupFiles: ['miniapp/test/setup.ts'],
        },
      },
      {
        extends: true,
        // reads the built apps (no engines, no browser)
        test: { name: 'build', include: ['tests/build/**/*.test.ts'], globalSetup: ['tests/e2e/build-h5.ts', 'tests/e2e/build-weapp.ts'] },
      },
      {
        extends: true,
        // the closed loop in headless Chromium on the h5 build against an in-process local stack
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.e2e.test.ts'],
          globalSetup: ['tests/support/global-setup.ts', 'tests/e2e/build-h5.ts'],
          testTimeout: 240_000,
          hookTimeout: 900_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
    env: { LOG_LEVEL: 'WARN', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
