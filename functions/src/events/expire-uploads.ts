/** Scheduled: lapsed uploads are marked failed and late originals deleted (flows/uploads). */
import { expireUploads } from '#flows/uploads';

export async function handler(now = new Date()): Promise<{ expired: number }> {
  return { expired: await expireUploads(now) };
}
