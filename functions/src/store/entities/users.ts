/** Users, the areas staff work and staff invites (store/users). */
import { entity } from '#store/entity';

export const User = entity({
  entity: 'User',
  pk: 'USER#<id>',
  sk: 'PROFILE',
  indexes: {
    userByOpenid: { pk: 'OPENID#<openid>', sk: 'USER' },
  },
  patterns: [
    { what: 'user by id (one or a batch)', how: 'GetItem / BatchGet' },
    { what: 'user by WeChat openid', index: 'userByOpenid', how: '' },
  ],
});

export const StaffArea = entity({
  entity: 'Staff area',
  pk: 'AREA#<areaId>',
  sk: 'STAFF#<uid>',
  note: 'who works an area (routing)',
  patterns: [{ what: 'staff of an area', how: 'Query PK={pk}, SK begins_with {sk-prefix}' }],
});

export const Invite = entity({
  entity: 'Invite',
  pk: 'INVITE#<codeHash>',
  sk: 'INVITE',
  note: 'codeHash: sha256 of the code; ttl; binds a WeChat user to a staff account',
  patterns: [{ what: 'invite by code', how: 'GetItem' }],
});
