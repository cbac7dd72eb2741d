/**
 * THE esbuild options for Lambda bundles. NodejsFunction (functions-stack.ts) and
 * `npm run bench:bundles` (tests/bench/bundles.ts) both read them from here, so what is
 * measured is what is deployed.
 *
 * - ESM, Node 22, minified, with source maps (NODE_OPTIONS=--enable-source-maps in the function).
 * - The AWS SDK clients the Node 22 runtime ships (RUNTIME_SDK) are left to the runtime: they are
 *   most of every bundle (~400 KB of @smithy / client code), and bundling them would put every
 *   function over the 500 KB budget. The cost: the runtime's SDK version, not package-lock's, runs
 *   in the cloud (same major version, v3; AWS updates it with security fixes; RUNTIME_SDK_VERSION
 *   is the one we test against). Everything else is bundled — the presigners, which the runtime
 *   is not documented to carry, and, with them, the @aws-sdk/core and @smithy/* code they need.
 *   @smithy/* is NOT left external: package-lock's presigners import @smithy/core subpaths
 *   (`@smithy/core/endpoints`) that the runtime's older @smithy/core does not export, and
 *   api-reports and api-uploads then fail at cold start (tests/infra/runtime-sdk.test.ts).
 *   The runtime's clients keep their own @smithy inside the runtime.
 * - `module` before `main`, so ESM builds of dependencies are picked and tree-shaken.
 * - A banner defines `require` for CommonJS dependencies that call it inside an ESM bundle.
 * - Native modules (sharp) cannot be bundled: they stay external and are copied, with their
 *   prebuilt Linux binaries, next to the bundle (see `nativeModuleCopies`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './catalog.ts';

export const NODE_TARGET = 'node22';

/** esbuild's ESM output calls `require` for CommonJS dependencies' own requires (node:crypto…). */
export const REQUIRE_SHIM =
  "import { createRequire as __wsbCreateRequire } from 'node:module'; const require = __wsbCreateRequire(import.meta.url);";

/** Native packages per function (by entry name): external, shipped with their binaries. */
export const NATIVE_MODULES: Readonly<Record<string, readonly string[]>> = {
  'events-photos': ['sharp'],
};

/**
 * The binaries shipped are the ones npm installed on this machine (synth is offline and has no
 * Docker): linux-x64 glibc. Functions with native modules therefore run on x86_64; every other
 * function runs on arm64 (Graviton, ~20 % cheaper per GB-second).
 */
export const NATIVE_PLATFORM = { os: 'linux', cpu: 'x64', libc: 'glibc' } as const;

/** The subset of esbuild's BuildOptions we set, in esbuild's own vocabulary. */
export interface LambdaEsbuildOptions {
  bundle: true;
  platform: 'node';
  format: 'esm';
  target: string;
  minify: boolean;
  sourcemap: boolean;
  mainFields: string[];
  banner: { js: string };
  external: string[];
  charset: 'utf8';
}

/**
 * The AWS SDK for JavaScript version the tests take the Lambda nodejs22.x runtime to carry. AWS
 * documents only that each Node.js runtime includes "a specific minor version" of SDK v3 that
 * depends on the runtime version and Region (docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html
 * "Runtime-included SDK versions"); AWS's own CDK integration tests record nodejs22.x shipping
 * 3.895.0 (aws/aws-cdk, framework-integ aws-lambda/test/integ.capacity-provider-defaults.ts).
 * The runtime only moves forward, so this is the oldest SDK the bundles must work with.
 * tests/infra/runtime-sdk/ pins it (with the @smithy packages current at its release).
 */
export const RUNTIME_SDK_VERSION = '3.895.0';

/** AWS SDK v3 packages left to the Lambda nodejs22.x runtime (its clients; see the top). */
export const RUNTIME_SDK: readonly string[] = [
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/lib-dynamodb',
  '@aws-sdk/util-dynamodb',
  '@aws-sdk/client-s3',
  '@aws-sdk/client-secrets-manager',
  '@aws-sdk/client-sqs',
];

export function esbuildOptions(functionName: string): LambdaEsbuildOptions {
  return {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: NODE_TARGET,
    minify: true,
    sourcemap: true,
    mainFields: ['module', 'main'],
    banner: { js: REQUIRE_SHIM },
    external: [...RUNTIME_SDK, ...(NATIVE_MODULES[functionName] ?? [])],
    // Chinese messages stay UTF-8 instead of \uXXXX escapes (smaller, readable in the console)
    charset: 'utf8',
  };
}

function packageDir(name: string): string | undefined {
  for (const base of [join(REPO_ROOT, 'functions', 'node_modules'), join(REPO_ROOT, 'node_modules')]) {
    const dir = join(base, name);
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  return undefined;
}

interface PackageJson {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  os?: string[];
  cpu?: string[];
  libc?: string[];
}

const fits = (list: string[] | undefined, value: string) => !list || list.includes(value);

/**
 * A native package and everything it needs at run time: its dependencies and those optional
 * dependencies that match NATIVE_PLATFORM (the prebuilt binaries). Throws when the binary for
 * the platform is not installed, naming the npm command that installs it.
 */
export function nativeModuleCopies(functionName: string): { name: string; dir: string }[] {
  const out = new Map<string, string>();
  const visit = (name: string, required: boolean) => {
    if (out.has(name)) return;
    const dir = packageDir(name);
    if (!dir) {
      if (!required) return;
      throw new Error(`infra: ${functionName} needs the package ${name}, which is not installed`);
    }
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
    out.set(name, dir);
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, true);
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) {
      const depDir = packageDir(dep);
      const depPkg = depDir ? (JSON.parse(readFileSync(join(depDir, 'package.json'), 'utf8')) as PackageJson) : undefined;
      if (depPkg && fits(depPkg.os, NATIVE_PLATFORM.os) && fits(depPkg.cpu, NATIVE_PLATFORM.cpu) && fits(depPkg.libc, NATIVE_PLATFORM.libc)) {
        visit(dep, true);
      }
    }
  };
  for (const m of NATIVE_MODULES[functionName] ?? []) visit(m, true);
  const binaries = [...out.keys()].filter((n) => n.includes(`${NATIVE_PLATFORM.os}-${NATIVE_PLATFORM.cpu}`));
  if ((NATIVE_MODULES[functionName] ?? []).length > 0 && binaries.length === 0) {
    throw new Error(
      `infra: ${functionName} ships ${NATIVE_MODULES[functionName]!.join(', ')} for ${NATIVE_PLATFORM.os}-${NATIVE_PLATFORM.cpu}, ` +
        `but no prebuilt binary for that platform is installed. On another machine run: ` +
        `npm install --no-save --os=${NATIVE_PLATFORM.os} --cpu=${NATIVE_PLATFORM.cpu} --libc=${NATIVE_PLATFORM.libc} ${NATIVE_MODULES[functionName]!.join(' ')}`,
    );
  }
  return [...out].map(([name, dir]) => ({ name, dir }));
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Shell commands that copy the native modules into a bundle's node_modules (CDK afterBundling). */
export function nativeCopyCommands(functionName: string, outputDir: string): string[] {
  return nativeModuleCopies(functionName).map(({ name, dir }) => {
    const target = join(outputDir, 'node_modules', name);
    return `mkdir -p ${shellQuote(target)} && cp -RL ${shellQuote(dir)}/. ${shellQuote(target)}/`;
  });
}
