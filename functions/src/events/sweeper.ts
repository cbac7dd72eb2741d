/**
 * Scheduled every 5 minutes: fires every timer that is due (time limits, surveys). Reads the
 * timer index hour by hour from where the last run stopped — never a Scan — and keeps its place
 * in a small cursor item, so a missed run catches up and a repeated run finds nothing new.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { doc } from '#store/clients';
import { dueTimers } from '#store/reports';
import { keys } from '#store/keys';
import { config } from '#config';
import { fireTimer } from '#flows/timers';
import { logger } from '#log';
import { loadSecrets } from '#secrets';

const HOUR = 3_600_000;
/** how far back a first run (or one after a long outage) looks */
const MAX_LOOKBACK_HOURS = 24 * 14;
const CURSOR = keys.sweeperCursor();

const hourStart = (ms: number) => Math.floor(ms / HOUR) * HOUR;

export async function handler(now = new Date()): Promise<{ fired: number; buckets: number }> {
  await loadSecrets(); // retention pseudonymises with the server's key
  const nowMs = now.getTime();
  const saved = await doc.send(new GetCommand({ TableName: config.tableName, Key: CURSOR, ConsistentRead: true }));
  const from = Math.max(hourStart(nowMs) - MAX_LOOKBACK_HOURS * HOUR, saved.Item ? Date.parse(String(saved.Item.bucket)) : 0);
  let fired = 0;
  let buckets = 0;
  for (let b = from; b <= hourStart(nowMs); b += HOUR) {
    buckets++;
    for (const id of await dueTimers(new Date(b).toISOString(), now.toISOString())) {
      try {
        // A report may have several steps due at once (a long outage): fire them in order.
        while (await fireTimer(id, now)) fired++;
      } catch (e) {
        logger.error('timer failed; will retry next run', { reportId: id, error: e as Error });
      }
    }
  }
  // The current hour stays the start: timers later in it are not due yet.
  await doc.send(new PutCommand({ TableName: config.tableName, Item: { ...CURSOR, bucket: new Date(hourStart(nowMs)).toISOString() } }));
  return { fired, buckets };
}
