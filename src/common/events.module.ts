import { Global, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { OrionEventBus } from './orion-events.js';

/** The in-process event bus every module emits to and listens on. */
@Global()
@Module({
  imports: [EventEmitterModule.forRoot({ wildcard: false, maxListeners: 50 })],
  providers: [OrionEventBus],
  exports: [OrionEventBus],
})
export class EventsModule {}
