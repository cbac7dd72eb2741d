/** Subscribe-message grants (store/grants): what a user accepted, per template. */
import { entity } from '#store/entity';

export const Grant = entity({
  entity: 'Grant',
  pk: 'USER#<uid>',
  sk: 'GRANT#<templateId>',
  note: 'count (one-time templates); accepted, acceptedAt, revokedAt (long-term templates)',
  patterns: [
    { what: 'take one grant of a template', how: 'UpdateItem {pk} / {sk} (ADD count -1, conditioned on count > 0)' },
    { what: 'is a long-term template accepted', how: 'GetItem' },
    { what: 'a user\'s grants', how: 'Query PK={pk}, SK begins_with {sk-prefix}' },
  ],
});
