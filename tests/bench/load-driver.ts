/**
 * A bounded, closed-loop HTTP driver for tests/bench/load.ts: `concurrency` workers each send one
 * request, wait for its answer, and send the next, until the time is up. node:http with a
 * keep-alive agent (one socket per worker), latency measured per request from send to the last
 * byte; a request that has no complete answer within `timeoutMs` is abandoned and counted as a
 * timeout. Cheaper per request than fetch, which matters because the driver shares the process
 * (and the 2 cores) with the stack it drives.
 */
import { Agent, request, type IncomingHttpHeaders } from 'node:http';

export interface Call {
  method: 'GET' | 'POST';
  path: string;
  token?: string | undefined;
  body?: unknown;
  headers?: Record<string, string> | undefined;
}

export interface Reply {
  /** 0 when no answer: see `failure` */
  status: number;
  failure?: 'timeout' | 'network';
  text: string;
  headers: IncomingHttpHeaders;
  ms: number;
}

export class Client {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(base: string, sockets: number, private readonly timeoutMs: number) {
    const url = new URL(base);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets, keepAliveMsecs: 1_000 });
  }

  send(call: Call): Promise<Reply> {
    return new Promise((resolve) => {
      const payload = call.body === undefined ? undefined : Buffer.from(JSON.stringify(call.body));
      const headers: Record<string, string> = { ...(call.headers ?? {}) };
      if (call.token) headers.authorization = `Bearer ${call.token}`;
      if (payload) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(payload.length);
      }
      let done = false;
      const t0 = performance.now();
      const finish = (r: Omit<Reply, 'ms'>) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve({ ...r, ms: performance.now() - t0 });
      };
      const req = request({ host: this.host, port: this.port, method: call.method, path: call.path, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => finish({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
        res.on('error', () => finish({ status: 0, failure: 'network', text: '', headers: {} }));
      });
      const timer = setTimeout(() => {
        finish({ status: 0, failure: 'timeout', text: '', headers: {} });
        req.destroy();
      }, this.timeoutMs);
      req.on('error', () => finish({ status: 0, failure: 'network', text: '', headers: {} }));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Latencies and answers of one phase, overall and per kind of request. */
export class Recorder {
  readonly ms: number[] = [];
  readonly byKind = new Map<string, number[]>();
  /** '200', '201', '409', 'timeout', 'network' -> count */
  readonly byStatus = new Map<string, number>();
  /** kind -> status -> count, for the statuses that are not the kind's success */
  readonly unexpected = new Map<string, Map<string, number>>();

  add(kind: string, r: Reply, expected: number): void {
    this.ms.push(r.ms);
    let k = this.byKind.get(kind);
    if (!k) this.byKind.set(kind, (k = []));
    k.push(r.ms);
    const s = r.failure ?? String(r.status);
    this.byStatus.set(s, (this.byStatus.get(s) ?? 0) + 1);
    if (r.status !== expected) {
      let u = this.unexpected.get(kind);
      if (!u) this.unexpected.set(kind, (u = new Map()));
      u.set(s, (u.get(s) ?? 0) + 1);
    }
  }

  /** 5xx answers, timeouts and dropped connections */
  errors(): number {
    let n = 0;
    for (const [s, c] of this.byStatus) if (s === 'timeout' || s === 'network' || Number(s) >= 500) n += c;
    return n;
  }
}

/**
 * Runs `step` on `concurrency` workers until `seconds` have passed (requests under way then are
 * waited for and counted). Returns the wall time from the first send to the last answer.
 */
export async function closedLoop(concurrency: number, seconds: number, step: (worker: number) => Promise<void>): Promise<number> {
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (performance.now() < deadline) await step(w);
    }),
  );
  return (performance.now() - t0) / 1000;
}

/** The p-th quantile (0..1) by the nearest-rank method; 0 for no samples. */
export function quantile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
