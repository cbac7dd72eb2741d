/**
 * Per-user limits (domain/limits names them). `limitItem` checks the count and returns the
 * increment for the act's own transaction: over the limit is 429 rate_limited (with the seconds
 * until the window ends) and nothing is written; a race to the last unit fails the
 * transaction's condition, and the flow's retry then finds the window full. `takeLimit` counts
 * on its own, for attempts that must count even when they fail (invite codes).
 */
import { DomainError } from '#domain/errors';
import { parseLimits, windowOf, type Limited } from '#domain/limits';
import { countIn, countItem, countSoFar, type Window } from '#store/limits';
import type { TxItem } from '#store/tx';

// Read once, like the rest of the configuration: a malformed RATE_LIMITS stops the cold start.
const LIMITS = parseLimits(process.env.RATE_LIMITS);

const MESSAGES: Record<Limited, string> = {
  reports: '上报太频繁，请稍后再试',
  uploads: '上传照片太频繁，请稍后再试',
  follows: '操作太频繁，请稍后再试',
  reveals: '查看联系电话太频繁，请稍后再试',
  invites: '邀请码尝试次数过多，请一小时后再试',
  open311: '该 API key 提交太频繁，请稍后再试',
};

function windowFor(userId: string, what: Limited, now: Date): { w: Window; retryAfterSeconds: number } {
  const limit = LIMITS[what];
  const { start, retryAfterSeconds } = windowOf(limit, now.getTime());
  return { w: { userId, action: what, startMs: start, seconds: limit.windowSeconds, max: limit.max }, retryAfterSeconds };
}

const tooMany = (what: Limited, w: Window, retryAfterSeconds: number) =>
  new DomainError('rate_limited', MESSAGES[what], { limit: what, max: w.max, windowSeconds: w.seconds, retryAfterSeconds });

export async function limitItem(userId: string, what: Limited, now: Date): Promise<TxItem> {
  const { w, retryAfterSeconds } = windowFor(userId, what, now);
  if ((await countSoFar(w)) >= w.max) throw tooMany(what, w, retryAfterSeconds);
  return countItem(w);
}

export async function takeLimit(userId: string, what: Limited, now: Date): Promise<void> {
  const { w, retryAfterSeconds } = windowFor(userId, what, now);
  if (!(await countIn(w))) throw tooMany(what, w, retryAfterSeconds);
}
