/**
 * Open311 GeoReport v2 documents in their two forms. The spec's JSON is a programmatic mapping
 * of its XML (the "Spark convention"): a JSON list is an XML container whose children carry the
 * singular name (`services` -> `<services><service>…`), so one value renders both ways here.
 * XML is the spec's required format and the default; fast-xml-parser's builder writes it (every
 * text escaped), with the XML declaration the spec asks for and no namespace.
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { Json } from '#domain/open311';

export type Format = 'xml' | 'json';

export const CONTENT_TYPE: Readonly<Record<Format, string>> = {
  xml: 'text/xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** Container -> child element name (the Spark convention's plural/singular pairs of GeoReport v2). */
const CHILD: Readonly<Record<string, string>> = {
  services: 'service',
  service_requests: 'request',
  errors: 'error',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
};

/** The document roots: a list root renders as a JSON array, the others as an object. */
export type Root = 'discovery' | 'services' | 'service_definition' | 'service_requests' | 'errors';

const builder = new XMLBuilder({ format: true, indentBy: '  ', suppressEmptyNode: true });

/** One value as the builder's tree: lists become their container's singular children; null an empty element. */
function tree(name: string, v: Json): unknown {
  if (v === null) return '';
  if (Array.isArray(v)) {
    const child = CHILD[name];
    if (!child) throw new Error(`open311: no element name for the items of ${name}`);
    return v.length ? { [child]: v.map((x) => tree(child, x)) } : '';
  }
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, tree(k, x)]));
  return typeof v === 'boolean' ? String(v) : v;
}

/** The document's body in `format`. */
export function render(format: Format, root: Root, value: Json): string {
  if (format === 'json') return JSON.stringify(value);
  return `<?xml version="1.0" encoding="utf-8"?>\n${builder.build({ [root]: tree(root, value) }) as string}`;
}

/**
 * The format a path asks for: `.json` or `.xml` at its end, else XML (the spec's default).
 * Answers the path without the suffix too (`services/gas_hazard.json` -> `gas_hazard`).
 */
export function formatOf(path: string): { format: Format; bare: string } {
  const m = /\.(json|xml)$/i.exec(path);
  return m ? { format: m[1]!.toLowerCase() as Format, bare: path.slice(0, -m[0].length) } : { format: 'xml', bare: path };
}

export type { Json };
