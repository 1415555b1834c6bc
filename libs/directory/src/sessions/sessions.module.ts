import { Module } from '@nestjs/common';
import { AdminToken } from '@roster/platform';
import { AuditModule } from '../audit/audit.module';
import { TenantsModule } from '../tenants/tenants.module';
import { PortalLaunchController } from './portal-launch.controller';
import { PortalSessionController } from './portal-session.controller';
import { PortalSessionsRepository } from './portal-sessions.repository';
import { PortalSessions } from './portal-sessions.service';
import { PortalThrottle } from './portal-throttle';
import { SetupLinksController } from './setup-links.controller';
import { SetupLinksRepository } from './setup-links.repository';
import { SetupLinks } from './setup-links.service';

/** Who may use the portal: setup links for a customer's IT admin, the operator's sign-in, and their sessions. */
@Module({
  imports: [TenantsModule, AuditModule],
  controllers: [SetupLinksController, PortalLaunchController, PortalSessionController],
  providers: [PortalSessions, PortalSessionsRepository, SetupLinks, SetupLinksRepository, PortalThrottle, AdminToken],
  exports: [PortalSessions, SetupLinks, AdminToken],
})
export class SessionsModule {}
