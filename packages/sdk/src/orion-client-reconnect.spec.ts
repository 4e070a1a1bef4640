import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'node:dgram';
import { inspect } from 'node:util';
import type { ServerMessages } from '@orion/protocol';
import { HolePuncher } from './hole-punch.js';
import { OrionClient } from './orion-client.js';
import type { ReconnectOptions } from './reconnect-options.js';
import { FAKE_TOKEN, FakeOrion } from './testing/fake-orion.js';
import { portOf, sleep, SocketPool } from './testing/udp-sockets.js';

/** Fast enough for a unit spec. */
const FAST: ReconnectOptions = { initialDelayMs: 20, maxDelayMs: 40, resumeTimeoutMs: 500 };

const summaryOf = (
  over: Partial<ServerMessages['client_resumed']> = {},
): ServerMessages['client_resumed'] => ({
  lobby: { lobbyId: 'K7Q2Z', lobbyName: 'Fake', host: 'Host', members: ['Host'], locked: false },
  mediation: null,
  missedChat: 0,
  ...over,
});

function eventsOf(client: OrionClient): string[] {
  const events: string[] = [];
  client.on('away', (code) => events.push(`away ${code}`));
  client.on('back', () => events.push('back'));
  client.on('close', (code) => events.push(`close ${code}`));
  return events;
}

const once = <T>(client: OrionClient, event: 'away' | 'back' | 'close') =>
  new Promise<T>((resolve) => client.once(event, resolve as never));

