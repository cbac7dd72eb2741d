/**
 * DynamoDB stream consumer for the measures: every change of a report record becomes counter
 * deltas (domain/kpi) applied to each area the report sits in. A second consumer on the same
 * stream as the notifier, so a slow push never delays the dashboard and vice versa.
 */
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { fromImage } from '#events/images';
import { kpiDeltas } from '#domain/kpi';
import type { ReportRecord } from '#domain/report';
import { areasInForce } from '#flows/areas';
import { applyDeltas } from '#store/kpi';

const asReport = (image: Record<string, AttributeValue> | undefined): ReportRecord | null =>
  image && image.type?.S === 'report' ? fromImage<ReportRecord>(image) : null;

export async function handler(event: DynamoDBStreamEvent): Promise<void> {
  for (const record of event.Records) {
    const after = asReport(record.dynamodb?.NewImage as Record<string, AttributeValue> | undefined);
    if (!after) continue;
    const before = asReport(record.dynamodb?.OldImage as Record<string, AttributeValue> | undefined);
    if (before && before.version === after.version) continue; // not a state change (a follower joined)
    const d = kpiDeltas(before, after);
    const { tree } = await areasInForce();
    // the report's own grid and beat and every area above them; reports keep their grid even after a re-import
    const areaIds = [...new Set([after.gridId, after.beatId, ...tree.ancestors(after.gridId).map((a) => a.id), ...tree.ancestors(after.beatId).map((a) => a.id)])];
    await applyDeltas(after.id, after.version, areaIds, d, new Date());
  }
}
