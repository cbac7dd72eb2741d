/** Open311 API keys and the webhooks city systems register (store/apikeys, store/webhooks). */
import { entity } from '#store/entity';

export const ApiKey = entity({
  entity: 'API key',
  pk: 'APIKEYS',
  sk: 'KEY#<id>',
  note: 'name, secretHash (sha256 of the secret; the key itself is shown once), areaIds (its creator\'s), createdBy, revokedAt',
  patterns: [
    { what: 'Open311 API keys, oldest first', how: 'Query PK={pk}, SK begins_with {sk-prefix} (one partition: a city has a few dozen)' },
    { what: 'an API key by id (every Open311 POST)', how: 'GetItem' },
  ],
});

export const Webhook = entity({
  entity: 'Webhook',
  pk: 'WEBHOOKS',
  sk: 'HOOK#<id>',
  note: 'apiKeyId (whose requests it hears of), url, events, secret (HMAC key, shown once), createdBy, deletedAt',
  patterns: [{ what: 'webhooks (delivery, admin list)', how: 'Query PK={pk}, SK begins_with {sk-prefix} (one partition: a few per key)' }],
});

export const WebhookDelivery = entity({
  entity: 'Hook send',
  pk: 'HOOKSEND#<webhookId>',
  sk: '<reportId>#<version:6>',
  note: 'one per webhook and report version: the queue message\'s claim, then sent / failed; ttl',
  patterns: [{ what: 'a webhook call of a report version (claim, outcome)', how: 'GetItem / UpdateItem (conditioned on the claim)' }],
});

export const WebhookDeadLetter = entity({
  entity: 'Hook letter',
  pk: 'DLQ#webhook',
  sk: '<at>#<webhookId>#<reportId>#<version:6>',
  note: 'a webhook call that failed after its retries; an operator replays it. `at` is the change\'s time (oldest first)',
  patterns: [{ what: 'dead-lettered webhook calls, oldest first', how: 'Query PK={pk}' }],
});
