import { createSocket, type Socket } from 'node:dgram';
import { createServer, type AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeFrame } from '@orion/protocol';
import { MediationAbortedError } from '@orion/sdk';
import { FAKE_TOKEN, FakeOrion } from '../../packages/sdk/src/testing/fake-orion.js';
import { NoMessageInTime, RelayCheckClient } from './relay-check-client.js';

/** A loopback TCP port nothing listens on (it was free a moment ago). */
async function closedTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('RelayCheckClient: a relay check player on the wire', () => {
  let fake: FakeOrion;
  let client: RelayCheckClient | undefined;
  let orionUdp: Socket | undefined;

  beforeEach(async () => {
    fake = await FakeOrion.start();
  });

  afterEach(async () => {
    await client?.close();
    client = undefined;
    orionUdp?.close();
    orionUdp = undefined;
    await fake.close();
  });

  const connect = async () =>
    (client = await RelayCheckClient.connect({
      url: fake.url,
      udpHost: '127.0.0.1',
      timeoutMs: 2_000,
    }));

  it('adds its own token to what it sends, and to its bind datagram', async () => {
    const relayCheck = await connect();
    relayCheck.send('ptpMediation_relay_request', { peerNames: ['probe host'] });
    expect((await fake.frame('ptpMediation_relay_request')).payload).toEqual({
      token: FAKE_TOKEN,
      peerNames: ['probe host'],
    });
    expect(decodeFrame(relayCheck.bindDatagram().toString('utf8'))).toEqual({
      method: 'ptpMediation_relay_bind',
      payload: { token: FAKE_TOKEN },
    });
  });

  it('answers every ptpMediation_send with a ptpMediation_connect datagram', async () => {
    orionUdp = createSocket('udp4');
    await new Promise<void>((resolve) => orionUdp!.bind(0, '127.0.0.1', () => resolve()));
    const datagrams: string[] = [];
    orionUdp.on('message', (data) => datagrams.push(data.toString('utf8')));
    await connect();
    fake.broadcast('ptpMediation_send', { port: orionUdp.address().port });
    fake.broadcast('ptpMediation_send', { port: orionUdp.address().port });
    await expect.poll(() => datagrams.length).toBe(2);
    for (const datagram of datagrams) {
      expect(decodeFrame(datagram)).toEqual({
        method: 'ptpMediation_connect',
        payload: { token: FAKE_TOKEN },
      });
    }
  });

  it('returns messages that came before the wait, oldest first', async () => {
    const relayCheck = await connect();
    fake.broadcast('ptpMediation_send', { port: 0 });
    fake.broadcast('ptpMediation_send', { port: 1 });
    fake.broadcast('ptpMediation_success', {});
    // Frames arrive in order: once the last is in, the first two are waiting unread.
    expect(await relayCheck.next('ptpMediation_success', 2_000)).toEqual({});
    expect(await relayCheck.next('ptpMediation_send', 1)).toEqual({ port: 0 });
    expect(await relayCheck.next('ptpMediation_send', 1)).toEqual({ port: 1 });
  });

  it('fails a wait with NoMessageInTime, naming the message and not the token', async () => {
    const relayCheck = await connect();
    const error = await relayCheck.next('ptpMediation_relay_allocated', 30).catch((e) => e);
    expect(error).toBeInstanceOf(NoMessageInTime);
    expect((error as Error).message).toBe('no ptpMediation_relay_allocated within 30 ms');
  });

  it('fails every wait, now and later, once Orion aborted the mediation', async () => {
    const relayCheck = await connect();
    const waiting = relayCheck.next('ptpMediation_relay_allocated', 2_000);
    fake.broadcast('ptpMediation_aborted', { abortReason: 'The relay has no free ports.' });
    await expect(waiting).rejects.toBeInstanceOf(MediationAbortedError);
    expect(relayCheck.abortReason).toBe('The relay has no free ports.');
    await expect(relayCheck.next('ptpMediation_success', 2_000)).rejects.toThrow(
      'Orion aborted the mediation: The relay has no free ports.',
    );
  });

  it('fails a wait at once when the connection closes', async () => {
    const relayCheck = await connect();
    const waiting = relayCheck.next('ptpMediation_relay_allocated', 5_000);
    fake.disconnectAll();
    await expect(waiting).rejects.toThrow(/the connection to Orion closed \(code 1001\)/);
  });

  it('names the URL it could not reach', async () => {
    const port = await closedTcpPort();
    const failed = RelayCheckClient.connect({
      url: `http://127.0.0.1:${port}`,
      udpHost: '127.0.0.1',
      timeoutMs: 2_000,
    });
    await expect(failed).rejects.toThrow(
      new RegExp(
        `^Orion at ws://127\\.0\\.0\\.1:${port}/ did not register a client: .*ECONNREFUSED`,
      ),
    );
  });
});
