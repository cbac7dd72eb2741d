/** Idempotency records of POST /v1/reports (store/idempotency). */
import { entity } from '#store/entity';

export const Idempotency = entity({
  entity: 'Idempotency',
  pk: 'IDEMP#<uid>#<key>',
  sk: 'IDEMP',
  note: 'ttl',
  patterns: [{ what: 'idempotency record by user+key', how: 'GetItem' }],
});
