/** Rate-limit counters (store/limits): one per user, action and window. */
import { entity } from '#store/entity';

export const LimitCounter = entity({
  entity: 'Limit',
  pk: 'LIMIT#<uid>',
  sk: '<action>#<window start>',
  note: 'n, ttl; window start as ISO time',
  patterns: [{ what: 'a user\'s count of an action in a window', how: 'GetItem / UpdateItem (ADD n, conditioned on the limit)' }],
});
