/**
 * Taking one unit of a per-user limit before the act it limits (domain/limits names them);
 * over the limit is 429 rate_limited with the seconds until the window ends.
 */
import { DomainError } from '#domain/errors';
import { parseLimits, windowOf, type Limited } from '#domain/limits';
import { countIn } from '#store/limits';

// Read once, like the rest of the configuration: a malformed RATE_LIMITS stops the cold start.
const LIMITS = parseLimits(process.env.RATE_LIMITS);

const MESSAGES: Record<Limited, string> = {
  reports: '上报太频繁，请稍后再试',
  uploads: '上传照片太频繁，请稍后再试',
  follows: '操作太频繁，请稍后再试',
  reveals: '查看联系电话太频繁，请稍后再试',
  invites: '邀请码尝试次数过多，请一小时后再试',
};

export async function takeLimit(userId: string, what: Limited, now: Date): Promise<void> {
  const limit = LIMITS[what];
  const w = windowOf(limit, now.getTime());
  if (!(await countIn(userId, what, w.start, limit.windowSeconds, limit.max))) {
    throw new DomainError('rate_limited', MESSAGES[what], { limit: what, max: limit.max, windowSeconds: limit.windowSeconds, retryAfterSeconds: w.retryAfterSeconds });
  }
}
