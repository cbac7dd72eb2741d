/**
 * A POST requests body as a list of fields, whatever its encoding: form-encoded (the spec's),
 * multipart/form-data (what HTML forms with a file input and several clients send) or JSON (some
 * clients send the same names as an object). Repeated keys stay repeated, in order; files in a
 * multipart body are skipped (GeoReport v2 takes media as `media_url`), and so are empty values,
 * which the spec says mean the same as a field left out.
 */
import Busboy from 'busboy';
import { DomainError, invalidInput } from '#domain/errors';
import type { Fields } from '#domain/open311';

export type { Fields };

const MAX_FIELDS = 200;

function multipart(contentType: string, bytes: Buffer): Promise<Fields> {
  return new Promise((resolve, reject) => {
    const out: Fields = [];
    let bb: Busboy.Busboy;
    try {
      bb = Busboy({ headers: { 'content-type': contentType }, limits: { fields: MAX_FIELDS, fieldSize: 64 * 1024, files: 10 }, defParamCharset: 'utf8' });
    } catch {
      reject(invalidInput('multipart 请求缺少 boundary'));
      return;
    }
    bb.on('field', (name, value) => out.push([name, value]));
    bb.on('file', (_name, stream) => stream.resume());
    bb.on('fieldsLimit', () => reject(invalidInput(`字段不能超过 ${MAX_FIELDS} 个`)));
    bb.on('error', () => reject(invalidInput('multipart 请求体格式不正确')));
    bb.on('close', () => resolve(out));
    bb.end(bytes);
  });
}

/** A JSON object's members as fields: arrays give one field per item, objects (`attribute`) bracketed names. */
function jsonFields(bytes: Buffer): Fields {
  let v: unknown;
  try {
    v = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new DomainError('invalid_json', '请求体不是合法的 JSON');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw invalidInput('JSON 请求体须为对象');
  const out: Fields = [];
  const scalar = (x: unknown) => (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' ? String(x) : null);
  const add = (name: string, x: unknown) => {
    if (Array.isArray(x)) for (const item of x) add(name, item);
    else if (x && typeof x === 'object') for (const [k, y] of Object.entries(x)) add(`${name}[${k}]`, y);
    else {
      const s = scalar(x);
      if (s !== null) out.push([name, s]);
    }
  };
  for (const [k, x] of Object.entries(v)) add(k, x);
  return out;
}

export async function bodyFields(contentType: string | undefined, bytes: Buffer | undefined): Promise<Fields> {
  if (!bytes || bytes.length === 0) return [];
  const type = (contentType ?? '').toLowerCase();
  let fields: Fields;
  if (type.startsWith('multipart/form-data')) fields = await multipart(contentType!, bytes);
  else if (/^application\/json\b/.test(type)) fields = jsonFields(bytes);
  else if (type === '' || type.startsWith('application/x-www-form-urlencoded')) fields = [...new URLSearchParams(bytes.toString('utf8'))];
  else throw new DomainError('unsupported_media_type', '请求体须为 application/x-www-form-urlencoded、multipart/form-data 或 application/json');
  if (fields.length > MAX_FIELDS) throw invalidInput(`字段不能超过 ${MAX_FIELDS} 个`);
  return fields.map(([k, v]) => [k, v.trim()] as [string, string]).filter(([, v]) => v !== '');
}
