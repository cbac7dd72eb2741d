/** The audit log (store/audit): one item per entry, put once, gone by ttl after the retention. */
import { entity } from '#store/entity';

export const AuditEntry = entity({
  entity: 'Audit entry',
  pk: 'AUDIT#R#<reportId|->',
  sk: '<at>#<id>',
  note: 'ttl',
  indexes: {
    auditByActor: { pk: 'AUDIT#A#<actorId>', sk: '<at>' },
    auditByDay: { pk: 'AUDIT#D#<chinaDay>', sk: '<at>', note: '(the index holds every field of the entry)' },
  },
  patterns: [
    { what: 'audit of a report, newest first', how: 'Query PK={pk}, descending' },
    { what: 'audit of an actor, newest first', index: 'auditByActor', how: 'descending' },
    { what: 'audit of a day, newest first', index: 'auditByDay', how: 'descending, read from the index' },
  ],
});
