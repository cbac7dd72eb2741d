/**
 * Page cursors: the store's LastEvaluatedKey, signed and bound to the list it came from. A
 * cursor is opaque to clients; a forged one, or one taken from another list (another user's,
 * another index), is refused as bad input instead of reaching DynamoDB.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { tokenSecret } from '#secrets';
import { invalidInput } from '#domain/errors';

const key = () => createHmac('sha256', tokenSecret()).update('cursor-v1').digest();
const sign = (payload: string, scope: string) => createHmac('sha256', key()).update(`${scope}\n${payload}`).digest('base64url').slice(0, 22);

export function encodeCursor(last: Record<string, unknown> | undefined, scope: string): string | null {
  if (!last) return null;
  const payload = Buffer.from(JSON.stringify(last)).toString('base64url');
  return `${payload}.${sign(payload, scope)}`;
}

export function decodeCursor(cursor: string | undefined, scope: string): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  const [payload, mac] = cursor.split('.');
  const bad = () => invalidInput('cursor 无效或已过期，请从第一页重新获取', { field: 'cursor' });
  if (!payload || !mac) throw bad();
  const expected = Buffer.from(sign(payload, scope));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw bad();
  try {
    const v = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* signed by us, so unreachable short of a key change */
  }
  throw bad();
}
