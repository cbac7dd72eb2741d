/**
 * WeChat's message push (服务器消息推送), both ends of it: how a push is signed, encrypted and
 * framed, and how we open one. The backend opens pushes (http/handlers/wechat.ts); the local
 * WeChat stand-in seals them the same way (functions/local/standin/push.ts), so both follow this
 * one reading of the contract. Pure apart from node:crypto: no configuration, no logging.
 *
 * Contract (miniprogram/dev/framework/server-ability/message-push.html and the 消息加解密说明 it
 * links to; checked against the sample vector of WeChat's own WXBizMsgCrypt demo in
 * tests/unit/notify/wechat-push.test.ts):
 * - Plaintext mode (明文模式): the query carries signature = sha1 of the sorted
 *   [token, timestamp, nonce] joined, hex; the body is the message itself.
 * - Safe mode (安全模式): the query also carries encrypt_type=aes and msg_signature = sha1 of the
 *   sorted [token, timestamp, nonce, Encrypt]; the body carries only ToUserName and Encrypt
 *   (compatibility mode, 兼容模式, carries the plaintext fields too; we read only Encrypt).
 *   Encrypt = base64(AES-256-CBC(random 16 bytes + 4-byte big-endian length of msg + msg + appid)),
 *   key = base64-decode(EncodingAESKey + '='), 32 bytes, IV = the key's first 16 bytes, PKCS#7
 *   padding to a multiple of 32 bytes.
 * - Data format (数据格式) is XML or JSON, chosen in the console; the decrypted message is in the
 *   same format as its envelope.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SecSuggest } from '#notify/wechat';

export type PushFormat = 'json' | 'xml';
type Fields = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Signatures
// ---------------------------------------------------------------------------------------------

const sha1Sorted = (parts: string[]) => createHash('sha1').update([...parts].sort().join('')).digest('hex');

function sameHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given.toLowerCase());
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The `signature` WeChat sends for (token, timestamp, nonce): the URL check and plaintext pushes. */
export const pushSignature = (token: string, timestamp: string, nonce: string): string => sha1Sorted([token, timestamp, nonce]);

/** The `msg_signature` of a safe-mode push: it covers the ciphertext too. */
export const msgSignature = (token: string, timestamp: string, nonce: string, encrypt: string): string => sha1Sorted([token, timestamp, nonce, encrypt]);

/** Checks the `signature` query parameter ("验证消息的确来自微信服务器"). */
export function verifyPushSignature(q: { signature?: string | null; timestamp?: string | null; nonce?: string | null }, token: string): boolean {
  if (!q.signature || !q.timestamp || !q.nonce) return false;
  return sameHex(pushSignature(token, q.timestamp, q.nonce), q.signature);
}

// ---------------------------------------------------------------------------------------------
// Encryption (safe mode)
// ---------------------------------------------------------------------------------------------

/** The 32-byte AES key of an EncodingAESKey (43 characters of base64, '=' appended). */
export function aesKeyOf(encodingAESKey: string): Buffer {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAESKey)) throw new Error('EncodingAESKey must be 43 characters of A-Z, a-z, 0-9 (as the console generates it)');
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  if (key.length !== 32) throw new Error('EncodingAESKey does not decode to 32 bytes');
  return key;
}

const BLOCK = 32;

/** Encrypt as WeChat does (the stand-in's side). `random` is for tests that need a fixed output. */
export function encryptPush(encodingAESKey: string, message: string, appid: string, random: Buffer = randomBytes(16)): string {
  const key = aesKeyOf(encodingAESKey);
  const msg = Buffer.from(message, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length);
  const plain = Buffer.concat([random, len, msg, Buffer.from(appid, 'utf8')]);
  const pad = BLOCK - (plain.length % BLOCK);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
}

export class PushRefused extends Error {
  override readonly name = 'PushRefused';
  /** signature / appid / mode: not from WeChat, or not as configured (403); format: unreadable (400) */
  constructor(
    readonly reason: 'signature' | 'appid' | 'mode' | 'format',
    message: string,
  ) {
    super(message);
  }
}

