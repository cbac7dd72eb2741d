/** Scheduled every 5 minutes: fires every timer that is due (flows/sweep keeps the place). */
import { sweep } from '#flows/sweep';
import { countMetric, METRICS } from '#metrics';
import { loadSecrets } from '#secrets';

export async function handler(now = new Date()): Promise<{ fired: number; buckets: number; failed: number; resumeFrom: string }> {
  await loadSecrets(); // retention pseudonymises with the server's key
  const result = await sweep(now);
  // every run reports, 0 included: failures that persist across runs are alarmed
  countMetric(METRICS.sweeperTimerFailures, result.failed);
  return result;
}
