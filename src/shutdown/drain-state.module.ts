import { Global, Module } from '@nestjs/common';
import { DrainState } from './drain-state.js';

/** Makes the one {@link DrainState} injectable everywhere that must refuse work while draining. */
@Global()
@Module({ providers: [DrainState], exports: [DrainState] })
export class DrainStateModule {}
