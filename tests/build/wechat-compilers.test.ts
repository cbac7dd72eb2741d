/**
 * Every WXML and WXSS file of the weapp build compiles with WeChat's own compilers (wcc, wcsc:
 * npm miniprogram-compiler, offline), as the devtools and WeChat's upload would compile them —
 * and the same checks fail, naming the file, on a copy of the build with one file broken.
 *
 * The build comes from the project's global setup (tests/e2e/build-weapp.ts), made only when
 * missing or older than its sources.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { compileWxml, compileWxss } from './support/wechat-compilers.ts';
import { WEAPP_DIR, copyBuild, editFile, filesOf, removeCopy } from './support/weapp-copy.ts';

const copies: string[] = [];
afterAll(() => copies.forEach(removeCopy));

/** a copy of the build with one file changed */
function broken(file: string, edit: (text: string) => string): string {
  const dir = copyBuild('broken');
  copies.push(dir);
  editFile(dir, file, edit);
  return dir;
}

describe('the weapp build with WeChat’s compilers', () => {
  it('wcc compiles every .wxml file of the build into a template', () => {
    const wxml = compileWxml(WEAPP_DIR);
    // every page of app.json has its template, and so do the shared base and Taro's comp
    expect(wxml.files).toEqual(expect.arrayContaining(['base.wxml', 'comp.wxml', 'pages/index/index.wxml', 'staff/task/index.wxml', 'dispatch/dashboard/index.wxml']));
    const missing = wxml.files.filter((f) => typeof wxml.template(f) !== 'function');
    expect(missing).toEqual([]);
    expect(wxml.template('pages/nope/index.wxml')).toBeUndefined();
  });

  it('a compiled page template renders data through Taro’s base templates (the text of a node)', () => {
    // Taro's pages are `<template is="taro_tmpl" data="{{root:root}}"/>`: the runtime's node tree
    // (nn = the component's number in base.wxml, v = a text node's value) becomes the page
    const page = compileWxml(WEAPP_DIR).template('pages/login/index.wxml')!;
    const vdom = JSON.stringify(page({ root: { cn: [{ nn: '3', sid: 's1', cl: 'page', cn: [{ nn: '9', sid: 's2', v: '微事报 wcc' }] }] } }, {}, {}));
    expect(vdom).toContain('"tag":"wx-view"');
    expect(vdom).toContain('"class":"page"');
    expect(vdom).toContain('微事报 wcc');
  });

  it('wcsc compiles every .wxss file of the build', () => {
    const wxss = compileWxss(WEAPP_DIR);
    expect(wxss.files).toEqual(expect.arrayContaining(['app.wxss', 'staff/inbox/index.wxss']));
    expect(wxss.files.filter((f) => !wxss.compiled.includes(f))).toEqual([]);
  });

  it('wcc reports an unclosed tag, naming the file and line', () => {
    const dir = broken('pages/detail/index.wxml', (t) => `${t}\n<view class="x">unclosed\n`);
    expect(() => compileWxml(dir)).toThrow(/pages\/detail\/index\.wxml:\d+:\d+: end tag missing/);
  });

  it('wcc reports a bad {{ }} expression, naming the file', () => {
    const dir = broken('pages/index/index.wxml', (t) => `${t}\n<view>{{ a + }}</view>\n`);
    expect(() => compileWxml(dir)).toThrow(/pages\/index\/index\.wxml:\d+:\d+: Bad value/);
  });

  it('wcsc reports an unclosed rule, naming the file', () => {
    const dir = broken('staff/inbox/index.wxss', (t) => `${t}\n.broken { color: red;\n`);
    expect(() => compileWxss(dir)).toThrow(/staff\/inbox\/index\.wxss\(\d+:\d+\)/);
    // the other files of that copy are untouched and still compile
    expect(filesOf(dir, '.wxss').length).toBe(filesOf(WEAPP_DIR, '.wxss').length);
    expect(() => compileWxml(dir)).not.toThrow();
  });
});
