/**
 * The weapp (WeChat mini-program) build tests/build reads, made at most once per test run —
 * see ./build.ts for when it is rebuilt.
 *
 *   tsx tests/e2e/build-weapp.ts     build if stale, print what happened
 */
import { distOf, ensureBuild, runIfMain } from '../../functions/local/app-build.ts';

export const WEAPP_DIR = distOf('weapp');

/** vitest global setup (project build) */
export function setup() {
  ensureBuild('weapp');
}

runIfMain('weapp', import.meta.url);
