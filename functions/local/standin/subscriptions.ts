/**
 * Subscribe messages as WeChat handles them (subscribe-message/sendMessage.html and
 * getTemplateList.html): the account's template list, what each user accepted, and the send.
 *
 * A send is refused, in this order, with WeChat's errcode:
 *   47001 no JSON body · 40003 touser not an openid of this app (never signed in, not present)
 *   · 40037 template_id not in the account's template list · 41030 page not a page of the
 *   released app (checked for the formal version, WeChat's default) · 47003 miniprogram_state or
 *   lang not an allowed value · 47003 a value breaking its kind's rule (TEMPLATE_FIELD_RULES, the
 *   table the client shapes with) · 47003 a key the template does not have, or a keyword of the
 *   template left out · 43101 no subscription: a one-time template without a send left, a
 *   long-term one never accepted or switched off.
 * Unknown keys: WeChat documents 47003 for arguments it cannot take; the stand-in refuses a key the
 * template does not have rather than dropping it, so a template configured with keys other than
 * the console's fails here, locally, and not as half-empty messages in production.
 */
import { templateKindOfKey, validateTemplateData } from '#notify/template-fields';
import { fail, nowIso, ok, OPENID, record, type Json, type Reply } from '#local/standin/http';
import { pagePath } from '#local/standin/pages';
import type { AccountTemplate, SentMessage } from '#local/standin/types';

export const contentOf = (t: AccountTemplate): string => t.content ?? t.keys.map((k) => `${k}:{{${k}.DATA}}\n`).join('');

function checkTemplate(t: AccountTemplate): AccountTemplate {
  if (!t || typeof t.id !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(t.id)) throw new Error('templates: each needs an id of letters, digits, _ or -');
  if (typeof t.longTerm !== 'boolean') throw new Error(`templates: ${t.id} needs longTerm true or false`);
  if (!Array.isArray(t.keys) || t.keys.some((k) => !templateKindOfKey(k))) throw new Error(`templates: ${t.id} keys must be keyword keys (thing1, time3, …)`);
  return { id: t.id, title: t.title ?? t.id, longTerm: t.longTerm, keys: [...t.keys], ...(t.content !== undefined ? { content: t.content } : {}) };
}

export function createSubscriptions(deps: { known: (openid: string) => boolean; pages: () => ReadonlySet<string> }) {
  let templates: AccountTemplate[] = [];
  const quota = new Map<string, number>();
  const accepted = new Set<string>();
  const messages: SentMessage[] = [];
  const keyOf = (openid: string, templateId: string) => `${openid}\u0000${templateId}`;
  const split = (k: string) => {
    const [openid = '', templateId = ''] = k.split('\u0000');
    return { openid, templateId };
  };
  const templateOf = (id: string) => templates.find((t) => t.id === id);

  function subscribe(openid: string, templateId: string, count = 1) {
    if (!openid || !templateId || !Number.isInteger(count) || count < 1) throw new Error('subscribe needs openid, templateId and a positive integer count');
    const t = templateOf(templateId);
    if (!t) throw new Error(`subscribe: template ${templateId} is not in the account's template list`);
    const k = keyOf(openid, templateId);
    if (t.longTerm) accepted.add(k);
    else quota.set(k, (quota.get(k) ?? 0) + count);
  }

  function unsubscribe(openid: string, templateId: string) {
    const k = keyOf(openid, templateId);
    accepted.delete(k);
    quota.delete(k);
  }

  function templateList(): Reply {
    return ok({ data: templates.map((t) => ({ priTmplId: t.id, title: t.title ?? t.id, content: contentOf(t), example: '', type: t.longTerm ? 3 : 2 })) });
  }

  function send(body: Json | undefined): Reply {
    if (!body) return fail(47001, 'data format error');
    const { touser, template_id: templateId } = body;
    if (typeof touser !== 'string' || !OPENID.test(touser) || !deps.known(touser)) return fail(40003, 'invalid openid');
    const template = typeof templateId === 'string' ? templateOf(templateId) : undefined;
    if (!template) return fail(40037, 'invalid template_id');
    const state = body.miniprogram_state;
    if (body.page !== undefined) {
      const path = typeof body.page === 'string' ? pagePath(body.page) : undefined;
      // the page must exist in the version the card opens; only the formal one is modelled
      if (path === undefined || ((state === undefined || state === 'formal') && !deps.pages().has(path))) return fail(41030, 'invalid page');
    }
    // the doc lists the allowed values but no errcode for others; 47003 is its "argument invalid"
    if (state !== undefined && !['developer', 'trial', 'formal'].includes(state as string)) return fail(47003, 'argument invalid! miniprogram_state invalid');
    if (body.lang !== undefined && !['zh_CN', 'en_US', 'zh_HK', 'zh_TW'].includes(body.lang as string)) return fail(47003, 'argument invalid! lang invalid');
    const violation = validateTemplateData(body.data);
    if (violation) {
      if (violation.key === '') return fail(47003, 'argument invalid! data is empty');
      // WeChat's own wording, typo included ("is emtpy")
      return fail(47003, `argument invalid! data.${violation.key}.value ${violation.reason === 'empty' ? 'is emtpy' : 'invalid'}`);
    }
    const given = Object.keys(body.data as Json);
    const stray = given.find((k) => !template.keys.includes(k));
    if (stray) return fail(47003, `argument invalid! data.${stray} is not a keyword of the template`);
    const missing = template.keys.find((k) => !given.includes(k));
    if (missing) return fail(47003, `argument invalid! data.${missing}.value is emtpy`);
    const k = keyOf(touser, template.id);
    if (template.longTerm) {
      if (!accepted.has(k)) return fail(43101, 'user refuse to accept the msg');
    } else {
      const left = quota.get(k) ?? 0;
      if (left <= 0) return fail(43101, 'user refuse to accept the msg');
      if (left === 1) quota.delete(k);
      else quota.set(k, left - 1);
    }
    return ok({});
  }

  function recordMessage(body: Json | undefined, reply: Reply) {
    if (!body) return;
    const data: Record<string, { value: string }> = {};
    if (body.data && typeof body.data === 'object' && !Array.isArray(body.data)) {
      for (const [k, v] of Object.entries(body.data as Json)) {
        const raw = v && typeof v === 'object' ? (v as { value?: unknown }).value : v;
        data[k] = { value: typeof raw === 'string' ? raw : JSON.stringify(raw ?? null) };
      }
    }
    const s = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const b = reply.body as { errcode?: number; errmsg?: string } | undefined;
    record(messages, {
      at: nowIso(),
      touser: s(body.touser) ?? '',
      templateId: s(body.template_id) ?? '',
      page: s(body.page),
      miniprogramState: s(body.miniprogram_state),
      lang: s(body.lang),
      data,
      errcode: reply.status >= 500 ? -1 : (b?.errcode ?? 0),
      errmsg: reply.status >= 500 ? `http ${reply.status}` : (b?.errmsg ?? 'ok'),
    });
  }

  return {
    send,
    recordMessage,
    templateList,
    subscribe,
    unsubscribe,
    messages,
    setTemplates(list: AccountTemplate[]) {
      if (!Array.isArray(list)) throw new Error('templates takes a list');
      templates = list.map(checkTemplate);
    },
    templates: () => structuredClone(templates),
    quotas: () => [...quota].map(([k, remaining]) => ({ ...split(k), remaining })),
    accepted: () => [...accepted].map(split),
    reset() {
      quota.clear();
      accepted.clear();
      messages.length = 0;
    },
  };
}
