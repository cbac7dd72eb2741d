/**
 * Reading the XML the Open311 endpoints write, with the parser of the same library the functions
 * use (resolved from the functions workspace, whichever copy npm hoists elsewhere): strict, so a
 * document that is not well-formed fails the test that reads it.
 */
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../functions/package.json', import.meta.url));
interface Lib {
  XMLParser: new (o: { parseTagValue: boolean; isArray: (name: string) => boolean; ignoreDeclaration: boolean }) => { parse(text: string): any };
  XMLValidator: { validate(text: string): true | { err: unknown } };
}
const { XMLParser, XMLValidator } = require('fast-xml-parser') as Lib;

/** The spec's containers: their children are always lists, even of one. */
const LISTS = new Set(['service', 'request', 'error', 'attribute', 'value', 'endpoint', 'format']);
const parser = new XMLParser({ parseTagValue: false, isArray: (name) => LISTS.has(name), ignoreDeclaration: true });

export function parseXml(text: string): any {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`not well-formed XML: ${JSON.stringify(valid.err)}\n${text.slice(0, 400)}`);
  return parser.parse(text);
}
