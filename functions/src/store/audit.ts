/**
 * The audit log: every state change, every staff read of personal data, every reveal and
 * export. Entries are only ever put (with a condition), never updated or deleted through the
 * API, and outlive the retention of what they describe (at least 6 months; AUDIT_RETENTION_DAYS).
 *
 * Keys and access patterns: store/entities/audit.ts (by report, by actor, by China day).
 */
import { randomBytes } from 'node:crypto';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { doc } from '#store/clients';
import { AuditEntry as Keys, indexQuery, withoutKeys } from '#store/keys';
import { type Page } from '#store/reports';
import { decodeCursor, encodeCursor } from '#store/cursor';
import { config } from '#config';
import { currentRequest } from '#request-context';
import type { TxItem } from '#store/tx';

/**
 * What an entry records. Changes (state_change, account_change, account_deleted, moderation,
 * areas_import) commit in the transaction of the change itself (`auditPut`); reads of personal
 * data and exports change nothing, so their entry is the only write (`writeAudit`).
 */
export type AuditWhat = 'state_change' | 'read_personal' | 'reveal_phone' | 'export' | 'account_change' | 'account_deleted' | 'moderation' | 'areas_import' | 'categories_edit' | 'settings_edit';

export interface AuditEntry {
  id: string;
  at: string;
  what: AuditWhat;
  actorId: string;
  actorRole: string;
  reportId: string | null;
  /** the action, or which personal field */
  detail: string;
  from: string | null;
  to: string | null;
  sourceIp: string;
  requestId: string;
}

const RETENTION_DAYS = Math.max(183, Number(process.env.AUDIT_RETENTION_DAYS ?? 400));

/** China day (Asia/Shanghai, UTC+8, no DST) for the browsing partition. */
const chinaDay = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);

export function auditEntry(e: Omit<AuditEntry, 'id' | 'sourceIp' | 'requestId'>): AuditEntry {
  const req = currentRequest();
  return { ...e, id: randomBytes(6).toString('hex'), sourceIp: req.sourceIp, requestId: req.requestId };
}

function item(e: AuditEntry) {
  return {
    ...Keys.key(e),
    type: 'audit',
    ...Keys.index('auditByActor', e),
    ...Keys.index('auditByDay', { chinaDay: chinaDay(e.at), at: e.at }),
    ttl: Math.floor(Date.parse(e.at) / 1000) + RETENTION_DAYS * 86400,
    ...e,
  };
}

/** For transactions: the entry commits with the change it records. */
export const auditPut = (e: AuditEntry): TxItem => ({
  Put: { TableName: config.tableName, Item: item(e), ConditionExpression: 'attribute_not_exists(PK)' },
});

/** For reads and exports only: a change puts its entry inside its own transaction (`auditPut`). */
export async function writeAudit(e: AuditEntry): Promise<void> {
  await doc.send(new PutCommand({ TableName: config.tableName, Item: item(e), ConditionExpression: 'attribute_not_exists(PK)' }));
}

export async function listAudit(by: { reportId: string } | { actorId: string } | { day: string }, limit: number, cursor?: string): Promise<Page<AuditEntry>> {
  const query =
    'reportId' in by
      ? { KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': Keys.pk(by) } }
      : 'actorId' in by
        ? indexQuery(Keys.partition('auditByActor', by))
        : indexQuery(Keys.partition('auditByDay', { chinaDay: by.day }));
  const out = await doc.send(
    new QueryCommand({ TableName: config.tableName, ...query, ScanIndexForward: false, Limit: limit, ExclusiveStartKey: decodeCursor(cursor, `audit:${JSON.stringify(by)}`) }),
  );
  return {
    items: (out.Items ?? []).map((i) => {
      const { type: _t, ttl: _ttl, ...rest } = withoutKeys(i);
      return rest as AuditEntry;
    }),
    cursor: encodeCursor(out.LastEvaluatedKey, `audit:${JSON.stringify(by)}`),
  };
}
