/** The sweeper's place in the timer index (store/sweeper). */
import { entity } from '#store/entity';

export const SweeperCursor = entity({
  entity: 'Sweeper',
  pk: 'SWEEPER',
  sk: 'CURSOR',
  note: 'the timer hour the sweeper resumes from',
  patterns: [{ what: 'where the sweeper resumes', how: 'GetItem {pk}/{sk}' }],
});
