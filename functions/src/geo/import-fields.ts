/** Reading the columns of an import feature: ids, names, objects. Shared by the area and place imports. */

export const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** An id as the format allows it, or null with the reason. */
export function readId(raw: unknown): { id: string } | { why: string } {
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return { id: String(raw) };
  if (typeof raw !== 'string') return { why: raw === undefined || raw === null ? 'missing' : `a ${typeof raw}, not a string` };
  if (raw.length === 0) return { why: 'empty' };
  if (raw.length > 128) return { why: 'longer than 128 characters' };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) return { why: 'contains control characters' };
  if (raw.trim() !== raw) return { why: 'has leading or trailing spaces' };
  return { id: raw };
}

export function readName(raw: unknown): string | null {
  return typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : null;
}
