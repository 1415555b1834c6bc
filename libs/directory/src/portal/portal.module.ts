import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { GroupsModule } from '../groups/groups.module';
import { ReconciliationModule } from '../reconciliation/reconciliation.module';
import { ScimRequestsModule } from '../scim-requests/scim-requests.module';
import { TenantsModule } from '../tenants/tenants.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { PortalActivityController } from './portal-activity.controller';
import { PortalAttributesController } from './portal-attributes.controller';
import { PortalDirectoryController } from './portal-directory.controller';
import { PortalTenants } from './portal-tenant';
import { PortalTokensController } from './portal-tokens.controller';

/**
 * The setup portal's JSON API (`/portal/api/v1/…`), for a signed-in customer's IT admin (their tenant) and
 * the operator (any tenant, by `tenantId`): tokens, the connection check and the request log, health, the
 * directory and the attributes Roster reads. Sessions and setup links are the sessions module's; the
 * operator's console otherwise uses the admin API.
 */
@Module({
  imports: [TenantsModule, TokensModule, UsersModule, GroupsModule, AuditModule, ScimRequestsModule, ReconciliationModule],
  controllers: [PortalTokensController, PortalActivityController, PortalDirectoryController, PortalAttributesController],
  providers: [PortalTenants],
})
export class PortalModule {}
