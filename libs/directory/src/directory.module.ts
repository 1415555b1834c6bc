import { Module } from '@nestjs/common';
import { EventsModule } from './events/events.module';
import { AuditModule } from './audit/audit.module';
import { DiscoveryModule } from './discovery/discovery.module';
import { BulkModule } from './bulk/bulk.module';
import { GroupsModule } from './groups/groups.module';
import { ReconciliationModule } from './reconciliation/reconciliation.module';
import { SearchModule } from './search/search.module';
import { TenantsModule } from './tenants/tenants.module';
import { TokensModule } from './tokens/tokens.module';
import { UsersModule } from './users/users.module';

/** The feature modules, one per concept. */
@Module({
  imports: [TenantsModule, TokensModule, UsersModule, GroupsModule, SearchModule, BulkModule, DiscoveryModule, AuditModule, EventsModule, ReconciliationModule],
  exports: [TenantsModule, TokensModule, UsersModule, GroupsModule, AuditModule, EventsModule],
})
export class DirectoryModule {}
