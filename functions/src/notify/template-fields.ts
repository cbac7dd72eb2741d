/**
 * Subscribe-message template fields: the parameter kinds of sendMessage's "订阅消息参数值内容限制说明"
 * (miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html), the rule
 * table WeChat applies to each value, and the shaper that makes our values fit. Pure: no I/O, no
 * configuration — the template table (notify/templates.ts, which infra reads) and the WeChat
 * stand-in use the very same rules the client shapes with.
 */

/** sendMessage `data`: each key of the template with its value. */
export type TemplateData = Record<string, { value: string }>;

/**
 * The parameter kinds of sendMessage's "订阅消息参数值内容限制说明". A template's keys are the kind
 * plus a number (thing1, time3, character_string12, number01), so the key says the kind.
 * enum.DATA is left out: its values come from the template's own list.
 */
export type TemplateFieldKind =
  | 'thing'
  | 'number'
  | 'letter'
  | 'symbol'
  | 'character_string'
  | 'time'
  | 'date'
  | 'amount'
  | 'phone_number'
  | 'car_number'
  | 'name'
  | 'phrase';

export interface TemplateFieldRule {
  kind: TemplateFieldKind;
  /** WeChat's wording, for error messages and the dev page */
  limit: string;
  /** in characters (code points; one Chinese character counts as one) */
  maxLength: number;
  /** may the shaper cut it and end with '…'? (false: a cut would change the meaning or break the format) */
  truncate: boolean;
  test(value: string): boolean;
}

const HAN = /\p{Script=Han}/u;
const ONLY_HAN = /^\p{Script=Han}+$/u;
const CONTROL = /\p{Cc}/u;
/** "符号表示除中文、英文、数字外的常见符号,不能带有换行等控制字符" — printable, not a letter, digit or Han. */
const SYMBOL = /^[^\p{L}\p{N}\p{Cc}\s]$/u;
const len = (s: string) => Array.from(s).length;

// Dates and times: "时间格式支持HH:MM:SS或者HH:MM。日期包含年月日,为y年m月d日,y年m月、m月d日格式,或者用
// '-'、'/'、'.'符号连接,如2018-01-01,2018/01/01,2018.01.01,2018-01,01-01", ranges joined with "~".
const Y = '\\d{4}';
const M = '(?:0?[1-9]|1[0-2])';
const D = '(?:0?[1-9]|[12]\\d|3[01])';
const DATE_PART = `(?:${Y}年${M}月${D}日|${Y}年${M}月|${M}月${D}日|${Y}([-/.])${M}\\1${D}|${Y}[-/.]${M}|${M}-${D})`;
const TIME_PART = '(?:[01]?\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d)?';
const TIME_POINT = `(?:${DATE_PART}\\s*)?${TIME_PART}`;
const DATE_POINT = `${DATE_PART}(?:\\s*${TIME_PART})?`;
// The back-reference numbering restarts per point, so build each side of a range separately.
const range = (point: string) => new RegExp(`^${point}(?:\\s*~\\s*${point.replace('\\1', '\\2')})?$`);
const TIME_RE = range(TIME_POINT);
const DATE_RE = range(DATE_POINT);

