/**
 * Content security v2 (sec-center/sec-check): msgSecCheck answers at once, mediaCheckAsync answers
 * with a trace id and pushes its verdict later as a `wxa_media_check` event (standin/push.ts).
 * Deterministic verdicts for a local stack:
 * - text containing a word of RISKY_WORDS / REVIEW_WORDS is risky / review (with its label);
 * - an image whose URL or uploader's openid contains "unfetchable" gets no verdict: the event
 *   carries errcode -1008 (WeChat could not download it; the errmsg is the stand-in's wording),
 *   and "risky" / "review" give those verdicts; anything else passes.
 * msgSecCheck v2 wants the openid of a user who opened the mini-program in the last 2 hours
 * (61010 otherwise); the stand-in asks the same of mediaCheckAsync v2 (standin/users.ts).
 */
import { SEC_LABELS } from '#notify/wechat';
import { fail, nowIso, ok, OPENID, record, rid, type Json, type Reply } from '#local/standin/http';
import type { MediaCheck, TextCheck } from '#local/standin/types';

/** Words that make msgSecCheck say risky, with the label WeChat would give (SEC_LABELS). */
export const RISKY_WORDS: readonly { word: string; label: number }[] = [
  { word: '测试违规词', label: 20001 },
  { word: '赌博', label: 20006 },
  { word: '色情', label: 20002 },
  { word: '诈骗', label: 20008 },
];
/** Words that make msgSecCheck say review (e.g. advertising). */
export const REVIEW_WORDS: readonly { word: string; label: number }[] = [
  { word: '加微信', label: 10001 },
  { word: '代开发票', label: 10001 },
];

export const MEDIA_DOWNLOAD_FAILED = { errcode: -1008, errmsg: 'media download failed' } as const;

function verdictOfText(text: string): { suggest: 'pass' | 'review' | 'risky'; label: number; keyword?: string } {
  const risky = RISKY_WORDS.find((w) => text.includes(w.word));
  if (risky) return { suggest: 'risky', label: risky.label, keyword: risky.word };
  const review = REVIEW_WORDS.find((w) => text.includes(w.word));
  if (review) return { suggest: 'review', label: review.label, keyword: review.word };
  return { suggest: 'pass', label: 100 };
}

export function createSecurity(deps: { appid: string; recent: (openid: string) => boolean; now: () => number; onMediaCheck: (c: MediaCheck) => void }) {
  const textChecks: TextCheck[] = [];
  const mediaChecks: MediaCheck[] = [];

  function checkUserAndScene(body: Json): Reply | undefined {
    if (typeof body.openid !== 'string' || !OPENID.test(body.openid)) return fail(40003, 'invalid openid');
    if (![1, 2, 3, 4].includes(body.scene as number)) return fail(40129, 'invalid scene');
    if (!deps.recent(body.openid)) return fail(61010, 'user access log timeout');
    return undefined;
  }

  function msgSecCheck(body: Json | undefined): Reply {
    if (!body) return fail(47001, 'data format error');
    const content = body.content;
    if (typeof content !== 'string' || content === '') return fail(44002, 'empty post data');
    const text = [body.title, body.nickname, body.signature, content].filter((v) => typeof v === 'string').join('\n');
    const v = verdictOfText(text);
    if (body.version !== 2) {
      // 1.0 (retired 2021-09-01 but still answered): 87014 for risky content, else ok
      return v.suggest === 'risky' ? fail(87014, 'risky content') : ok({});
    }
    const bad = checkUserAndScene(body);
    if (bad) return bad;
    const traceId = rid();
    record(textChecks, { at: nowIso(), openid: body.openid as string, scene: body.scene as number, suggest: v.suggest, label: v.label, traceId });
    const keywordDetail: Json = { strategy: 'keyword', errcode: 0 };
    if (v.keyword) Object.assign(keywordDetail, { suggest: v.suggest, label: v.label, level: 90, keyword: v.keyword });
    return ok({
      detail: [{ strategy: 'content_model', errcode: 0, suggest: v.suggest, label: v.label, prob: v.suggest === 'pass' ? 90 : 95 }, keywordDetail],
      trace_id: traceId,
      result: { suggest: v.suggest, label: v.label },
    });
  }

  function mediaCheckAsync(body: Json | undefined): Reply {
    if (!body) return fail(47001, 'data format error');
    const mediaUrl = body.media_url;
    if (typeof mediaUrl !== 'string' || !/^https?:\/\/\S+$/.test(mediaUrl)) return fail(47001, 'data format error');
    if (body.media_type !== 1 && body.media_type !== 2) return fail(47001, 'data format error');
    const v2 = body.version === 2;
    if (v2) {
      const bad = checkUserAndScene(body);
      if (bad) return bad;
    }
    const openid = typeof body.openid === 'string' ? body.openid : '';
    // the verdict follows the URL, or (for tests, whose URLs the system signs) the uploader's openid
    const lower = `${decodeURIComponent(mediaUrl)} ${openid}`.toLowerCase();
    const failed = lower.includes('unfetchable');
    const suggest = lower.includes('risky') ? 'risky' : lower.includes('review') ? 'review' : 'pass';
    const label = suggest === 'risky' ? 20002 : suggest === 'review' ? 21000 : 100;
    const traceId = rid();
    const base = { ToUserName: 'gh_local_standin', FromUserName: openid, CreateTime: Math.floor(deps.now() / 1000), MsgType: 'event', Event: 'wxa_media_check', appid: deps.appid, trace_id: traceId };
    let event: Json;
    if (failed) {
      const { errcode, errmsg } = MEDIA_DOWNLOAD_FAILED;
      // v1 reports the same code as an unsigned 32-bit status_code (4294966288 = 2^32 - 1008)
      event = v2 ? { ...base, version: 2, detail: [{ strategy: 'content_model', errcode }], errcode, errmsg } : { ...base, isrisky: 0, extra_info_json: '', status_code: 2 ** 32 + errcode };
    } else {
      event = v2
        ? { ...base, version: 2, detail: [{ strategy: 'content_model', errcode: 0, suggest, label, prob: 90 }], errcode: 0, errmsg: 'ok', result: { suggest, label } }
        : { ...base, isrisky: suggest === 'risky' ? 1 : 0, extra_info_json: '', status_code: 0 };
    }
    const check: MediaCheck = {
      at: nowIso(),
      traceId,
      openid,
      mediaUrl,
      scene: Number(body.scene ?? 0),
      ...(failed ? {} : { suggest, label }),
      errcode: failed ? MEDIA_DOWNLOAD_FAILED.errcode : 0,
      event,
      delivery: 'pending',
    };
    record(mediaChecks, check);
    deps.onMediaCheck(check);
    return ok({ trace_id: traceId });
  }

  return {
    msgSecCheck,
    mediaCheckAsync,
    textChecks,
    mediaChecks,
    labelOf: (n: number) => `${n} ${SEC_LABELS[n] ?? ''}`,
    reset() {
      textChecks.length = 0;
      mediaChecks.length = 0;
    },
  };
}
