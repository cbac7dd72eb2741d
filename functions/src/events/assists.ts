/** Scheduled every minute: widens assist offers nobody accepted within their 3 minutes (flows/assists). */
import { widenDue } from '#flows/assists';

export async function handler(now = new Date()): Promise<{ widened: number; failed: number }> {
  return widenDue(now);
}
