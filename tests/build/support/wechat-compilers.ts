/**
 * WeChat's own WXML and WXSS compilers, wcc and wcsc, on a mini-program folder. npm
 * `miniprogram-compiler` ships them as linux/mac/windows binaries inside the package (nothing is
 * downloaded, nothing goes on the network) with a thin node wrapper that runs them the way the
 * devtools do: every .wxml of the project in one wcc run (templates import each other and the
 * custom components' usingComponents are passed along), every .wxss in one wcsc run.
 *
 * The wrapper's own src/wcc.js and src/wcsc.js are used rather than its index.js: index.js's
 * wxssToJs drops wcsc's failure (src/wcsc.js *returns* an Error instead of throwing it, and
 * index.js reads that Error as an empty style map), so a broken .wxss would pass.
 */
import { createRequire } from 'node:module';
import { filesOf } from './weapp-copy.ts';

const require = createRequire(import.meta.url);

type Wcc = (root: string, files: string[], wxs: string[], opts: { maxBuffer?: number }) => string;
type Wcsc = (root: string, files: string[], opts: { maxBuffer?: number }) => Record<string, string> | Error;
const wcc = require('miniprogram-compiler/src/wcc.js') as Wcc;
const wcsc = require('miniprogram-compiler/src/wcsc.js') as Wcsc;

/** the compilers print whole apps to stdout: room for far more than this app's ~200 KB */
const maxBuffer = 64 * 1024 * 1024;
const noExt = (f: string) => f.replace(/\.\w+$/, '');

/** A template function as wcc compiles it: data in, virtual DOM out. */
export type WxmlTemplate = (data: object, env: object, scope: object) => unknown;

export interface CompiledWxml {
  /** the .wxml files compiled, relative to the root */
  files: string[];
  /** the compiled template of one file ('pages/index/index.wxml'); undefined when wcc left it out */
  template(file: string): WxmlTemplate | undefined;
}

/**
 * Compiles every .wxml (and .wxs) under root with wcc; throws wcc's own message (file:line:col:
 * what) when a file does not compile. root must be absolute: the wrapper reads each page's .json
 * with `require` for its usingComponents.
 */
export function compileWxml(root: string): CompiledWxml {
  const files = filesOf(root, '.wxml');
  const code = wcc(root, files.map(noExt), filesOf(root, '.wxs'), { maxBuffer });
  // wcc's output is the script the devtools put in a page frame: it defines $gwx(path) and sets
  // a few version flags on `window`; a stand-in window is enough to evaluate it
  const $gwx = new Function('window', 'global', '__wxAppCode__', `${code}; return $gwx;`)({ __webview_engine_version__: 0.02 }, {}, {}) as (
    path: string,
  ) => WxmlTemplate | undefined;
  return { files, template: (file) => $gwx(file) };
}

/**
 * Compiles every .wxss under root with wcsc; returns the files wcsc turned into style functions
 * ('app.wxss', 'staff/task/index.wxss'), throws wcsc's own message when one does not compile.
 */
export function compileWxss(root: string): { files: string[]; compiled: string[] } {
  const files = filesOf(root, '.wxss');
  const out = wcsc(root, files.map(noExt), { maxBuffer });
  if (out instanceof Error) throw out;
  return { files, compiled: Object.keys(out).filter((k) => k.endsWith('.wxss')).map((k) => k.replace(/^\.\//, '')) };
}
