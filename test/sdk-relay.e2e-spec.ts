/**
 * The SDK's relay fallback (issue 17) against a real Orion with its relay on: mediate()
 * moves a pair that cannot punch to the relay by itself, follows an allocation the other
 * side asked for, and hands over a socket whose game traffic goes through the relay.
 * Loopback only; a ConnectDetour stands in for NATs that no hello gets through.
 */
import type { RemoteInfo, Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import {
  OrionClient,
  PunchFailedError,
  type MediateOptions,
  type MediationResult,
} from '@orion/sdk';
import { metricValue } from './support/orion/metrics.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';
import { ConnectDetour } from './support/relay/connect-detour.js';
import { freePortRange, portsOf } from './support/relay/free-port-range.js';
import { SDK_PUNCH_TIMEOUT_MS, SDK_RELAY_SERVER_TIMERS } from './support/relay/sdk-relay-timers.js';
import { relayGauges } from './support/relay/relay-flows.js';

const RELAY_AFTER_MS = 300;

describe('the SDK falls back to the relay', () => {
  let orion: OrionTestApp | undefined;
  let detour: ConnectDetour | undefined;
  let relayPorts: number[] = [];
  const clients: OrionClient[] = [];
  const handedOver: Socket[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    for (const socket of handedOver.splice(0)) socket.close();
    await detour?.close();
    detour = undefined;
    await orion?.close();
    orion = undefined;
  });

  async function start(relay: boolean): Promise<OrionTestApp> {
    const range = relay ? await freePortRange(8) : '';
    relayPorts = relay ? portsOf(range) : [];
    orion = await startOrion({
      ...SDK_RELAY_SERVER_TIMERS,
      ...(relay ? { relayPorts: range, relayHost: '127.0.0.1' } : {}),
    });
    return orion;
  }

  /** Host and Guest in one lobby; `unpunchable` sends both connects through a detour. */
  async function pair(server: OrionTestApp, unpunchable: boolean) {
    if (unpunchable) detour = await ConnectDetour.open(server.udpPort);
    const connect = async () => {
      const client = await OrionClient.connect({
        url: server.httpUrl,
        localAddress: '127.0.0.1',
        udpHost: unpunchable ? detour!.host : '127.0.0.1',
      });
      clients.push(client);
      return client;
    };
    const host = await connect();
    const guest = await connect();
    const { lobbyId } = await host.host({ hostName: 'Host', lobbyName: 'Relay Night' });
    await guest.join(lobbyId, 'Guest');
    await host.next('lobby_peerConnect');
    return { host, guest };
  }

  async function mediatePair(
    { host, guest }: { host: OrionClient; guest: OrionClient },
    hostOptions: MediateOptions,
    guestOptions: MediateOptions,
  ): Promise<[MediationResult, MediationResult]> {
    const results = Promise.all([
      host.mediate({ punchTimeoutMs: SDK_PUNCH_TIMEOUT_MS, ...hostOptions }),
      guest.mediate({ punchTimeoutMs: SDK_PUNCH_TIMEOUT_MS, ...guestOptions }),
    ]);
    await host.startMediation();
    const settled = await results;
    handedOver.push(...settled.map((result) => result.socket));
    return settled;
  }

  /** Sends `count` numbered datagrams from one handed-over socket to its peer endpoint. */
  async function sendGame(from: MediationResult, to: Socket, count: number) {
    const received: { text: string; from: RemoteInfo }[] = [];
    const listener = (data: Buffer, remote: RemoteInfo) =>
      received.push({ text: data.toString(), from: remote });
    to.on('message', listener);
    const [peer] = from.peers;
    for (let i = 0; i < count; i++) from.socket.send(`game ${i}`, peer.port, peer.ip);
    const deadline = Date.now() + 2_000;
    while (received.length < count && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    to.off('message', listener);
    return received;
  }

  it('relays a pair neither side can punch, resolves with relay endpoints, and carries game datagrams both ways from one source', async () => {
    const server = await start(true);
    // Only the host falls back: the guest must follow the allocation it did not ask for.
    const [hostResult, guestResult] = await mediatePair(
      await pair(server, true),
      { relayAfterMs: RELAY_AFTER_MS },
      { relay: 'off' },
    );
    expect(detour!.clients).toBe(2);
    expect(hostResult.relayed).toEqual(['Guest']);
    expect(guestResult.relayed).toEqual(['Host']);
    const [toGuest] = hostResult.peers;
    const [toHost] = guestResult.peers;
    expect(toGuest).toMatchObject({ name: 'Guest', ip: '127.0.0.1' });
    expect(toHost).toMatchObject({ name: 'Host', ip: '127.0.0.1' });
    expect(relayPorts).toContain(toGuest.port);
    expect(relayPorts).toContain(toHost.port);
    expect(toGuest.port).not.toBe(toHost.port);

    // An ENet-like exchange: every datagram arrives unchanged, from the one relay port.
    const atGuest = await sendGame(hostResult, guestResult.socket, 20);
    const atHost = await sendGame(guestResult, hostResult.socket, 20);
    const expected = Array.from({ length: 20 }, (_, i) => `game ${i}`);
    expect(atGuest.map((d) => d.text).sort()).toEqual([...expected].sort());
    expect(atHost.map((d) => d.text).sort()).toEqual([...expected].sort());
    expect(new Set(atGuest.map((d) => `${d.from.address}:${d.from.port}`))).toEqual(
      new Set([`127.0.0.1:${toHost.port}`]),
    );
    expect(new Set(atHost.map((d) => `${d.from.address}:${d.from.port}`))).toEqual(
      new Set([`127.0.0.1:${toGuest.port}`]),
    );
    expect(await relayGauges(server)).toEqual({ sessions: 1, portsInUse: 2 });
  });

  it("relays at once with relay: 'always', even a pair that could punch", async () => {
    const server = await start(true);
    const [hostResult, guestResult] = await mediatePair(
      await pair(server, false),
      { relay: 'always' },
      { relay: 'always' },
    );
    expect(hostResult.relayed).toEqual(['Guest']);
    expect(guestResult.relayed).toEqual(['Host']);
    expect(relayPorts).toContain(hostResult.peers[0].port);
    const atGuest = await sendGame(hostResult, guestResult.socket, 1);
    expect(atGuest.map((d) => d.text)).toEqual(['game 0']);
    // Two requests for one pair: one session, as the protocol promises.
    expect(await metricValue(server, 'orion_relay_sessions')).toBe(1);
  });

  it('punches directly when it can: nothing relayed, no relay port taken', async () => {
    const server = await start(true);
    const [hostResult, guestResult] = await mediatePair(
      await pair(server, false),
      { relayAfterMs: RELAY_AFTER_MS },
      { relayAfterMs: RELAY_AFTER_MS },
    );
    expect(hostResult.relayed).toEqual([]);
    expect(guestResult.relayed).toEqual([]);
    expect(relayPorts).not.toContain(hostResult.peers[0].port);
    expect(await relayGauges(server)).toEqual({ sessions: 0, portsInUse: 0 });
  });

  it("with relay: 'off' on both sides, never asks: an unpunchable pair fails as before", async () => {
    const server = await start(true);
    const clientsOfPair = await pair(server, true);
    await expect(
      mediatePair(clientsOfPair, { relay: 'off' }, { relay: 'off' }),
    ).rejects.toBeInstanceOf(PunchFailedError);
    expect(await relayGauges(server)).toEqual({ sessions: 0, portsInUse: 0 });
  });

  it('against a server without the relay, the request goes unanswered and punching fails as before', async () => {
    const server = await start(false);
    const unknown = 'orion_ws_frames_total{result="unknown_method"}';
    const before = await metricValue(server, unknown);
    await expect(
      mediatePair(
        await pair(server, true),
        { relayAfterMs: RELAY_AFTER_MS },
        { relayAfterMs: RELAY_AFTER_MS },
      ),
    ).rejects.toBeInstanceOf(PunchFailedError);
    // Each side asked once and was ignored like any unknown message.
    expect(await metricValue(server, unknown)).toBe(before + 2);
  });
});
