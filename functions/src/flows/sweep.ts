/**
 * The sweep over due timers (time limits, surveys, retention), run every few minutes. It reads
 * the timer index hour by hour from the saved cursor — never a Scan — and moves the cursor only
 * past hours whose due timers all fired: an hour with a failure is where the next run resumes,
 * so no timer is skipped. Two runs at once fire each timer once (every firing is a transition
 * conditioned on the report's version).
 */
import { fireTimer } from '#flows/timers';
import { logger } from '#log';
import { advanceSweeperCursor, dueTimers, sweeperCursor } from '#store/sweeper';

const HOUR = 3_600_000;
/** how far back a first run (or one after a long outage) looks */
const MAX_LOOKBACK_HOURS = 24 * 14;

const hourStart = (ms: number) => Math.floor(ms / HOUR) * HOUR;

export interface SweepResult {
  fired: number;
  buckets: number;
  failed: number;
  /** the hour the next run starts from */
  resumeFrom: string;
}

export async function sweep(now: Date): Promise<SweepResult> {
  const nowMs = now.getTime();
  const saved = await sweeperCursor();
  const from = Math.max(hourStart(nowMs) - MAX_LOOKBACK_HOURS * HOUR, saved ? Date.parse(saved) : 0);
  let fired = 0;
  let failed = 0;
  let buckets = 0;
  // The first hour that still holds an unfired due timer; the current hour always stays open
  // (timers later in it are not due yet).
  let resumeFrom: number | null = null;
  for (let b = from; b <= hourStart(nowMs); b += HOUR) {
    buckets++;
    let hourFailed = false;
    for (const id of await dueTimers(new Date(b).toISOString(), now.toISOString())) {
      try {
        // A report may have several steps due at once (a long outage): fire them in order.
        while (await fireTimer(id, now)) fired++;
      } catch (e) {
        hourFailed = true;
        failed++;
        logger.error('timer failed; the next run resumes at its hour', { reportId: id, error: e as Error });
      }
    }
    if (hourFailed && resumeFrom === null) resumeFrom = b;
  }
  const resume = new Date(resumeFrom ?? hourStart(nowMs)).toISOString();
  await advanceSweeperCursor(resume);
  return { fired, buckets, failed, resumeFrom: resume };
}
