/**
 * One local stack per test file: its own table on the run's DynamoDB Local, its own S3 server
 * and gateway on free ports, seeded with the demo city. Plus a small HTTP client that speaks
 * the public contract the way the app does.
 */
import { inject } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Stack } from '../../functions/local/stack.ts';

export interface TestStack extends Stack {
  api: Api;
}

/**
 * The tests file dozens of reports as the same few demo users: the per-user abuse limits are
 * raised for them (tests/integration/limits.test.ts sets its own before starting a stack).
 */
export const TEST_RATE_LIMITS = 'reports=100000/600,uploads=100000/600,follows=100000/600,reveals=100000/3600,invites=100000/3600';

export async function startTestStack(): Promise<TestStack> {
  process.env.RATE_LIMITS ??= TEST_RATE_LIMITS;
  const { startStack } = await import('../../functions/local/stack.ts');
  const stack = await startStack({
    port: 0,
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName: `t-${randomBytes(5).toString('hex')}`,
    bucket: `b-${randomBytes(5).toString('hex')}`,
    streamIntervalMs: 50,
  });
  return Object.assign(stack, { api: new Api(stack.url) });
}

export interface Res<T = any> {
  status: number;
  json: T;
  text: string;
  headers: Headers;
}

export class Api {
  private tokens = new Map<string, string>();
  constructor(readonly base: string) {}

  async call<T = any>(method: string, path: string, opts: { as?: string; body?: unknown; raw?: string | Buffer; headers?: Record<string, string> } = {}): Promise<Res<T>> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.as) headers.authorization = `Bearer ${await this.token(opts.as)}`;
    let body: string | Buffer | undefined = opts.raw;
    if (opts.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(opts.body);
    }
    const res = await fetch(this.base + path, { method, headers, body });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text, headers: res.headers };
  }

  async token(userId: string): Promise<string> {
    let t = this.tokens.get(userId);
    if (!t) {
      const r = await fetch(`${this.base}/v1/auth/dev`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId }) });
      if (r.status !== 200) throw new Error(`dev login ${userId}: ${r.status} ${await r.text()}`);
      t = ((await r.json()) as { token: string }).token;
      this.tokens.set(userId, t);
    }
    return t;
  }

  get = <T = any>(path: string, as?: string) => this.call<T>('GET', path, { as });
  post = <T = any>(path: string, body: unknown, as?: string, headers?: Record<string, string>) => this.call<T>('POST', path, { body, as, headers });

  /** Uploads bytes the way the app does (presigned POST) and returns the upload id. */
  async upload(as: string, bytes: Buffer, contentType = 'image/jpeg'): Promise<string> {
    const r = await this.post('/v1/uploads', { contentType, size: bytes.length }, as);
    if (r.status !== 201) throw new Error(`POST /v1/uploads ${r.status} ${r.text}`);
    const fd = new FormData();
    for (const [k, v] of Object.entries(r.json.fields as Record<string, string>)) fd.append(k, v);
    fd.append('file', new Blob([new Uint8Array(bytes)], { type: contentType }), 'photo.jpg');
    const put = await fetch(r.json.url, { method: 'POST', body: fd });
    if (put.status >= 300) throw new Error(`storage POST ${put.status} ${await put.text()}`);
    return r.json.uploadId as string;
  }

  /**
   * Uploads and waits until processing marked it ready (or failed) and WeChat's image check has
   * answered, so no later background write surprises a test that compares the table.
   */
  async uploadReady(as: string, bytes: Buffer, contentType = 'image/jpeg'): Promise<string> {
    const id = await this.upload(as, bytes, contentType);
    for (let i = 0; i < 100; i++) {
      const s = await this.get(`/v1/uploads/${id}`, as);
      // ready, and WeChat's image verdict in and final (until then it still changes the upload)
      if (s.json?.status === 'ready' && s.json.moderation !== undefined && s.json.moderation !== 'pending') return id;
      if (s.json?.status === 'failed') throw new Error(`upload ${id} failed: ${s.json.reason}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`upload ${id} never became ready`);
  }
}

export const newKey = () => randomUUID();
