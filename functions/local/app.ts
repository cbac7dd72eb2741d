/** The app side of the local stack, imported only after stack.ts has set the environment. */
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { ensureTable } from '#local/table';
import { seedIfEmpty } from '#local/seed-db';
import { startStreamPump, type Pump } from '#local/stream-pump';
import { startPushWorker, type PushWorker } from '#local/push-worker';
import { startSchedulePump } from '#local/schedule-pump';
import { handler as streamHandler } from '#events/stream';
import { handler as kpiHandler } from '#events/kpi';
import { handler as pushHandler } from '#events/push';
import { handler as webhookHandler } from '#events/webhooks';
import { useWebhookQueue } from '#notify/webhook-queue';
import { webhookMessageBody } from '#notify/webhook-message';
import { streamConsumer, WEBHOOK_QUEUE } from '#events/consumers';
import { usePushQueue } from '#notify/push-queue';
import { handler as photos } from '#events/photos';
import { asAsyncInvocation } from '#local/async-invoke';
import { demoUsers } from '#local/seed';
import { ROLE_NAMES } from '#domain/roles';
import type { WechatStandin } from '#local/wechat-standin';
import { configuredTemplates, templateContent, TEMPLATES } from '#notify/templates';
export { createGateway } from '#local/gateway';

/** S3 notifications invoke the photo function asynchronously: retried as Lambda would. */
export const photoHandler = asAsyncInvocation('events-photos', photos);

/**
 * The stand-in plays this app's WeChat account: its template list is what the console would hold
 * for the local templates (so the configuration check and the sends meet the same keys), and the
 * demo users count as having the app open (they sign in with POST /v1/auth/dev, not through
 * WeChat). Nobody has accepted a subscription: staff accept on a tap in the app, tests through
 * the stand-in's `subscribe` and POST /v1/me/subscriptions.
 */
export function configureWechatStandin(w: WechatStandin, baseUrl: string): void {
  w.control.setTemplates(
    configuredTemplates().map((t) => ({ id: t.id, title: TEMPLATES.find((s) => s.kind === t.kind)!.title, longTerm: t.longTerm, keys: Object.keys(t.fields), content: templateContent(t) })),
  );
  for (const u of demoUsers()) if (u.openid) w.control.present(u.openid);
  // where WeChat pushes events (media-check verdicts): this system's own endpoint
  w.control.setMediaCallback(`${baseUrl}/v1/wechat/events`);
}

export async function prepareData(): Promise<{ seeded: boolean }> {
  await ensureTable();
  return seedIfEmpty();
}

/**
 * The cloud's consumers, each on its own: the notifier and the KPI counters read the table's
 * stream through a pump each (two event source mappings: a slow notifier never delays the
 * KPIs), with the filters infra deploys (events/consumers); the notifier's pushes go to the
 * push worker (the push queue and its consumer); the KPI consumer's Open311 changes go to the
 * webhook worker (the webhook queue). `stream.drain()` waits for all of them.
 */
export async function startPumps(opts: { dataDir?: string | undefined; streamIntervalMs?: number | undefined }) {
  if (opts.dataDir) await mkdir(opts.dataDir, { recursive: true });
  const at = (file: string) => (opts.dataDir ? join(opts.dataDir, file) : undefined);
  const pushes: PushWorker = await startPushWorker({ handler: pushHandler, journalFile: at('push-queue.json') });
  usePushQueue(pushes);
  // city systems' webhooks: a queue of their own, with the batching and redrive infra deploys
  const hooks: PushWorker = await startPushWorker({
    handler: webhookHandler,
    journalFile: at('webhook-queue.json'),
    batchSize: WEBHOOK_QUEUE.batchSize,
    maxConcurrency: WEBHOOK_QUEUE.maxConcurrency,
    maxReceiveCount: WEBHOOK_QUEUE.maxReceiveCount,
  });
  useWebhookQueue({ send: (refs) => hooks.sendBodies(refs.map(webhookMessageBody)) });
  const consumer = (name: string, handler: typeof streamHandler, checkpointFile: string) => {
    const c = streamConsumer(name);
    return startStreamPump({ name, handler, filters: c.filters, batchSize: c.batchSize, checkpointFile: at(checkpointFile), intervalMs: opts.streamIntervalMs });
  };
  // the notifier keeps the checkpoint file of the single pump before it
  const notifier = await consumer('events-stream', streamHandler, 'stream-checkpoints.json');
  const kpi = await consumer('events-kpi', kpiHandler, 'stream-checkpoints-kpi.json');
  const stream: Pump = {
    async drain() {
      await Promise.all([notifier.drain(), kpi.drain()]);
      await Promise.all([pushes.idle(), hooks.idle()]); // what the consumers queued meanwhile
    },
    async stop() {
      await Promise.all([notifier.stop(), kpi.stop()]);
      await Promise.all([pushes.stop(), hooks.stop()]);
      usePushQueue(undefined);
      useWebhookQueue(undefined);
    },
  };
  const schedule = startSchedulePump();
  return {
    stream,
    pushes,
    schedule,
    async stop() {
      await schedule.stop();
      await stream.stop();
    },
  };
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** Shown at / until the H5 build of the mini-program exists (it replaces this page). */
export function landingPage(): string {
  const rows = demoUsers()
    .map((u) => `<tr><td>${escape(ROLE_NAMES[u.role])}</td><td>${escape(u.name)}</td><td><code>${escape(u.id)}</code></td></tr>`)
    .join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>微事报 · 本地环境</title><style>body{font-family:system-ui,"WenQuanYi Zen Hei",sans-serif;margin:16px;max-width:720px}table{border-collapse:collapse;width:100%}td{border-bottom:1px solid #eee;padding:6px 4px;font-size:14px}code{font-size:12px}</style></head>
<body><h1>微事报 · 本地环境</h1><p>接口已在本端口提供：<a href="/v1/health">/v1/health</a> · <a href="/v1/openapi.json">/v1/openapi.json</a> · <a href="/v1/categories">/v1/categories</a></p>
<p>H5 小程序尚未构建（运行 <code>npm run build:h5</code> 后此处显示应用）。演示用户（POST /v1/auth/dev 登录）：</p>
<table>${rows}</table></body></html>`;
}
