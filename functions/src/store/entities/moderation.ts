/** The review queue and WeChat media-check traces (store/moderation). */
import { entity } from '#store/entity';

export const ModerationQueue = entity({
  entity: 'Review queue',
  pk: 'MODQ#pending',
  sk: '<createdAt>#<reportId>',
  note: 'one per report awaiting a person; derived from the report, so queuing twice is one item',
  patterns: [{ what: 'reports awaiting review, oldest first', how: 'Query PK={pk}' }],
});

export const MediaTrace = entity({
  entity: 'Media trace',
  pk: 'MEDIATRACE#<traceId>',
  sk: 'TRACE',
  note: 'uploadId; ttl',
  patterns: [{ what: 'the upload of a media-check trace', how: 'GetItem' }],
});
