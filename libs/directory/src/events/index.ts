export { EventsModule } from './events.module';
export { PushDispatcher } from './push-dispatcher';
export { SigningKeys } from './signing-keys';
export { pruneDelivered } from './stream-feed';
