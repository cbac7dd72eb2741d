/** Which area version routing uses (store/areas); the versions themselves live in S3. */
import { entity } from '#store/entity';

export const AreaSet = entity({
  entity: 'Area ptr',
  pk: 'AREASET',
  sk: 'CURRENT',
  note: 'which version routing uses (the version\'s snapshot and index live in S3 under areas/<version>/)',
  patterns: [{ what: 'current areas', how: 'GetItem {pk}/{sk} (+ S3 GET of that version)' }],
});
