/**
 * Community responders and their assists (store/responders, store/assists): standing with a
 * community, the last position (a pointer beside the profile and one item in its geohash cell,
 * so "who is near" is a Query of a few cells, never a scan), assists, offers, the assist steps on
 * the report's timeline, the points ledger and the matching settings.
 */
import { entity } from '#store/entity';

export const Volunteer = entity({
  entity: 'Volunteer',
  pk: 'USER#<uid>',
  sk: 'VOLUNTEER',
  note: 'communityId, kind, skills, name, leaderboard, status, decision; version',
  indexes: {
    volunteersOfCommunity: { pk: 'VOLS#<communityId>#<status>', sk: '<appliedAt>' },
  },
  patterns: [
    { what: "a user's standing as a responder", how: 'GetItem' },
    { what: 'responders of a community by status', index: 'volunteersOfCommunity', how: 'oldest first' },
  ],
});

export const PositionPointer = entity({
  entity: 'Position',
  pk: 'USER#<uid>',
  sk: 'POSITION',
  note: 'the last position shared on duty and its cell; ttl 15 min after it was sent',
  patterns: [{ what: "a responder's last position", how: 'GetItem (a read is audited)' }],
});

export const PositionCell = entity({
  entity: 'Near cell',
  pk: 'NEAR#<geohash6>',
  sk: '<uid>',
  note: 'lat, lng, kind, skills, at; ttl. One per responder on duty, in the cell of their last position',
  patterns: [{ what: 'responders on duty in a cell', how: 'Query PK={pk} for each cell a radius meets' }],
});

export const Assist = entity({
  entity: 'Assist',
  pk: 'ASSIST#<id>',
  sk: 'ASSIST',
  note: 'reportId, requester, need, skills, count, radius, place, state, round, accepted, offered; version',
  indexes: {
    assistsToWiden: { pk: 'WIDEN#<hour of widenAt>', sk: '<widenAt>', note: '(while open)' },
  },
  patterns: [
    { what: 'an assist with its offers', how: 'Query PK={pk}' },
    { what: 'open assists due to widen', index: 'assistsToWiden', how: 'SK <= now, the last hours' },
  ],
});

export const Offer = entity({
  entity: 'Offer',
  pk: 'ASSIST#<assistId>',
  sk: 'OFFER#<uid>',
  note: 'state, round, distance, times, note, photo, rating',
  indexes: {
    offersOfVolunteer: { pk: 'VOLASSIST#<uid>#<list>', sk: '<offeredAt>', note: '(list: offered / mine / done)' },
  },
  patterns: [{ what: "a responder's offers by list, newest first", index: 'offersOfVolunteer', how: 'descending' }],
});

export const AssistStepItem = entity({
  entity: 'Assist step',
  pk: 'REPORT#<reportId>',
  sk: 'HELP#<at>#<assistId>#<step>',
  note: "an assist's step on the report's timeline; its outbox row (offers, taken, told the requester) rides it",
  patterns: [{ what: "a report's assist steps", how: 'with the report (Query PK={pk})' }],
});

export const PointsEntry = entity({
  entity: 'Points',
  pk: 'POINTS#<uid>',
  sk: '<at>#<assistId>',
  note: 'points, hours, reason: append-only, one per rated assist and responder',
  patterns: [{ what: "a responder's ledger, newest first", how: 'Query PK={pk}' }],
});

export const ResponderSettings = entity({
  entity: 'Resp. rules',
  pk: 'SETTINGS',
  sk: 'RESPONDERS',
  note: 'recommendation weights, category skills, offers per day (admin-editable); absent: the defaults',
  patterns: [{ what: 'the matching settings in force', how: 'GetItem' }],
});
