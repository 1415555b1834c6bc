export { EventsModule } from './events.module';
export { PushDispatcher } from './push-dispatcher';
export { SigningKeys } from './signing-keys';
export { ProvisioningEventsRepository } from './provisioning-events.repository';
