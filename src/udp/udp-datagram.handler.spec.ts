import { Logger } from '@nestjs/common';
import type { RemoteInfo } from 'node:dgram';
import { encodeFrame } from '@orion/protocol';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OrionEventBus } from '../common/orion-events.js';
import { StoreUnavailable } from '../common/store-unavailable.js';
import { RecordingEventBus } from '../common/testing/recording-doubles.js';
import { buildConfig } from '../config/settings.js';
import type { Endpoint } from '../mediation/mediation.js';
import type { EndpointOutcome, MediationService } from '../mediation/mediation.service.js';
import { UdpDatagramHandler } from './udp-datagram.handler.js';
import type { UdpListenerService } from './udp-listener.service.js';

const MAX_DATAGRAM_BYTES = 256;
const remote: RemoteInfo = { address: '::ffff:203.0.113.7', family: 'IPv6', port: 40_001, size: 0 };
const connect = (payload: object) => Buffer.from(encodeFrame('ptpMediation_connect', payload));
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Mediation answering every datagram with `answer`, recording what it was given. */
class FakeMediation {
  readonly captured: { token: string; endpoint: Endpoint }[] = [];
  answer: () => Promise<EndpointOutcome> = async () => 'recorded';

  captureEndpoint(token: string, endpoint: Endpoint): Promise<EndpointOutcome> {
    this.captured.push({ token, endpoint });
    return this.answer();
  }
}

describe('UdpDatagramHandler', () => {
  let mediation: FakeMediation;
  let events: RecordingEventBus;
  let handler: UdpDatagramHandler;
  const results = () => events.of('udp.datagram').map((event) => event.result);

  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  beforeEach(() => {
    mediation = new FakeMediation();
    events = new RecordingEventBus();
    handler = new UdpDatagramHandler(
      {} as UdpListenerService,
      mediation as unknown as MediationService,
      buildConfig({ maxDatagramBytes: MAX_DATAGRAM_BYTES }),
      events as unknown as OrionEventBus,
    );
  });

  it('hands the token and the public endpoint of a ptpMediation_connect to mediation', async () => {
    handler.onDatagram(connect({ token: 'tok' }), remote);
    await settle();

    expect(mediation.captured).toEqual([
      { token: 'tok', endpoint: { ip: '203.0.113.7', port: 40_001 } },
    ]);
    expect(results()).toEqual(['accepted']);
  });

  it.each([
    ['recorded', 'accepted'],
    ['already_recorded', 'duplicate'],
    ['not_mediating', 'not_mediating'],
    ['unknown_token', 'unknown_token'],
  ] as const)('counts a datagram mediation found %s as %s', async (outcome, result) => {
    mediation.answer = async () => outcome;
    handler.onDatagram(connect({ token: 'tok' }), remote);
    await settle();

    expect(results()).toEqual([result]);
  });

  it('counts a datagram the state store could not take as store_unavailable', async () => {
    mediation.answer = async () => {
      throw new StoreUnavailable(new Error('Command timed out'));
    };
    handler.onDatagram(connect({ token: 'tok' }), remote);
    await settle();

    expect(results()).toEqual(['store_unavailable']);
  });

  it('counts nothing when mediation fails for another reason, and does not throw', async () => {
    mediation.answer = async () => {
      throw new Error('boom');
    };
    handler.onDatagram(connect({ token: 'tok' }), remote);
    await settle();

    expect(results()).toEqual([]);
  });

  it.each([
    ['not a frame', Buffer.from('hello')],
    ['another method', Buffer.from(encodeFrame('lobby_messaging_send', { token: 'tok' }))],
    ['a payload without a token', connect({})],
    ['a token that is not a string', connect({ token: 7 })],
  ])('drops %s as malformed, without asking mediation', (_label, datagram) => {
    handler.onDatagram(datagram, remote);

    expect(mediation.captured).toEqual([]);
    expect(results()).toEqual(['malformed']);
  });

  it('drops a datagram over maxDatagramBytes as oversize, without decoding it', () => {
    handler.onDatagram(connect({ token: 't'.repeat(MAX_DATAGRAM_BYTES) }), remote);

    expect(mediation.captured).toEqual([]);
    expect(results()).toEqual(['oversize']);
  });
});
