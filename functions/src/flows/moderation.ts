/**
 * Moderation flows: the text check at filing time (synchronous), the photo check after
 * processing (WeChat answers asynchronously), and the verdict's arrival. WeChat being unavailable
 * never loses a report: the item is marked unchecked and a person reviews it.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { config } from '#config';
import { needsReview, type Moderation, type Verdict } from '#domain/moderation';
import { isResidentSide } from '#domain/roles';
import { logger } from '#log';
import { mediaCheckAsync, msgSecCheck, type MediaCheckVerdict } from '#notify/wechat';
import { s3Public } from '#store/clients';
import { decisionItems, enqueue, listQueue, saveTrace, setReportModeration, uploadOfTrace } from '#store/moderation';
import { batchGetReports, getReportRecord } from '#store/reports';
import { transact } from '#store/tx';
import { auditEntry, auditPut } from '#store/audit';
import { notFound } from '#domain/errors';
import type { ReportRecord } from '#domain/report';
import { rightsOf } from '#flows/rights';
import { getUpload, markUpload, photoObjectKeys } from '#store/uploads';
import { getUser, type UserRecord } from '#store/users';

/** scene 3 (论坛): user posts read by others — closest to a public hazard report */
const SCENE = 3;

export async function textVerdict(user: UserRecord, text: string): Promise<Verdict> {
  if (!isResidentSide(user.role)) return 'pass'; // staff filing for a caller
  if (!user.openid) return 'unchecked';
  try {
    return (await msgSecCheck({ openid: user.openid, content: text, scene: SCENE })).suggest;
  } catch (e) {
    logger.warn('msgSecCheck unavailable; report queued for review', { error: (e as Error).message });
    return 'unchecked';
  }
}

/**
 * The verdict an upload starts with when it becomes ready, written in the same update as `ready`
 * so no reader ever sees a ready photo without one: staff photos pass; a resident's is pending
 * until WeChat's asynchronous check answers.
 */
export async function verdictAtReady(ownerId: string): Promise<Verdict> {
  const owner = await getUser(ownerId);
  return owner && isResidentSide(owner.role) ? 'pending' : 'pass';
}

/**
 * After a resident's upload is ready (already `pending`): ask WeChat about the image; the verdict
 * comes as an event. Nothing here writes `pending` again, so a verdict that arrives quickly is
 * never overwritten.
 */
export async function startMediaCheck(uploadId: string, ownerId: string): Promise<void> {
  const owner = await getUser(ownerId);
  try {
    if (!owner?.openid) throw new Error('no openid');
    // WeChat fetches the image itself within its own deadline: a longer-lived signed link
    const mediaUrl = await getSignedUrl(s3Public, new GetObjectCommand({ Bucket: config.bucket, Key: photoObjectKeys(uploadId).display }), { expiresIn: 3600 });
    const { traceId } = await mediaCheckAsync({ openid: owner.openid, mediaUrl, scene: SCENE, mediaType: 'image' });
    await saveTrace(traceId, uploadId);
  } catch (e) {
    logger.warn('mediaCheckAsync unavailable; photo left for review', { uploadId, error: (e as Error).message });
    await markUpload(uploadId, { moderation: 'unchecked' });
  }
}

/**
 * A verdict arrived: record it on the upload and, if it is already on a report, there too. A
 * check WeChat could not finish (a non-zero errcode, e.g. -1008: it could not download the image)
 * is not left pending: the photo is 'unchecked', with WeChat's reason, and a person reviews it.
 */
export async function onMediaVerdict(v: MediaCheckVerdict): Promise<boolean> {
  const uploadId = await uploadOfTrace(v.traceId);
  if (!uploadId) return false;
  const verdict: Verdict = 'error' in v ? 'unchecked' : v.suggest;
  if ('error' in v) {
    const note = `wechat ${v.error.errcode}${v.error.errmsg ? ` ${v.error.errmsg}` : ''}`.slice(0, 200);
    logger.warn('media check gave no verdict; photo left for review', { uploadId, traceId: v.traceId, errcode: v.error.errcode });
    await markUpload(uploadId, { moderation: verdict, moderationNote: note });
  } else {
    await markUpload(uploadId, { moderation: verdict });
  }
  const upload = await getUpload(uploadId);
  if (!upload?.usedBy) return true;
  const report = await getReportRecord(upload.usedBy);
  if (!report) return true;
  const m: Moderation = { text: report.moderation?.text ?? 'pass', photos: { ...(report.moderation?.photos ?? {}), [uploadId]: verdict }, reviewed: report.moderation?.reviewed ?? null };
  await setReportModeration(report.id, m);
  if (needsReview(m)) await enqueue(report);
  return true;
}

/** Queue pages read per request at most while looking for items inside the reviewer's areas. */
const MAX_QUEUE_PAGES = 10;

/**
 * Reports awaiting a reviewer, oldest first — only those inside the reviewer's areas. The queue
 * is one partition for the city, so a page is filled from as many queue pages as it takes (up
 * to MAX_QUEUE_PAGES; the cursor then resumes where reading stopped).
 */
export async function reviewQueue(user: UserRecord, limit: number, cursor?: string): Promise<{ items: ReportRecord[]; cursor: string | null }> {
  const rights = await rightsOf(user);
  const items: ReportRecord[] = [];
  let next: string | null = cursor ?? null;
  for (let pages = 0; pages < MAX_QUEUE_PAGES && items.length < limit; pages++) {
    const page = await listQueue(limit - items.length, next ?? undefined);
    const records = await batchGetReports(page.items.map((i) => i.reportId));
    items.push(...records.filter((r) => rights.may(r)));
    next = page.cursor;
    if (!next) break;
  }
  return { items, cursor: next };
}

/** A reviewer approves (shown to all again) or hides (kept from other residents) a flagged report. */
export async function decide(user: UserRecord, reportId: string, decision: 'approve' | 'hide', now: Date): Promise<{ id: string; moderation: Moderation }> {
  const r = await getReportRecord(reportId);
  if (!r?.moderation) throw notFound('待审核事项');
  (await rightsOf(user)).require(r, '该事项不在您的管辖范围');
  const m: Moderation = { ...r.moderation, reviewed: decision === 'approve' ? 'approved' : 'hidden' };
  const audit = auditPut(auditEntry({ at: now.toISOString(), what: 'moderation', actorId: user.id, actorRole: user.role, reportId: r.id, detail: decision, from: r.moderation.reviewed, to: m.reviewed }));
  await transact([...decisionItems(r, m), audit]);
  return { id: r.id, moderation: m };
}
