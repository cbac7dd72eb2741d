/** Small HTTP helpers of the WeChat stand-in: WeChat's reply style, bodies, records. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';

export interface Reply {
  status: number;
  body: unknown;
  /** a non-JSON body (the 5xx page) */
  text?: string;
}

export type Json = Record<string, unknown>;

const hex8 = () => randomBytes(4).toString('hex');
/** WeChat's request id, as its errmsg ends: "rid: xxxxxxxx-xxxxxxxx-xxxxxxxx" */
export const rid = () => `${hex8()}-${hex8()}-${hex8()}`;
export const nowIso = () => new Date().toISOString();

export const ok = (body: Json): Reply => ({ status: 200, body: { errcode: 0, errmsg: 'ok', ...body } });
/** WeChat's error style: HTTP 200, errcode, errmsg ending in a request id. */
export const fail = (errcode: number, errmsg: string): Reply => ({ status: 200, body: { errcode, errmsg: `${errmsg} rid: ${rid()}` } });

const MAX_RECORDS = 500;

/** Append to a record list, keeping the newest MAX_RECORDS. */
export function record<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > MAX_RECORDS) list.splice(0, list.length - MAX_RECORDS);
}

const MAX_BODY = 1024 * 1024;
export class BodyTooLarge extends Error {}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function parseJson(text: string): Json | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
  } catch {
    return undefined;
  }
}

export function write(res: ServerResponse, reply: Reply): void {
  if (res.writableEnded || res.destroyed) return;
  if (reply.text !== undefined) {
    res.writeHead(reply.status, { 'content-type': 'text/html; charset=utf-8' });
    res.end(reply.text);
    return;
  }
  res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(reply.body));
}

export const escapeHtml = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** 13812345678 -> 138****5678, as staff see phones elsewhere in the product. */
export const maskPhone = (p: string): string => (p.length >= 7 ? `${p.slice(0, 3)}****${p.slice(-4)}` : '****');

export const OPENID = /^[A-Za-z0-9_-]{1,64}$/;
