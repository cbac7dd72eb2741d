/** Building tallies (store/buildings): the recent reports of one category in one building. */
import { entity } from '#store/entity';

export const BuildingTally = entity({
  entity: 'Bldg tally',
  pk: 'BLDG#<buildingId>',
  sk: 'TALLY#<category>',
  note: 'the last 90 days\' reports [{id, at}], n (writes, for the condition); ttl',
  indexes: {
    repeatsOfStreet: { pk: 'REPEATS#<streetId>', sk: '<lastAt>', note: '(only while 3 or more in 90 days)' },
  },
  patterns: [
    { what: 'a building\'s recent reports of a category', how: 'GetItem' },
    { what: 'repeat hazards of a street, latest first', index: 'repeatsOfStreet', how: 'SK >= 90 days ago, descending' },
  ],
});