/** Decrypt an `Encrypt` value: the message and the appid it was sealed for. Throws PushRefused('format'). */
export function decryptPush(encodingAESKey: string, encrypt: string): { message: string; appid: string } {
  const key = aesKeyOf(encodingAESKey);
  const data = Buffer.from(encrypt, 'base64');
  if (data.length === 0 || data.length % 16 !== 0) throw new PushRefused('format', 'Encrypt is not AES-CBC ciphertext');
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    plain = Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    throw new PushRefused('format', 'Encrypt does not decrypt');
  }
  const pad = plain[plain.length - 1]!;
  if (pad < 1 || pad > BLOCK || pad > plain.length || !plain.subarray(plain.length - pad).every((b) => b === pad)) {
    throw new PushRefused('format', 'Encrypt has bad padding (wrong EncodingAESKey?)');
  }
  const body = plain.subarray(16, plain.length - pad);
  if (body.length < 4) throw new PushRefused('format', 'Encrypt is too short');
  const len = body.readUInt32BE(0);
  if (len > body.length - 4) throw new PushRefused('format', 'Encrypt has a bad length');
  return { message: body.subarray(4, 4 + len).toString('utf8'), appid: body.subarray(4 + len).toString('utf8') };
}

// ---------------------------------------------------------------------------------------------
// XML (WeChat's push shape: elements, text and CDATA; no attributes, no namespaces)
// ---------------------------------------------------------------------------------------------

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const decodeEntities = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return ENTITIES[e] ?? m;
  });

/**
 * Reads a push as WeChat frames it in XML mode: `<xml>` with child elements; an element with
 * children becomes an object, a repeated element an array, text and CDATA a string. A small
 * reader rather than a dependency: the shape is fixed, and anything outside it is refused.
 */
