import { AuditEventEntity } from './audit/audit-event.entity';
import { AuthFailureCounterEntity } from './audit/auth-failure-counter.entity';
import { EventStreamEntity } from './events/event-stream.entity';
import { EventAckEntity, EventFailureEntity, EventSequenceEntity, ProvisioningEventEntity } from './events/outbox.entities';
import { SigningKeyEntity } from './events/signing-key.entity';
import { GroupMemberEntity } from './groups/group-member.entity';
import { GroupEntity } from './groups/group.entity';
import { ResourceCountEntity } from './shared/resource-count.entity';
import { ServerSecretEntity } from './shared/server-secret.entity';
import { ScimRequestEntity } from './scim-requests/scim-request.entity';
import { PortalSessionEntity } from './sessions/portal-session.entity';
import { SetupLinkEntity } from './sessions/setup-link.entity';
import { ScimTokenEntity } from './tokens/scim-token.entity';
import { TenantEntity } from './tenants/tenant.entity';
import { DeletedUserEntity } from './users/deleted-user.entity';
import { UserEmailEntity } from './users/user-email.entity';
import { UserEntity } from './users/user.entity';
import { declareSearchIndexes, SEARCH_TABLES } from './users/user-search-index';
import type { DatabaseSchema } from '@roster/platform';

/** Every entity, explicitly: the ORM, the migration tool and the drift test all use this list. */
export const entities = [
  TenantEntity,
  ScimTokenEntity,
  UserEntity,
  UserEmailEntity,
  GroupEntity,
  GroupMemberEntity,
  AuditEventEntity,
  AuthFailureCounterEntity,
  ResourceCountEntity,
  DeletedUserEntity,
  ServerSecretEntity,
  EventSequenceEntity,
  ProvisioningEventEntity,
  EventStreamEntity,
  EventAckEntity,
  EventFailureEntity,
  SigningKeyEntity,
  ScimRequestEntity,
  PortalSessionEntity,
  SetupLinkEntity,
];

/** The entities, with each dialect's search indexes and triggers (user-search-index.ts). */
export const databaseSchema: DatabaseSchema = { entities, declareForDialect: declareSearchIndexes, skipTables: [SEARCH_TABLES] };
