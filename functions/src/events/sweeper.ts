/** Scheduled every 5 minutes: fires every timer that is due (flows/sweep keeps the place). */
import { sweep } from '#flows/sweep';
import { loadSecrets } from '#secrets';

export async function handler(now = new Date()): Promise<{ fired: number; buckets: number; failed: number; resumeFrom: string }> {
  await loadSecrets(); // retention pseudonymises with the server's key
  return sweep(now);
}
