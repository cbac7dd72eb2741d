/** Invite codes: made for an admin to read out, stored only as a hash (shown once). */
import { createHash, randomBytes } from 'node:crypto';

/** Unambiguous characters only: invite codes are read out over the phone. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export const hashInvite = (code: string) => createHash('sha256').update(code.toUpperCase()).digest('hex');

export function newInviteCode(): string {
  return Array.from(randomBytes(10), (b) => ALPHABET[b % ALPHABET.length]).join('');
}