export function parsePushXml(xml: string): Fields {
  let i = 0;
  const fail = (why: string): never => {
    throw new PushRefused('format', `XML: ${why} at ${i}`);
  };
  const skipMisc = () => {
    for (;;) {
      while (i < xml.length && /\s/.test(xml[i]!)) i++;
      if (xml.startsWith('<?', i)) i = xml.indexOf('?>', i) < 0 ? fail('unclosed <?') : xml.indexOf('?>', i) + 2;
      else if (xml.startsWith('<!--', i)) i = xml.indexOf('-->', i) < 0 ? fail('unclosed comment') : xml.indexOf('-->', i) + 3;
      else return;
    }
  };
  const element = (depth: number): [string, unknown] => {
    if (depth > 8) fail('nested too deep');
    const open = /^<([A-Za-z_][\w.-]*)\s*(\/?)>/.exec(xml.slice(i, i + 200));
    if (!open) fail('expected an element without attributes');
    i += open![0].length;
    const name = open![1]!;
    if (open![2] === '/') return [name, ''];
    const children: Fields = {};
    let text = '';
    let hasChildren = false;
    for (;;) {
      if (i >= xml.length) fail(`unclosed <${name}>`);
      if (xml.startsWith('<![CDATA[', i)) {
        const end = xml.indexOf(']]>', i);
        if (end < 0) fail('unclosed CDATA');
        text += xml.slice(i + 9, end);
        i = end + 3;
      } else if (xml.startsWith('</', i)) {
        const close = new RegExp(`^</${name}\\s*>`).exec(xml.slice(i, i + name.length + 20));
        if (!close) fail(`expected </${name}>`);
        i += close![0].length;
        break;
      } else if (xml.startsWith('<!--', i)) {
        skipMisc();
      } else if (xml[i] === '<') {
        const [k, v] = element(depth + 1);
        hasChildren = true;
        const prev = children[k];
        children[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
      } else {
        const next = xml.indexOf('<', i);
        text += decodeEntities(xml.slice(i, next < 0 ? xml.length : next));
        i = next < 0 ? xml.length : next;
      }
    }
    if (hasChildren && text.trim() !== '') fail(`<${name}> mixes text and elements`);
    return [name, hasChildren ? children : text];
  };
  skipMisc();
  const [root, value] = element(0);
  skipMisc();
  if (i !== xml.length) fail('content after the root element');
  if (root !== 'xml' || typeof value !== 'object') fail('the root must be <xml> with elements');
  return value as Fields;
}

const cdata = (s: string) => `<![CDATA[${s.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;

function xmlOf(name: string, v: unknown): string {
  if (Array.isArray(v)) return v.map((x) => xmlOf(name, x)).join('');
  if (v !== null && typeof v === 'object') return `<${name}>${Object.entries(v).map(([k, x]) => xmlOf(k, x)).join('')}</${name}>`;
  return `<${name}>${typeof v === 'number' ? String(v) : cdata(String(v ?? ''))}</${name}>`;
}

/** A message as WeChat writes it in XML mode: strings in CDATA, numbers as text. */
export const toPushXml = (fields: Fields): string => xmlOf('xml', fields);

/** The body of a push in either format (told apart by its first character, as content types vary). */
export function parsePushBody(raw: string): { format: PushFormat; fields: Fields } {
  const text = raw.trim();
  if (text.startsWith('<')) return { format: 'xml', fields: parsePushXml(text) };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new PushRefused('format', 'the body is neither XML nor JSON');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new PushRefused('format', 'the JSON body is not an object');
  return { format: 'json', fields: v as Fields };
}

export const serialisePush = (fields: Fields, format: PushFormat): string => (format === 'xml' ? toPushXml(fields) : JSON.stringify(fields));

// ---------------------------------------------------------------------------------------------
// Opening and sealing a push
// ---------------------------------------------------------------------------------------------

export interface PushQuery {
  signature?: string | undefined;
  timestamp?: string | undefined;
  nonce?: string | undefined;
  msg_signature?: string | undefined;
  encrypt_type?: string | undefined;
}

/**
 * Verify and open a push: the message's fields, decrypted if it was encrypted. With an
 * EncodingAESKey configured the deployment is in safe mode and only encrypted pushes are taken
 * (a plaintext one is refused: WeChat in safe mode sends none); without one, only plaintext
 * pushes signed with the token. Throws PushRefused.
 */
export function openPush(input: { query: PushQuery; body: string | undefined; token: string; encodingAESKey: string | null; appId: string }): Fields {
  const { query: q, body, token, encodingAESKey } = input;
  if (!encodingAESKey) {
    if (!verifyPushSignature(q, token)) throw new PushRefused('signature', 'bad signature');
    if (q.encrypt_type === 'aes') throw new PushRefused('mode', 'an encrypted push, but no EncodingAESKey is configured');
    if (!body) throw new PushRefused('format', 'the push has no body');
    return parsePushBody(body).fields;
  }
  if (q.encrypt_type !== 'aes' || !q.msg_signature) throw new PushRefused('mode', 'safe mode: only encrypted pushes are accepted');
  if (!body) throw new PushRefused('format', 'the push has no body');
  const envelope = parsePushBody(body);
  const encrypt = envelope.fields.Encrypt;
  if (typeof encrypt !== 'string' || encrypt === '') throw new PushRefused('format', 'the push has no Encrypt');
  if (!q.timestamp || !q.nonce || !sameHex(msgSignature(token, q.timestamp, q.nonce, encrypt), q.msg_signature)) throw new PushRefused('signature', 'bad msg_signature');
  const { message, appid } = decryptPush(encodingAESKey, encrypt);
  if (appid !== input.appId) throw new PushRefused('appid', 'the push was sealed for another appid');
  return parsePushBody(message).fields;
}

/**
 * Seal a message as WeChat would push it (the stand-in's side): the query parameters and the
 * body. `safe` null is plaintext mode; otherwise the body is the envelope `{ToUserName, Encrypt}`.
 */
export function sealPush(input: {
  message: Fields;
  format: PushFormat;
  token: string;
  safe: { encodingAESKey: string; appid: string } | null;
  timestamp?: string;
  nonce?: string;
}): { query: Record<string, string>; body: string; contentType: string } {
  const timestamp = input.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = input.nonce ?? String(randomBytes(4).readUInt32BE());
  const query: Record<string, string> = { signature: pushSignature(input.token, timestamp, nonce), timestamp, nonce };
  const contentType = input.format === 'xml' ? 'text/xml; charset=utf-8' : 'application/json';
  const plain = serialisePush(input.message, input.format);
  if (!input.safe) return { query, body: plain, contentType };
  const encrypt = encryptPush(input.safe.encodingAESKey, plain, input.safe.appid);
  query.encrypt_type = 'aes';
  query.msg_signature = msgSignature(input.token, timestamp, nonce, encrypt);
  const envelope = { ToUserName: String(input.message.ToUserName ?? ''), Encrypt: encrypt };
  return { query, body: serialisePush(envelope, input.format), contentType };
}

// ---------------------------------------------------------------------------------------------
// wxa_media_check
// ---------------------------------------------------------------------------------------------

/** A verdict, or WeChat's account of why it has none (e.g. errcode -1008: the image could not be downloaded). */
export type MediaCheckVerdict = { traceId: string; suggest: SecSuggest; label: number } | { traceId: string; error: { errcode: number; errmsg: string } };

const isSuggest = (v: unknown): v is SecSuggest => v === 'pass' || v === 'review' || v === 'risky';

/**
 * Read a `wxa_media_check` event (opened with openPush: JSON or XML fields, so numbers may come
 * as strings; the raw JSON text is accepted too). v2 events carry trace_id, version, errcode,
 * errmsg, result {suggest, label} and detail[] per strategy; a non-zero errcode means no verdict
 * (then result may be missing). v1 events carry isrisky 0/1 (read as pass/100 or risky/21000) and
 * status_code (non-zero: the check failed).
 */
export function parseMediaCheckEvent(body: unknown): MediaCheckVerdict {
  const obj: unknown = typeof body === 'string' ? JSON.parse(body) : body;
  if (!obj || typeof obj !== 'object') throw new Error('wxa_media_check: body is not an object');
  const e = obj as Fields;
  if (e.Event !== 'wxa_media_check') throw new Error(`wxa_media_check: unexpected Event ${String(e.Event)}`);
  const traceId = e.trace_id;
  if (typeof traceId !== 'string' || traceId === '') throw new Error('wxa_media_check: missing trace_id');
  const errcode = e.errcode === undefined || e.errcode === '' ? 0 : Number(e.errcode);
  if (!Number.isFinite(errcode)) throw new Error('wxa_media_check: errcode is not a number');
  if (errcode !== 0) return { traceId, error: { errcode, errmsg: typeof e.errmsg === 'string' ? e.errmsg : '' } };
  const result = e.result as Fields | undefined;
  if (result && typeof result === 'object') {
    const label = Number(result.label);
    if (!Number.isFinite(label)) throw new Error('wxa_media_check: result.label is not a number');
    if (!isSuggest(result.suggest)) throw new Error(`wxa_media_check: unexpected suggest ${String(result.suggest)}`);
    return { traceId, suggest: result.suggest, label };
  }
  // v1: status_code is the same code unsigned (4294966288 for -1008, the image not downloaded)
  const status = e.status_code === undefined ? 0 : Number(e.status_code);
  if (status !== 0) return { traceId, error: { errcode: !Number.isFinite(status) ? -1 : status >= 2 ** 31 ? status - 2 ** 32 : status, errmsg: 'v1 status_code' } };
  const risky = e.isrisky === undefined ? undefined : Number(e.isrisky);
  if (risky === 0 || risky === 1) return { traceId, suggest: risky === 1 ? 'risky' : 'pass', label: risky === 1 ? 21000 : 100 };
  throw new Error('wxa_media_check: no result');
}
