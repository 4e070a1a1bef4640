import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  HttpException,
  Inject,
  Module,
  Param,
  Post,
} from '@nestjs/common';
import { Refusal } from '../baseline/state.mjs';

/** The injection token of the baseline's State, which the floor's routes answer from. */
const STATE = Symbol('state');

/**
 * Applies a route's decorators as TypeScript's emitted code would (plain .mjs has no
 * decorator syntax): the method decorators to its descriptor, then each parameter's by
 * index. Nest reads the same metadata either way, so the per-request path is the same.
 */
function route(Class, name, methodDecorators, paramDecorators = []) {
  const descriptor = Object.getOwnPropertyDescriptor(Class.prototype, name);
  for (const decorator of methodDecorators) decorator(Class.prototype, name, descriptor);
  paramDecorators.forEach((decorator, index) => decorator(Class.prototype, name, index));
}

/** The baseline's refusals as Orion answers them: the status and `{ errors: [...] }`. */
function answer(step) {
  try {
    return step();
  } catch (error) {
    if (error instanceof Refusal)
      throw new HttpException({ errors: [error.message] }, error.status);
    throw new HttpException({ errors: ['The request is invalid.'] }, 400);
  }
}

class PingController {
  ping() {
    return 'pong';
  }
}
Controller('ping')(PingController);
route(PingController, 'ping', [Get(), Header('Content-Type', 'text/plain; charset=utf-8')]);

class LobbiesController {
  constructor(state) {
    this.state = state;
  }

  list() {
    return this.state.listPublic();
  }

  create(body) {
    return answer(() => this.state.create(body));
  }

  join(lobbyId, body) {
    return answer(() => this.state.join(lobbyId, body));
  }

  start(lobbyId, body) {
    answer(() => this.state.startMediation(lobbyId, body));
  }
}
Controller('lobbies')(LobbiesController);
Inject(STATE)(LobbiesController, undefined, 0);
route(LobbiesController, 'list', [Get()]);
route(LobbiesController, 'create', [Post()], [Body()]);
route(
  LobbiesController,
  'join',
  [Post(':lobbyId/join'), HttpCode(200)],
  [Param('lobbyId'), Body()],
);
route(
  LobbiesController,
  'start',
  [Post(':lobbyId/ptp/start'), HttpCode(200)],
  [Param('lobbyId'), Body()],
);

class FloorModule {}
Module({ controllers: [PingController, LobbiesController] })(FloorModule);

/** The floor's root module, its routes answering from `state` (a baseline State). */
export function floorModule(state) {
  return { module: FloorModule, providers: [{ provide: STATE, useValue: state }] };
}
