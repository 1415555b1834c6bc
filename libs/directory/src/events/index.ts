export { EventsModule } from './events.module';
export { PushDispatcher } from './push-dispatcher';
export { SigningKeys } from './signing-keys';
export { eventDeliveryFigures, pruneDelivered } from './stream-feed';
