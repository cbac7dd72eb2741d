/** /dev/wechat: a page (Chinese, phone-width) listing every message, login, phone call and content check. */
import { TEMPLATE_FIELD_RULES, templateKindOfKey } from '#notify/template-fields';
import { SEC_LABELS } from '#notify/wechat';
import { escapeHtml, maskPhone } from '#local/standin/http';
import type { SentMessage, StandinState } from '#local/standin/types';

const BEIJING = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});
const beijing = (iso: string) => BEIJING.format(new Date(iso));
const KIND_NAMES: Record<string, string> = {
  thing: '事物',
  number: '数字',
  letter: '字母',
  symbol: '符号',
  character_string: '字符串',
  time: '时间',
  date: '日期',
  amount: '金额',
  phone_number: '电话',
  car_number: '车牌',
  name: '姓名',
  phrase: '汉字',
};

function resultBadge(errcode: number, errmsg: string, okText = '已送达'): string {
  const cls = errcode === 0 ? 'ok' : 'bad';
  const text = errcode === 0 ? `${okText} 0` : `失败 ${errcode}`;
  return `<span class="badge ${cls}" title="${escapeHtml(errmsg)}">${escapeHtml(text)}</span>`;
}

function renderMessage(m: SentMessage): string {
  const rows = Object.entries(m.data)
    .map(([k, v]) => {
      const kind = templateKindOfKey(k);
      const hint = kind ? `${KIND_NAMES[kind] ?? kind} · ${TEMPLATE_FIELD_RULES[kind].limit}` : '未知字段类型';
      return `<tr><th title="${escapeHtml(hint)}">${escapeHtml(k)}</th><td>${escapeHtml(v.value)}</td></tr>`;
    })
    .join('');
  return `<li class="card">
  <div class="head"><time>${escapeHtml(beijing(m.at))}</time>${resultBadge(m.errcode, m.errmsg)}</div>
  <dl>
    <dt>接收者</dt><dd>${escapeHtml(m.touser)}</dd>
    <dt>模板</dt><dd>${escapeHtml(m.templateId)}</dd>
    <dt>页面</dt><dd>${escapeHtml(m.page ?? '(无跳转)')}</dd>
    ${m.miniprogramState ? `<dt>版本</dt><dd>${escapeHtml(m.miniprogramState)}</dd>` : ''}
  </dl>
  <table>${rows || '<tr><td>(无字段)</td></tr>'}</table>
  ${m.errcode === 0 ? '' : `<p class="err">${escapeHtml(m.errmsg)}</p>`}
</li>`;
}

function section(title: string, count: number, body: string): string {
  return `<section><h2>${escapeHtml(title)} <small>${count}</small></h2>${count ? body : '<p class="empty">暂无记录</p>'}</section>`;
}

export function renderPage(s: StandinState): string {
  const newest = <T>(xs: T[]) => [...xs].reverse();
  const messages = `<ul class="list">${newest(s.messages).map(renderMessage).join('')}</ul>`;
  const logins = `<ul class="list">${newest(s.logins)
    .map((l) => `<li class="row"><time>${escapeHtml(beijing(l.at))}</time> <code>${escapeHtml(l.code)}</code> → ${l.openid ? escapeHtml(l.openid) : ''} ${resultBadge(l.errcode, '', '成功')}</li>`)
    .join('')}</ul>`;
  const phones = `<ul class="list">${newest(s.phones)
    .map((p) => `<li class="row"><time>${escapeHtml(beijing(p.at))}</time> ${escapeHtml(p.phoneNumber ? maskPhone(p.phoneNumber) : p.code.replace(/\d{7,}/g, maskPhone))} ${resultBadge(p.errcode, '', '成功')}</li>`)
    .join('')}</ul>`;
  const label = (n: number) => `${n} ${SEC_LABELS[n] ?? ''}`;
  const checks = `<ul class="list">${[
    ...newest(s.textChecks).map((c) => `<li class="row"><time>${escapeHtml(beijing(c.at))}</time> 文本 · ${escapeHtml(c.openid)} · ${escapeHtml(c.suggest)} · ${escapeHtml(label(c.label))}</li>`),
    ...newest(s.mediaChecks).map(
      (c) =>
        `<li class="row"><time>${escapeHtml(beijing(c.at))}</time> 图片 · ${escapeHtml(c.traceId)} · ${c.errcode ? `未能检测 ${c.errcode}` : `${escapeHtml(c.suggest)} · ${escapeHtml(label(c.label ?? 0))}`} · 推送 ${escapeHtml(c.delivery)}${c.deliveryError ? ` (${escapeHtml(c.deliveryError)})` : ''}</li>`,
    ),
  ].join('')}</ul>`;
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>微信接口替身 · 微事报</title>
<style>
  body { font: 15px/1.5 -apple-system, "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif; margin: 0; background: #f2f3f5; color: #1f2329; }
  header { background: #07c160; color: #fff; padding: 12px 16px; }
  header h1 { font-size: 18px; margin: 0; }
  header p { margin: 4px 0 0; font-size: 12px; opacity: .9; }
  main { max-width: 640px; margin: 0 auto; padding: 8px 12px 32px; }
  h2 { font-size: 16px; margin: 20px 0 8px; }
  h2 small { color: #8f959e; font-weight: normal; }
  .list { list-style: none; margin: 0; padding: 0; }
  .card, .row { background: #fff; border-radius: 8px; padding: 10px 12px; margin-bottom: 8px; overflow-wrap: anywhere; }
  .head { display: flex; justify-content: space-between; align-items: center; margin-bottom: 6px; }
  time { color: #8f959e; font-size: 13px; }
  dl { display: grid; grid-template-columns: 4.5em 1fr; gap: 2px 8px; margin: 0 0 6px; }
  dt { color: #8f959e; } dd { margin: 0; }
  table { width: 100%; border-collapse: collapse; font-size: 14px; }
  th, td { text-align: left; padding: 4px 6px; border-top: 1px solid #eee; vertical-align: top; }
  th { color: #646a73; font-weight: normal; width: 40%; }
  .badge { font-size: 12px; border-radius: 10px; padding: 1px 8px; white-space: nowrap; }
  .ok { background: #e8f8ee; color: #07a14f; } .bad { background: #fdecec; color: #d83931; }
  .err { color: #d83931; font-size: 13px; margin: 6px 0 0; }
  .empty { color: #8f959e; }
  code { font-size: 13px; }
</style>
</head>
<body>
<header><h1>微信接口替身</h1><p>本地开发用 · AppID ${escapeHtml(s.appid)} · 消息推送 ${s.push.mode === 'safe' ? '安全模式' : '明文模式'} ${escapeHtml(s.push.format.toUpperCase())} · 刷新页面查看最新记录</p></header>
<main>
${section('订阅消息', s.messages.length, messages)}
${section('登录 (jscode2session)', s.logins.length, logins)}
${section('手机号', s.phones.length, phones)}
${section('内容安全', s.textChecks.length + s.mediaChecks.length, checks)}
</main>
</body>
</html>`;
}