export const TEMPLATE_FIELD_RULES: Readonly<Record<TemplateFieldKind, TemplateFieldRule>> = {
  thing: {
    kind: 'thing',
    limit: '20个以内字符,可汉字、数字、字母或符号组合',
    maxLength: 20,
    truncate: true,
    test: (v) => len(v) >= 1 && len(v) <= 20 && !CONTROL.test(v),
  },
  number: {
    kind: 'number',
    limit: '32位以内数字,只能数字,可带小数',
    maxLength: 32,
    truncate: false,
    test: (v) => /^\d+(?:\.\d+)?$/.test(v) && v.replace('.', '').length <= 32,
  },
  letter: { kind: 'letter', limit: '32位以内字母,只能字母', maxLength: 32, truncate: false, test: (v) => /^[A-Za-z]{1,32}$/.test(v) },
  symbol: {
    kind: 'symbol',
    limit: '5位以内符号,只能符号',
    maxLength: 5,
    truncate: false,
    test: (v) => len(v) >= 1 && len(v) <= 5 && Array.from(v).every((c) => SYMBOL.test(c)),
  },
  character_string: {
    kind: 'character_string',
    limit: '32位以内数字、字母或符号,可数字、字母或符号组合',
    maxLength: 32,
    truncate: true,
    // ASCII letters, digits and printable symbols (no space), plus the ellipsis the shaper may add.
    test: (v) => /^[\x21-\x7e…]{1,32}$/.test(v),
  },
  time: {
    kind: 'time',
    limit: '24小时制时间格式(支持+年月日),支持时间段(两个时间点之间用“~”连接),例如 15:01 或 2019年10月1日 15:01',
    maxLength: 64,
    truncate: false,
    test: (v) => TIME_RE.test(v),
  },
  date: {
    kind: 'date',
    limit: '年月日格式(支持+24小时制时间),支持时间段(用“~”连接),例如 2019年10月1日 或 2019年10月1日 15:01',
    maxLength: 64,
    truncate: false,
    test: (v) => DATE_RE.test(v),
  },
  amount: {
    kind: 'amount',
    limit: '1个币种符号+10位以内纯数字,可带小数,结尾可带“元”',
    maxLength: 14,
    truncate: false,
    test: (v) => {
      const m = /^[¥￥$€£]?(\d+(?:\.\d+)?)元?$/u.exec(v);
      return !!m && m[1]!.replace('.', '').length <= 10;
    },
  },
  phone_number: {
    kind: 'phone_number',
    limit: '17位以内,数字、符号',
    maxLength: 17,
    truncate: false,
    test: (v) => /^[0-9+\-()#*]{1,17}$/.test(v),
  },
  car_number: {
    kind: 'car_number',
    limit: '8位以内,第一位与最后一位可为汉字,其余为字母或数字',
    maxLength: 8,
    truncate: false,
    test: (v) => len(v) <= 8 && /^[\p{Script=Han}A-Z0-9][A-Z0-9]*[\p{Script=Han}A-Z0-9]?$/u.test(v),
  },
  name: {
    kind: 'name',
    limit: '10个以内纯汉字或20个以内纯字母或符号;中文和字母混合按中文名算,10个字内',
    maxLength: 20,
    truncate: false,
    test: (v) => {
      if (len(v) < 1 || CONTROL.test(v) || /\p{N}/u.test(v)) return false;
      return HAN.test(v) ? len(v) <= 10 && /^[\p{Script=Han}A-Za-z·•]+$/u.test(v) : len(v) <= 20;
    },
  },
  phrase: {
    kind: 'phrase',
    limit: '5个以内纯汉字,例如:配送中',
    maxLength: 5,
    truncate: false,
    test: (v) => ONLY_HAN.test(v) && len(v) <= 5,
  },
};

/** 'thing12' -> 'thing', 'character_string1' -> 'character_string'; undefined for anything else. */
export function templateKindOfKey(key: string): TemplateFieldKind | undefined {
  const m = /^([a-z_]+?)\d+$/.exec(key);
  const kind = m?.[1];
  return kind !== undefined && Object.hasOwn(TEMPLATE_FIELD_RULES, kind) ? (kind as TemplateFieldKind) : undefined;
}

export type TemplateViolation = { key: string; reason: 'empty' | 'invalid' };

/**
 * Check data the way sendMessage does: every key must be <kind><n> and its value obey the kind's
 * rule. Returns the first violation (WeChat names one field per 47003), or undefined.
 */
export function validateTemplateData(data: unknown): TemplateViolation | undefined {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return { key: '', reason: 'empty' };
  const entries = Object.entries(data as Record<string, unknown>);
  if (entries.length === 0) return { key: '', reason: 'empty' };
  for (const [key, field] of entries) {
    const raw = field && typeof field === 'object' ? (field as { value?: unknown }).value : undefined;
    const value = typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : raw;
    if (typeof value !== 'string' || value === '') return { key, reason: 'empty' };
    const kind = templateKindOfKey(key);
    if (!kind || !TEMPLATE_FIELD_RULES[kind].test(value)) return { key, reason: 'invalid' };
  }
  return undefined;
}

export class TemplateFieldError extends Error {
  override readonly name = 'TemplateFieldError';
  constructor(
    readonly key: string,
    readonly kind: string,
    reason: string,
  ) {
    super(`template field ${key} (${kind}): ${reason}`);
  }
}

/** China Standard Time, UTC+8 all year (no DST since 1991): how WeChat users read times. */
const CST_OFFSET_MS = 8 * 3600 * 1000;
const pad = (n: number) => String(n).padStart(2, '0');

function cstParts(d: Date) {
  const t = new Date(d.getTime() + CST_OFFSET_MS);
  return { y: t.getUTCFullYear(), mo: pad(t.getUTCMonth() + 1), d: pad(t.getUTCDate()), h: pad(t.getUTCHours()), mi: pad(t.getUTCMinutes()) };
}

/** ISO-8601 date-times with an explicit zone (what our APIs and DynamoDB hold), or epoch ms. */
function parseInstant(v: string): Date | undefined {
  if (/^\d{12,14}$/.test(v)) return new Date(Number(v));
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/.test(v)) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function cut(v: string, max: number): string {
  const chars = Array.from(v);
  return chars.length <= max ? v : `${chars.slice(0, max - 1).join('')}…`;
}

const collapse = (v: string) =>
  v
    .replace(/\p{Cc}+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

function shapeOne(key: string, kind: TemplateFieldKind, input: string): string {
  const rule = TEMPLATE_FIELD_RULES[kind];
  const fail = (why: string): never => {
    throw new TemplateFieldError(key, kind, `${why}; WeChat allows ${rule.limit}`);
  };
  let v = collapse(String(input ?? ''));
  if (v === '') fail('empty');
  switch (kind) {
    case 'thing':
      v = cut(v, 20);
      break;
    case 'character_string':
      v = v.replace(/\s+/g, '');
      if (!/^[\x21-\x7e…]+$/.test(v)) fail('only ASCII letters, digits and symbols');
      v = cut(v, 32);
      break;
    case 'number':
    case 'amount':
      v = v.replace(/[\s,]/g, '');
      break;
    case 'phone_number':
      v = v.replace(/\s+/g, '-');
      break;
    case 'car_number':
      v = v.replace(/[\s·•-]/g, '').toUpperCase();
      break;
    case 'time':
    case 'date': {
      if (rule.test(v)) break;
      const d = parseInstant(v);
      if (!d) fail(`"${v}" is neither an accepted format nor an ISO-8601 instant`);
      const p = cstParts(d!);
      v = kind === 'time' ? `${p.y}年${p.mo}月${p.d}日 ${p.h}:${p.mi}` : `${p.y}年${p.mo}月${p.d}日`;
      break;
    }
    default:
      break;
  }
  if (!rule.test(v)) fail(`"${v}" does not fit`);
  return v;
}

/**
 * Build sendMessage `data` that WeChat will accept. Per kind: thing is cut to 20 characters and
 * character_string to 32, ending in '…'; time/date accept WeChat's formats as they are and turn
 * ISO-8601 instants into Beijing time (`YYYY年MM月DD日 HH:mm` / `YYYY年MM月DD日`); number and
 * amount lose spaces and thousands separators; whitespace and control characters collapse to one
 * space. What cannot be made to fit without changing its meaning (a phrase over 5 characters or
 * not all Chinese, a name over its limit, a non-number) throws TemplateFieldError: fix the caller.
 * Each key must be the kind plus a number (thing1), as WeChat's template keys are.
 */
export function shapeTemplateData(fields: Record<string, { kind: TemplateFieldKind; value: string }>): TemplateData {
  const out: TemplateData = {};
  for (const [key, { kind, value }] of Object.entries(fields)) {
    if (!Object.hasOwn(TEMPLATE_FIELD_RULES, kind)) throw new TemplateFieldError(key, String(kind), 'unknown kind');
    if (templateKindOfKey(key) !== kind) throw new TemplateFieldError(key, kind, `key must be "${kind}" followed by a number, as in the template`);
    out[key] = { value: shapeOne(key, kind, value) };
  }
  return out;
}
