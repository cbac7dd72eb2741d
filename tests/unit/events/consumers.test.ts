/**
 * The stream consumers' filter patterns (events/consumers, deployed by infra and applied by the
 * local pump) against records as DynamoDB's stream carries them: each consumer gets what its
 * handler uses and nothing else.
 */
import { describe, expect, it } from 'vitest';
import { marshall } from '@aws-sdk/util-dynamodb';
import { matchesFilter, passesFilters, streamConsumer } from '../../../functions/src/events/consumers.ts';

const record = (eventName: 'INSERT' | 'MODIFY' | 'REMOVE', item: Record<string, unknown>) => ({
  eventName,
  dynamodb: { Keys: marshall({ PK: item.PK, SK: item.SK }), ...(eventName === 'REMOVE' ? { OldImage: marshall(item) } : { NewImage: marshall(item, { removeUndefinedValues: true }) }) },
});

const eventWithOutbox = { PK: 'REPORT#R1', SK: 'EVENT#000002', type: 'event', version: 2, outbox: { kind: 'report.accept', to: [{ audience: 'followers' }], title: 't', body: 'b' } };
const eventWithout = { PK: 'REPORT#R1', SK: 'EVENT#000003', type: 'event', version: 3 };
const formerOutbox = { PK: 'REPORT#R1', SK: 'OUTBOX#000002', type: 'outbox', kind: 'report.accept' };
const reportItem = { PK: 'REPORT#R1', SK: 'REPORT', type: 'report', version: 2 };
const inboxItem = { PK: 'USER#u1', SK: 'INBOX#2026#R1-000002', type: 'inbox', push: 'pending' };

describe('stream consumer filters', () => {
  const notifier = streamConsumer('events-stream').filters;
  const kpi = streamConsumer('events-kpi').filters;

  it('hand the notifier inserted items that carry an outbox row (this layout and the one before)', () => {
    expect(passesFilters(record('INSERT', eventWithOutbox), notifier)).toBe(true);
    expect(passesFilters(record('INSERT', formerOutbox), notifier)).toBe(true);
    for (const r of [record('INSERT', eventWithout), record('MODIFY', eventWithOutbox), record('INSERT', reportItem), record('INSERT', inboxItem), record('REMOVE', eventWithOutbox)]) {
      expect(passesFilters(r, notifier), JSON.stringify(r.dynamodb.Keys)).toBe(false);
    }
  });

  it('hand the KPI consumer the report record as it is created and changed, nothing else', () => {
    expect(passesFilters(record('INSERT', reportItem), kpi)).toBe(true);
    expect(passesFilters(record('MODIFY', reportItem), kpi)).toBe(true);
    for (const r of [record('REMOVE', reportItem), record('INSERT', eventWithOutbox), record('MODIFY', inboxItem)]) expect(passesFilters(r, kpi)).toBe(false);
  });

  it('match as Lambda does: every key of the pattern, any value of a list, exists', () => {
    expect(matchesFilter({ a: { b: 'x' } }, { a: { b: ['y', 'x'] } })).toBe(true);
    expect(matchesFilter({ a: { b: 'x' } }, { a: { b: ['y'] } })).toBe(false);
    expect(matchesFilter({ a: {} }, { a: { b: [{ exists: true }] } })).toBe(false);
    expect(matchesFilter({ a: {} }, { a: { b: [{ exists: false }] } })).toBe(true);
    expect(matchesFilter({ a: 'x' }, { a: ['x'], c: ['z'] })).toBe(false);
    expect(passesFilters({ anything: 1 }, [])).toBe(true);
  });
});
