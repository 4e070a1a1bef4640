import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { requestLogMiddleware } from './request-log.middleware.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      callback();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

function exchange(request: Partial<IncomingMessage> & Record<string, unknown>, statusCode: number) {
  const response = Object.assign(new EventEmitter(), { statusCode, writableEnded: true });
  return {
    request: request as unknown as IncomingMessage,
    response: response as unknown as ServerResponse & EventEmitter,
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('requestLogMiddleware', () => {
  it('writes one line when the response ends: path without query, status, route pattern, time', async () => {
    const { lines, logger } = capture();
    const middleware = requestLogMiddleware(logger);
    const { request, response } = exchange(
      {
        method: 'POST',
        originalUrl: '/lobbies/K7Q2Z/join?token=abc',
        url: '/',
        baseUrl: '',
        route: { path: '/lobbies/:lobbyId/join' },
      },
      200,
    );
    let nextCalled = false;
    middleware(request, response, () => (nextCalled = true));
    expect(nextCalled).toBe(true);
    expect(lines).toEqual([]);
    response.emit('finish');
    response.emit('close');
    await flush();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { method: 'POST', url: '/lobbies/K7Q2Z/join' },
      res: { statusCode: 200 },
      route: '/lobbies/:lobbyId/join',
      reqId: 1,
    });
    expect(typeof lines[0].responseTime).toBe('number');
    expect(JSON.stringify(lines[0])).not.toContain('abc');
  });

  it('writes a 5xx at error, an unrouted request as unmatched, and one the client left as aborted', async () => {
    const { lines, logger } = capture();
    const middleware = requestLogMiddleware(logger);
    const failed = exchange({ method: 'GET', url: '/lobbies' }, 503);
    middleware(failed.request, failed.response, () => undefined);
    failed.response.emit('finish');
    const left = exchange({ method: 'GET', url: '/nowhere', readableAborted: true }, 200);
    middleware(left.request, left.response, () => undefined);
    left.response.emit('close');
    await flush();
    expect(lines.map((line) => [line.level, line.msg, line.route, line.reqId])).toEqual([
      [50, 'request errored', 'unmatched', 1],
      [30, 'request aborted', 'unmatched', 2],
    ]);
  });
});
