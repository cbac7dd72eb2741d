/** The in-app inbox (store/inbox): one item per outbox row and recipient, with its push state. */
import { entity } from '#store/entity';

export const Inbox = entity({
  entity: 'Inbox',
  pk: 'USER#<uid>',
  sk: 'INBOX#<at>#<outboxKey>',
  note: 'in-app notifications',
  patterns: [
    { what: 'a user\'s inbox, newest first', how: 'Query PK={pk}, SK begins_with {sk-prefix}, descending' },
    { what: 'one inbox item (notifier replays, push state)', how: 'GetItem {pk} / {sk}' },
  ],
});
