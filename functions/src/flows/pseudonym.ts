/** An irreversible stand-in for a person's id, stable for that person (keyed by the server secret). */
import { createHmac } from 'node:crypto';
import { tokenSecret } from '#secrets';

export const pseudonymOf = (userId: string): string =>
  `anon-${createHmac('sha256', tokenSecret()).update(`pseudonym:${userId}`).digest('hex').slice(0, 12)}`;
