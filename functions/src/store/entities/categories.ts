/** The category table in force and its earlier versions (store/categories). */
import { entity } from '#store/entity';

export const CategoryTableCurrent = entity({
  entity: 'Categories',
  pk: 'CATEGORIES',
  sk: 'CURRENT',
  note: 'the table in force: version (an edit number), items, editedBy, editedAt; absent: the built-in table',
  patterns: [{ what: 'the category table in force', how: 'GetItem {pk}/{sk}' }],
});

export const CategoryTableVersion = entity({
  entity: 'Cat version',
  pk: 'CATEGORIES',
  sk: 'V#<version:6>',
  note: 'every edit kept, as written',
  patterns: [{ what: 'earlier category tables, newest first', how: 'Query PK={pk}, SK begins_with V#, descending' }],
});
