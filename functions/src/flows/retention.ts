/**
 * Retention (PIPL: keep personal data no longer than needed): RETENTION_DAYS after a report
 * ends, who reported and followed it is replaced by a pseudonym, a phone caller's details are
 * dropped, and its photos are deleted. The hazard itself (category, place, description, the
 * timeline of what staff did) stays for the city's records. Audit entries are kept on their own
 * clock (at least 6 months). Everything here is idempotent: a re-run finishes a partial one.
 */
import { DeleteObjectsCommand } from '@aws-sdk/client-s3';
import { config } from '#config';
import type { ReportRecord, TimelineEvent } from '#domain/report';
import { s3 } from '#store/clients';
import { photoObjectKeys } from '#store/uploads';
import * as reports from '#store/reports';
import { pseudonymOf } from '#flows/pseudonym';

export async function retain(before: ReportRecord, now: Date): Promise<void> {
  const at = now.toISOString();
  const after: ReportRecord = {
    ...before,
    version: before.version + 1,
    updatedAt: at,
    reporterId: before.reporterId && pseudonymOf(before.reporterId),
    caller: null,
    // an Open311 filing's account and device ids point at a person as a caller's phone does
    ...(before.open311 ? { open311: { ...before.open311, accountId: null, deviceId: null } } : {}),
    photos: [],
    retainedAt: at,
  };
  const event: TimelineEvent = {
    reportId: before.id,
    version: after.version,
    seq: 0,
    at,
    action: 'retain',
    from: before.status,
    to: before.status,
    actor: null,
    note: `已按规定在办结 ${config.retentionDays} 天后删除照片并对个人信息脱敏`,
    photoIds: [],
  };
  await reports.commitTransition({
    before,
    after,
    events: [event],
    outbox: { reportId: before.id, version: after.version, at, kind: 'report.retained', actorId: null, to: [], title: '', body: '' },
  });
  await purgeAround(before);
}

/** The rest of the partition and the photos: memberships, residents' ids on old events and ratings. */
async function purgeAround(r: ReportRecord): Promise<void> {
  const story = await reports.getReportStory(r.id);
  if (story) await reports.pseudonymisePartition(story, pseudonymOf);
  const objects = r.photos.flatMap((p) => Object.values(photoObjectKeys(p.id))).map((Key) => ({ Key }));
  if (objects.length) await s3.send(new DeleteObjectsCommand({ Bucket: config.bucket, Delete: { Objects: objects, Quiet: true } }));
}