describe('OrionClient reconnection against a scripted fake Orion', () => {
  const pool = new SocketPool();
  const clients: OrionClient[] = [];
  const handedOver: Socket[] = [];
  const stops: (() => void)[] = [];
  let fake: FakeOrion;

  async function hostingClient(reconnect: boolean | ReconnectOptions = FAST) {
    fake = await FakeOrion.start();
    const client = await OrionClient.connect({
      url: fake.url,
      localAddress: '127.0.0.1',
      reconnect,
    });
    clients.push(client);
    await client.host({ hostName: 'Host', lobbyName: 'Fake' });
    return client;
  }

  afterEach(async () => {
    for (const stop of stops.splice(0)) stop();
    await Promise.all(clients.splice(0).map((client) => client.close()));
    for (const socket of handedOver.splice(0)) socket.close();
    await pool.closeAll();
    await fake?.close();
  });

  it('resumes with the old token after the socket is cut; next() waits through it, and chat typed meanwhile goes out once back', async () => {
    const client = await hostingClient();
    fake.resumeWith = () => ({ resumed: summaryOf() });
    const events = eventsOf(client);
    const waiting = client.next('lobby_peerConnect', 3_000);
    const back = once<ServerMessages['client_resumed']>(client, 'back');
    const line = (message: string) => ({
      lobbyId: 'K7Q2Z',
      message: { timestamp: 1, senderName: 'Ann', message },
    });
    fake.broadcast('lobby_messaging_received', line('one'));
    fake.broadcast('lobby_messaging_received', line('two'));
    await client.next('lobby_messaging_received');
    await client.next('lobby_messaging_received');

    client.dropConnection();
    client.chat('typed while away');
    expect(await back).toEqual(summaryOf());
    expect(events).toEqual(['away 1006', 'back']);
    // The old token, and how many chat lines arrived: Orion replays the ones after those.
    expect((await fake.frame('client_resume')).payload).toEqual({
      token: FAKE_TOKEN,
      chatReceived: 2,
    });
    // The new socket's token was FAKE_TOKEN too here; what matters is no frame before it.
    expect((await fake.frame('lobby_messaging_send')).payload).toEqual({
      token: FAKE_TOKEN,
      lobbyId: 'K7Q2Z',
      message: 'typed while away',
    });
    expect(fake.frames.map((frame) => frame.method)).toEqual([
      'client_resume',
      'lobby_messaging_send',
    ]);
    fake.broadcast('lobby_peerConnect', { lobbyId: 'K7Q2Z', peerName: 'Ann' });
    expect(await waiting).toEqual({ lobbyId: 'K7Q2Z', peerName: 'Ann' });
    expect(client.lobbyId).toBe('K7Q2Z');
    expect(await client.next('client_resumed')).toEqual(summaryOf());
  });

  it('never shows its token, not even to util.inspect, while reconnecting or once back', async () => {
    const client = await hostingClient({ ...FAST, initialDelayMs: 100, maxDelayMs: 100 });
    fake.resumeWith = () => ({ resumed: summaryOf() });
    const back = once(client, 'back');
    client.dropConnection();
    await once(client, 'away');
    expect(inspect(client, { depth: 3 })).not.toContain(FAKE_TOKEN);
    await back;
    expect(inspect(client, { depth: 3 })).not.toContain(FAKE_TOKEN);
  });

  it('closes each refused socket with 1000, retries while Orion is unavailable, and gives up on unknown_client', async () => {
    const client = await hostingClient();
    const answers = [{ refused: 'unavailable' as const }, { refused: 'unknown_client' as const }];
    fake.resumeWith = () => answers.shift() ?? 'silent';
    const events = eventsOf(client);
    const closed = once<number>(client, 'close');
    client.dropConnection();
    expect(await closed).toBe(1006);
    expect(events).toEqual(['away 1006', 'close 1006']);
    expect(fake.framesOf('client_resume')).toHaveLength(2);
    await sleep(50);
    // The first socket was cut; both attempts' sockets were closed cleanly.
    expect(fake.closeCodes).toEqual([1006, 1000, 1000]);
    expect(client.lobbyId).toBeUndefined();
    await expect(client.next('lobby_closed')).rejects.toThrow(
      'The connection to Orion closed (code 1006); reconnecting gave up: Orion refused to resume the client (unknown_client).',
    );
    expect(() => client.chat('anyone?')).toThrow(/in no lobby/);
  });

  it('gives up once withinMs has passed when Orion never answers, each silent socket closed with 1001', async () => {
    const client = await hostingClient({ ...FAST, resumeTimeoutMs: 100, withinMs: 400 });
    const droppedAt = Date.now();
    const closed = once<number>(client, 'close');
    client.dropConnection();
    expect(await closed).toBe(1006);
    expect(Date.now() - droppedAt).toBeLessThan(400 + 200);
    const attempts = fake.framesOf('client_resume').length;
    expect(attempts).toBeGreaterThanOrEqual(2);
    await sleep(50);
    // 1001 rather than 1000: a slow server that resumed the client after all keeps it away.
    expect(fake.closeCodes).toEqual([1006, ...Array<number>(attempts).fill(1001)]);
  });

  it('comes back in no lobby when the lobby closed meanwhile, and drops chat kept for it', async () => {
    const client = await hostingClient({ ...FAST, initialDelayMs: 100, maxDelayMs: 100 });
    fake.resumeWith = () => ({ resumed: summaryOf({ lobby: null }) });
    const back = once(client, 'back');
    client.dropConnection();
    client.chat('for a lobby that is gone');
    await back;
    expect(client.lobbyId).toBeUndefined();
    await sleep(50);
    expect(fake.framesOf('lobby_messaging_send')).toEqual([]);
  });

  it('closes for good, without reconnecting, on a clean close (1000) or a take-over (4001)', async () => {
    for (const code of [1000, 4001]) {
      const client = await hostingClient();
      const events = eventsOf(client);
      const closed = once<number>(client, 'close');
      fake.disconnectAll(code);
      expect(await closed).toBe(code);
      await sleep(60);
      expect(events).toEqual([`close ${code}`]);
      expect(fake.framesOf('client_resume')).toEqual([]);
      await fake.close();
    }
  });

  it('close() while reconnecting closes the attempt with 1000 and emits close once, with the drop code', async () => {
    const client = await hostingClient({ ...FAST, resumeTimeoutMs: 5_000 });
    const events = eventsOf(client);
    client.dropConnection();
    await fake.frame('client_resume');
    await client.close();
    expect(events).toEqual(['away 1006', 'close 1006']);
    await sleep(50);
    expect(fake.closeCodes).toEqual([1006, 1000]);
    expect(fake.openSockets).toBe(0);
  });

  it('mediate() goes on through a drop: a success report kept while away goes out once back, and again for a repeated peer list', async () => {
    const client = await hostingClient({ ...FAST, initialDelayMs: 150, maxDelayMs: 150 });
    const annSocket = await pool.bind();
    const ann = new HolePuncher({ socket: annSocket, selfName: 'Ann' });
    stops.push(ann.stop);
    const connecting = summaryOf({ mediation: { phase: 'connecting' } });
    fake.resumeWith = () => ({ resumed: connecting });
    const peers = [{ name: 'Ann', ip: '127.0.0.1', port: portOf(annSocket) }];

    const mediation = client.mediate({ punchTimeoutMs: 2_000 });
    // Cut as the peer list arrives: the punch completes while away.
    client.once('ptpMediation_peersConnection_start', () => client.dropConnection());
    fake.broadcast('ptpMediation_peersConnection_start', { peers });
    await once(client, 'back');
    await fake.frame('ptpMediation_peersConnection_success');
    expect(fake.framesOf('ptpMediation_peersConnection_success')).toHaveLength(1);

    // Orion sends the peers again to a member whose report it has not had: report again.
    fake.broadcast('ptpMediation_peersConnection_start', { peers });
    await expect.poll(() => fake.framesOf('ptpMediation_peersConnection_success').length).toBe(2);
    fake.broadcast('ptpMediation_success', {});
    const result = await mediation;
    handedOver.push(result.socket);
    expect(result.peers).toEqual(peers);
  });

  it('mediate() rejects when back to a mediation that ended meanwhile', async () => {
    const client = await hostingClient();
    fake.resumeWith = () => ({ resumed: summaryOf() });
    const orionUdp = await pool.bind();
    const mediation = client.mediate();
    fake.broadcast('ptpMediation_send', { port: portOf(orionUdp) });
    await client.next('ptpMediation_send');
    client.dropConnection();
    await expect(mediation).rejects.toThrow(
      'The mediation ended while the connection to Orion was down.',
    );
  });

  it('without reconnect, a drop closes the client at once, as before', async () => {
    const client = await hostingClient(false);
    const events = eventsOf(client);
    const closed = once<number>(client, 'close');
    client.dropConnection();
    expect(await closed).toBe(1006);
    await sleep(60);
    expect(events).toEqual(['close 1006']);
    expect(() => client.chat('hello?')).toThrow(/in no lobby/);
    expect(fake.framesOf('client_resume')).toEqual([]);
  });
});
