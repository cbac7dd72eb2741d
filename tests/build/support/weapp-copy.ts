/**
 * Copies of the weapp build (miniapp/dist/weapp) in a temp folder, to break one file of and
 * check that WeChat's tools report it — the real build is never touched.
 *
 * The copy sits at <tmp>/weapp beside a package.json of `"type": "commonjs"`: the mini-program's
 * scripts are CommonJS (WeChat runs them with its own `require`), but the build's own folder is
 * under miniapp/, whose package.json says `"type": "module"`, so Node would load them as ES
 * modules there. Only miniprogram-simulate (which `require`s the scripts) needs that.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { WEAPP_DIR } from '../../e2e/build-weapp.ts';

export { WEAPP_DIR };

/** A fresh copy of the weapp build; returns the copy's mini-program root. */
export function copyBuild(label = 'copy'): string {
  const root = mkdtempSync(join(tmpdir(), `wsb-weapp-${label}-`));
  writeFileSync(join(root, 'package.json'), '{ "type": "commonjs" }\n');
  const dir = join(root, 'weapp');
  cpSync(WEAPP_DIR, dir, { recursive: true });
  return dir;
}

/** Removes a copy made by copyBuild (the temp folder around it too). */
export function removeCopy(dir: string) {
  rmSync(join(dir, '..'), { recursive: true, force: true });
}

/** Rewrites one file of a copy: `edit` gets the file's text and returns the new text. */
export function editFile(dir: string, file: string, edit: (text: string) => string) {
  const path = join(dir, file);
  writeFileSync(path, edit(readFileSync(path, 'utf8')));
}

/** Every file under dir with the extension (e.g. '.wxml'), as posix paths relative to dir, sorted. */
export function filesOf(dir: string, ext: string): string[] {
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((name) => {
      const p = join(d, name);
      return statSync(p).isDirectory() ? walk(p) : p.endsWith(ext) ? [relative(dir, p).split(sep).join('/')] : [];
    });
  return walk(dir).sort();
}
