/**
 * Operating the push channel: the dead-lettered WeChat pushes and their replay. The dead-letter
 * list is one city-wide queue (a push belongs to a person, not an area), so only an admin of the
 * whole city may read or replay it.
 */
import { rightsOf } from '#flows/rights';
import { listDeadLetters, replayDeadLetters } from '#notify/push';
import type { UserRecord } from '#store/users';

export async function deadLetters(admin: UserRecord, limit: number, cursor?: string) {
  (await rightsOf(admin)).require('city', '只有全市管理员可以查看推送失败记录');
  return listDeadLetters(limit, cursor);
}

export async function replay(admin: UserRecord, limit: number, cursor?: string) {
  (await rightsOf(admin)).require('city', '只有全市管理员可以重发推送');
  return replayDeadLetters({ limit, cursor });
}
