import { Module } from '@nestjs/common';
import { AuthenticationModule } from './authentication/authentication.module';
import { EventsModule } from './events/events.module';
import { PortalModule } from './portal/portal.module';
import { ScimRequestsModule } from './scim-requests/scim-requests.module';
import { SessionsModule } from './sessions/sessions.module';
import { AuditModule } from './audit/audit.module';
import { DiscoveryModule } from './discovery/discovery.module';
import { BulkModule } from './bulk/bulk.module';
import { GroupsModule } from './groups/groups.module';
import { OnboardingModule } from './onboarding/onboarding.module';
import { ReconciliationModule } from './reconciliation/reconciliation.module';
import { SearchModule } from './search/search.module';
import { TenantsModule } from './tenants/tenants.module';
import { TokensModule } from './tokens/tokens.module';
import { UsersModule } from './users/users.module';

/** The feature modules, one per concept. */
@Module({
  imports: [
    TenantsModule,
    TokensModule,
    OnboardingModule,
    AuthenticationModule,
    UsersModule,
    GroupsModule,
    SearchModule,
    BulkModule,
    DiscoveryModule,
    AuditModule,
    EventsModule,
    ReconciliationModule,
    ScimRequestsModule,
    SessionsModule,
    PortalModule,
  ],
  exports: [TenantsModule, TokensModule, OnboardingModule, UsersModule, GroupsModule, AuditModule, EventsModule, ScimRequestsModule, SessionsModule],
})
export class DirectoryModule {}
