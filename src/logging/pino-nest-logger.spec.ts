import { pino } from 'pino';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PinoNestLogger } from './pino-nest-logger.js';

function capture(level = 'trace') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: new PinoNestLogger(pino({ level }, stream)) };
}

describe('PinoNestLogger', () => {
  it('takes the last parameter as the context and the message as msg', () => {
    const { lines, logger } = capture();
    logger.log('Lobby created', 'LobbiesService');
    expect(lines[0]).toMatchObject({ level: 30, msg: 'Lobby created', context: 'LobbiesService' });
  });

  it('turns a leading object into fields and the next string into msg', () => {
    const { lines, logger } = capture();
    logger.warn({ lobbyId: 'ABCDE', clientId: 'c1' }, 'Dropped', 'OrionGateway');
    expect(lines[0]).toMatchObject({
      level: 40,
      msg: 'Dropped',
      lobbyId: 'ABCDE',
      clientId: 'c1',
      context: 'OrionGateway',
    });
  });

  it('maps verbose to trace, and each other method to its level', () => {
    const { lines, logger } = capture();
    logger.verbose('v', 'C');
    logger.debug('d', 'C');
    logger.error('e', undefined, 'C');
    logger.fatal('f', 'C');
    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      [10, 'v'],
      [20, 'd'],
      [50, 'e'],
      [60, 'f'],
    ]);
  });

  it("keeps the stack of Nest's error(message, stack, context) calls", () => {
    const { lines, logger } = capture();
    const stack = new Error('boom').stack!;
    logger.error('Unhandled', stack, 'ExceptionsHandler');
    expect(lines[0]).toMatchObject({ context: 'ExceptionsHandler' });
    expect(lines[0].err).toMatchObject({ message: 'Unhandled', stack });
  });

  it('writes an Error as err', () => {
    const { lines, logger } = capture();
    logger.error(new Error('bad'), 'C');
    expect(lines[0].err).toMatchObject({ message: 'bad' });
  });

  it("writes Nest's own start-up lines at debug, and Orion's at info", () => {
    const { lines, logger } = capture();
    logger.log('LobbiesModule dependencies initialized', 'InstanceLoader');
    logger.log('Mapped {/lobbies, GET} route', 'RouterExplorer');
    logger.log('Nest application successfully started', 'NestApplication');
    logger.log('Lobby created', 'LobbiesService');
    logger.warn('Something odd', 'NestApplication');
    expect(lines.map((line) => [line.level, line.context])).toEqual([
      [20, 'InstanceLoader'],
      [20, 'RouterExplorer'],
      [20, 'NestApplication'],
      [30, 'LobbiesService'],
      [40, 'NestApplication'],
    ]);
  });

  it('writes nothing below its level', () => {
    const { lines, logger } = capture('info');
    logger.debug('hidden', 'C');
    logger.verbose({ a: 1 }, 'hidden', 'C');
    expect(lines).toEqual([]);
  });
});
