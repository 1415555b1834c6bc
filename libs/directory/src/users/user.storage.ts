import type { ResourceStorage } from '@roster/scim-core';
import { emailTrigramIndex, userTrigramIndex } from './user-search-index';

/**
 * Where User attributes live for the filter compiler. Anything not listed is read from the JSON
 * `document` column at its canonical path — so a new extension attribute filters with no entry here;
 * add one only to give an attribute an indexed column (and derive that column in user.columns.ts). Substring
 * matches on some attributes use trigram indexes (user-search-index.ts).
 */
export const userStorage: ResourceStorage = {
  table: 'users',
  idColumn: 'id',
  documentColumn: 'document',
  columns: {
    id: { column: 'id', uuid: true, lookup: true },
    username: { column: 'user_name', ciColumn: 'user_name_ci', lookup: true },
    externalid: { column: 'external_id', lookup: true },
    displayname: { column: 'display_name' },
    active: { column: 'active' },
    'meta.created': { column: 'created_at', everyRow: true },
    'meta.lastmodified': { column: 'updated_at', everyRow: true },
  },
  children: {
    emails: {
      table: 'user_emails',
      foreignKey: 'user_id',
      columns: {
        value: { column: 'value', ciColumn: 'value_ci', lookup: true },
        type: { column: 'type' },
        primary: { column: 'is_primary' },
        display: { column: 'display' },
      },
      trigramIndex: emailTrigramIndex,
    },
  },
  trigramIndex: userTrigramIndex,
  // Stored generated columns (user.entity.ts): a common name's `sw` is read from their prefix indexes alone.
  postgresLoweredColumns: { 'name.givenname': 'given_name_ci', 'name.familyname': 'family_name_ci' },
};
