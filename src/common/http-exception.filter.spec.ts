import { BadRequestException, Logger, type ArgumentsHost } from '@nestjs/common';
import { beforeAll, describe, expect, it } from 'vitest';
import { answeredErrorOf } from './answered-error.js';
import { HttpExceptionFilter } from './http-exception.filter.js';
import { Errors, type OrionError } from './orion-error.js';
import { StoreUnavailable } from './store-unavailable.js';

/** Runs the filter over `exception` and returns what it answered. */
function answerTo(exception: unknown): { status?: number; body?: unknown } {
  return answerAndResponse(exception).answer;
}

function answerAndResponse(exception: unknown) {
  const answer: { status?: number; body?: unknown } = {};
  const response = {
    headersSent: false,
    status(status: number) {
      answer.status = status;
      return this;
    },
    json(body: unknown) {
      answer.body = body;
    },
  };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getResponse: () => response }),
  } as unknown as ArgumentsHost;
  new HttpExceptionFilter().catch(exception, host);
  return { answer, response };
}

describe('HttpExceptionFilter', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  it('answers an unknown token (bad input) with 400 and the message', () => {
    expect(answerTo(Errors.clientUnregistered())).toEqual({
      status: 400,
      body: { errors: ['The client is unregistered. Try reconnecting.'] },
    });
  });

  it('notes which domain error a response answered, and none for other errors', () => {
    const codeOf = (exception: unknown) => answeredErrorOf(answerAndResponse(exception).response);
    expect(codeOf(Errors.lobbyNotFound())).toBe('LOBBY_NOT_FOUND');
    expect(codeOf(Errors.lobbyFull())).toBe('LOBBY_FULL');
    expect(codeOf(new BadRequestException({ errors: ['x'] }))).toBeUndefined();
  });

  it.each(
    Object.entries(Errors)
      .filter(([name]) => name !== 'clientUnregistered')
      .map(([name, make]) => [name, (make as () => OrionError)()] as const),
  )('answers %s (a conflict with the state) with 409 and the message', (_name, error) => {
    expect(answerTo(error)).toEqual({ status: 409, body: { errors: [error.message] } });
  });

  it('answers an unreachable state store with 503', () => {
    const error = new StoreUnavailable(new Error('Command timed out'));
    expect(answerTo(error)).toEqual({ status: 503, body: { errors: [error.message] } });
  });

  it('keeps the status and messages of an HTTP exception', () => {
    const error = new BadRequestException({ errors: ['token must be a string.'] });
    expect(answerTo(error)).toEqual({ status: 400, body: { errors: ['token must be a string.'] } });
  });

  it('answers anything else with 500 and no detail', () => {
    expect(answerTo(new Error('secret detail'))).toEqual({
      status: 500,
      body: { errors: ['Something went wrong on the server.'] },
    });
  });
});
