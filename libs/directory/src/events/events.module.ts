import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { TenantsModule } from '../tenants/tenants.module';
import { TokensModule } from '../tokens/tokens.module';
import { EventPollController } from './event-poll.controller';
import { EventPollService } from './event-poll.service';
import { EventSignals } from './event-signals';
import { EventStreamsController } from './event-streams.controller';
import { EventStreamsRepository } from './event-streams.repository';
import { EventStreamsService } from './event-streams.service';
import { JwksController } from './jwks.controller';
import { ProvisioningOutbox } from './outbox';
import { ProvisioningEventsRepository } from './provisioning-events.repository';
import { PushDispatcher } from './push-dispatcher';
import { SigningKeys } from './signing-keys';
import { SigningKeysController } from './signing-keys.controller';

/**
 * Provisioning events for the host application (RFC 9967 SETs): the outbox the write path records into,
 * streams and their admin API, signing keys and JWKS, push delivery (RFC 8935) and polling (RFC 8936).
 */
@Module({
  imports: [TenantsModule, AuditModule, TokensModule],
  controllers: [EventStreamsController, SigningKeysController, JwksController, EventPollController],
  providers: [
    EventSignals,
    ProvisioningOutbox,
    SigningKeys,
    PushDispatcher,
    EventStreamsService,
    EventPollService,
    EventStreamsRepository,
    ProvisioningEventsRepository,
  ],
  exports: [ProvisioningOutbox, PushDispatcher, SigningKeys, EventSignals, EventStreamsRepository, ProvisioningEventsRepository],
})
export class EventsModule {}
