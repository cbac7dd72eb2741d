/**
 * A report's partition: the record, one item per version (its timeline events and outbox row),
 * its members and its ratings (store/report-items lays the items out; store/reports reads them).
 * The record's index entries say which queues it waits in: store/report-items indexAttributes
 * decides them from its state.
 */
import { entity } from '#store/entity';

export const Report = entity({
  entity: 'Report',
  pk: 'REPORT#<id>',
  sk: 'REPORT',
  indexes: {
    reportsOfGrid: { pk: 'AREA#<gridId>', sk: '<createdAt>', note: '(on its EVENT#000001 item)' },
    openTasksOfAssignee: { pk: 'ASSIGNEE#<uid>#open', sk: '<dueAt>' },
    doneTasksOfAssignee: { pk: 'ASSIGNEE#<uid>#done', sk: '<resolvedAt>' },
    openReportsOfGrid: { pk: 'GRID#<gridId>#open', sk: '<dueAt>' },
    unplacedReports: { pk: 'QUEUE#unplaced', sk: '<dueAt>' },
    openReportsOfBeat: { pk: 'BEAT#<beatId>#open', sk: '<dueAt>' },
    openReportsNear: { pk: 'GEO#<category>#<geohash7>', sk: '<createdAt>', note: '(open only)' },
    timersDue: { pk: 'TIMER#<hour of next timer>', sk: '<at of next timer>', note: '(while one is pending)' },
  },
  patterns: [
    { what: 'report by id, with timeline, members, ratings', how: 'Query PK={pk}' },
    { what: 'reports of a grid over time', index: 'reportsOfGrid', how: 'SK between times' },
    { what: 'open tasks of an assignee by deadline', index: 'openTasksOfAssignee', how: 'ascending' },
    { what: 'finished tasks of an assignee', index: 'doneTasksOfAssignee', how: 'descending' },
    { what: 'open reports of a grid by deadline', index: 'openReportsOfGrid', how: '' },
    { what: 'reports routing could not place', index: 'unplacedReports', how: '' },
    { what: 'open reports of a beat by deadline', index: 'openReportsOfBeat', how: '' },
    { what: 'open reports of a category near a point', index: 'openReportsNear', how: 'for the cell and its 8 neighbours' },
    { what: 'timers due (time limits, surveys)', index: 'timersDue', how: 'SK <= now, hour by hour' },
  ],
});

/** The hour bucket of a timer (its timersDue partition): small partitions, and the sweeper reads only what is due. */
export const timerHour = (atIso: string): string => atIso.slice(0, 13);

export const Member = entity({
  entity: 'Member',
  pk: 'REPORT#<reportId>',
  sk: 'MEMBER#<uid>',
  note: 'reporter + followers',
  indexes: {
    reportsOfUser: { pk: 'USER#<uid>', sk: '<createdAt>#<reportId>' },
  },
  patterns: [{ what: 'my reports and followed ones, newest first', index: 'reportsOfUser', how: 'descending' }],
});

export const Event = entity({
  entity: 'Event',
  pk: 'REPORT#<reportId>',
  sk: 'EVENT#<version:6>',
  note: 'timeline, one per state change (its events and its outbox row, which the notifier reads from the stream)',
  indexes: {
    requestsOfDay: { pk: 'REQUESTS#<chinaDay>', sk: '<createdAt>', note: '(EVENT#000001 only)' },
  },
  patterns: [{ what: 'reports of a China day, by time (Open311)', index: 'requestsOfDay', how: 'SK between times, day by day' }],
});

export const Outbox = entity({
  entity: 'Outbox row',
  pk: 'REPORT#<reportId>',
  sk: 'OUTBOX#<version:6>',
  note: 'the layout before the row rode its Event item: still read, no longer written',
  patterns: [],
});

export const Rating = entity({
  entity: 'Rating',
  pk: 'REPORT#<reportId>',
  sk: 'RATING#<round:2>#<uid>',
  note: 'one per rater per closure round',
  patterns: [],
});
