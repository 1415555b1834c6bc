import type { ResourceStorage } from '@roster/scim-core';

/** Where Group attributes live for the filter compiler (see users/user.storage.ts). */
export const groupStorage: ResourceStorage = {
  table: 'groups',
  idColumn: 'id',
  documentColumn: 'document',
  columns: {
    id: { column: 'id', uuid: true, lookup: true },
    displayname: { column: 'display_name', ciColumn: 'display_name_ci', lookup: true },
    externalid: { column: 'external_id', lookup: true },
    'meta.created': { column: 'created_at', everyRow: true },
    'meta.lastmodified': { column: 'updated_at', everyRow: true },
  },
  children: {
    // `members eq "<userId>"` and `members[value eq "…"]` use the (user_id) index of group_members.
    members: { table: 'group_members', foreignKey: 'group_id', columns: { value: { column: 'user_id', uuid: true, lookup: true } } },
  },
};
