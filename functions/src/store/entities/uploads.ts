/** Upload records (store/uploads): a photo from `pending` to `ready` or `failed`. */
import { entity } from '#store/entity';

export const Upload = entity({
  entity: 'Upload',
  pk: 'UPLOAD#<id>',
  sk: 'UPLOAD',
  indexes: {
    pendingUploads: { pk: 'UPLOADS#pending', sk: '<expiresAt>#<id>', note: '(pending only)' },
  },
  patterns: [
    { what: 'upload by id', how: 'GetItem' },
    { what: 'pending uploads past their expiry', index: 'pendingUploads', how: 'SK < now' },
  ],
});
