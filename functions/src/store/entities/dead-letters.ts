/** Dead-lettered pushes (store/dead-letters). */
import { entity } from '#store/entity';

export const PushDeadLetter = entity({
  entity: 'Dead letter',
  pk: 'DLQ#push',
  sk: '<at>#<uid>#<outboxKey>',
  note: 'a push WeChat would not take; an operator replays it. `at` is the message\'s time (the list reads oldest first); one per inbox item',
  patterns: [
    {
      what: 'dead-lettered pushes, oldest message first',
      how: 'Query PK={pk} (one partition: failures are rare and each costs the notifier seconds of backoff first)',
    },
  ],
});
