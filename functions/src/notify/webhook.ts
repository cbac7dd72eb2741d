/**
 * One webhook call: a signed JSON POST to a city system's URL, retried in place with back-off as
 * WeChat pushes are (notify/push). The signature is Stripe's well-known scheme, so receivers can
 * reuse what they have: `X-Wsb-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`
 * — the time is inside the signed text, so a receiver can refuse replays older than it likes.
 *
 * Outcomes: 2xx -> sent. 5xx, 408, 429, a timeout or no connection -> retried after
 * WEBHOOK_RETRY_DELAYS_MS (default 0,1000,4000: three attempts of a 5 s timeout, under the
 * consumer's 60 s), still failing -> failed. Any other answer (the receiver refused what we
 * sent: 4xx) -> failed at once: retrying the same body cannot cure it.
 */
import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

const TIMEOUT_MS = 5000;
const DEFAULT_DELAYS_MS = [0, 1000, 4000];

function retryDelays(): number[] {
  const raw = process.env.WEBHOOK_RETRY_DELAYS_MS;
  if (raw === undefined || raw.trim() === '') return DEFAULT_DELAYS_MS;
  const delays = raw.split(',').map((s) => Number(s.trim()));
  if (delays.some((d) => !Number.isFinite(d) || d < 0)) throw new Error(`config: WEBHOOK_RETRY_DELAYS_MS must be comma-separated milliseconds, got "${raw}"`);
  return delays;
}

export function signature(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')}`;
}

export interface CallResult {
  ok: boolean;
  /** the last answer's HTTP status; null when none came */
  status: number | null;
  attempts: number;
  /** codes only: what went wrong (never the body, which may quote a person) */
  error: string | null;
}

const retryable = (status: number) => status >= 500 || status === 408 || status === 429;

export async function callWebhook(hook: { url: string; secret: string }, headers: Record<string, string>, body: string, opts: { once?: boolean } = {}): Promise<CallResult> {
  const delays = opts.once ? [0] : retryDelays();
  let last: CallResult = { ok: false, status: null, attempts: 0, error: 'not attempted' };
  for (const delay of delays) {
    if (delay > 0) await sleep(delay);
    const attempts = last.attempts + 1;
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        redirect: 'manual', // a receiver that moved must be registered again, not followed blindly
        signal: AbortSignal.timeout(TIMEOUT_MS),
        headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'weishibao-webhooks/1', ...headers, 'x-wsb-signature': signature(hook.secret, body, Math.floor(Date.now() / 1000)) },
        body,
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, attempts, error: null };
      last = { ok: false, status: res.status, attempts, error: `http ${res.status}` };
      if (!retryable(res.status)) return last;
    } catch (e) {
      last = { ok: false, status: null, attempts, error: (e as Error).name === 'TimeoutError' ? 'timeout' : `no answer (${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name})` };
    }
  }
  return last;
}
