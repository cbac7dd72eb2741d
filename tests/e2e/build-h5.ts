/**
 * The h5 build the e2e test drives (and tests/build reads), made at most once per test run —
 * see ./build.ts for when it is rebuilt.
 *
 *   tsx tests/e2e/build-h5.ts     build if stale, print what happened
 */
import { distOf, ensureBuild, runIfMain } from '../../functions/local/app-build.ts';

export const H5_DIR = distOf('h5');

/** vitest global setup (projects e2e, build) */
export function setup() {
  ensureBuild('h5');
}

runIfMain('h5', import.meta.url);
