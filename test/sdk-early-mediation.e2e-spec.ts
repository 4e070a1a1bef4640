/**
 * The SDK when a mediation reaches a member before the answer to its join: Orion has taken the
 * join, the host starts mediating on `lobby_peerConnect`, and the member's `ptpMediation_send`,
 * peer list and relay allocation come over its WebSocket while the HTTP answer is still on its
 * way. A HeldJoinProxy holds that answer until they have come, so the race happens on every run;
 * the member must still mediate with what came first. Loopback only.
 */
import type { Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import {
  OrionClient,
  type MediateOptions,
  type MediationResult,
  type PeerEndpoint,
} from '@orion/sdk';
import { HeldJoinProxy } from './support/orion/held-join-proxy.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';
import { freePortRange, portsOf } from './support/relay/free-port-range.js';
import { SDK_PUNCH_TIMEOUT_MS, SDK_RELAY_SERVER_TIMERS } from './support/relay/sdk-relay-timers.js';

describe('an SDK member whose mediation comes before the answer to its join', () => {
  let orion: OrionTestApp | undefined;
  let proxy: HeldJoinProxy | undefined;
  let relayPorts: number[] = [];
  const clients: OrionClient[] = [];
  const handedOver: Socket[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    for (const socket of handedOver.splice(0)) socket.close();
    await proxy?.close();
    proxy = undefined;
    await orion?.close();
    orion = undefined;
  });

  /** Orion (with its relay when asked), and a proxy that holds the answers to joins. */
  async function start(relay: boolean): Promise<{ server: OrionTestApp; proxy: HeldJoinProxy }> {
    const range = relay ? await freePortRange(8) : '';
    relayPorts = relay ? portsOf(range) : [];
    orion = await startOrion({
      ...SDK_RELAY_SERVER_TIMERS,
      ...(relay ? { relayPorts: range, relayHost: '127.0.0.1' } : {}),
    });
    proxy = await HeldJoinProxy.open(Number(new URL(orion.httpUrl).port));
    return { server: orion, proxy };
  }

  async function connect(url: string): Promise<OrionClient> {
    const client = await OrionClient.connect({ url, localAddress: '127.0.0.1' });
    clients.push(client);
    return client;
  }

  /** A host that mediates and starts the mediation the moment someone joins, waiting for nothing. */
  async function eagerHost(server: OrionTestApp, options: MediateOptions) {
    const host = await connect(server.httpUrl);
    const { lobbyId } = await host.host({ hostName: 'Host', lobbyName: 'Eager Night' });
    const mediation = new Promise<MediationResult>((resolve, reject) => {
      host.once('lobby_peerConnect', () => {
        const mediated = host.mediate({ punchTimeoutMs: SDK_PUNCH_TIMEOUT_MS, ...options });
        Promise.all([mediated, host.startMediation()]).then(([result]) => resolve(result), reject);
      });
    });
    return { host, lobbyId, mediation };
  }

  const endpointOf = (name: string, client: OrionClient): PeerEndpoint => ({
    name,
    ip: '127.0.0.1',
    port: client.socket.address().port,
  });

  /** Sends `text` from one handed-over socket to its only peer and waits for it at `receiver`. */
  async function exchange(from: MediationResult, receiver: Socket, text: string) {
    const arrived = new Promise<string>((resolve) =>
      receiver.once('message', (data) => resolve(data.toString())),
    );
    const [peer] = from.peers;
    from.socket.send(text, peer.port, peer.ip);
    expect(await arrived).toBe(text);
  }

  /** Both mediations, the host's as it runs and the member's started now; sockets kept to close. */
  async function bothMediations(
    host: Promise<MediationResult>,
    member: OrionClient,
    options: MediateOptions,
  ): Promise<[MediationResult, MediationResult]> {
    const results = await Promise.all([
      host,
      member.mediate({ punchTimeoutMs: SDK_PUNCH_TIMEOUT_MS, ...options }),
    ]);
    handedOver.push(...results.map((result) => result.socket));
    return results;
  }

  it("gets ptpMediation_send and the host's peer list before its join returns, and still punches", async () => {
    const { server, proxy } = await start(false);
    const { host, lobbyId, mediation } = await eagerHost(server, {});
    const member = await connect(proxy.url);
    const joined = member.join(lobbyId, 'Ann');

    await member.next('ptpMediation_send');
    expect((await member.next('ptpMediation_peersConnection_start')).peers).toEqual([
      endpointOf('Host', host),
    ]);
    // The race happened: Orion took the join, and its answer is still held.
    expect(proxy.answeredJoins).toBe(1);
    expect(member.lobbyId).toBeUndefined();
    proxy.release();
    expect(await joined).toMatchObject({ lobbyId, lobbyMembers: ['Host', 'Ann'] });

    // No second peer list comes: the member punches with the one that came first.
    const [hostResult, memberResult] = await bothMediations(mediation, member, {});
    expect(hostResult.peers).toEqual([endpointOf('Ann', member)]);
    expect(memberResult.peers).toEqual([endpointOf('Host', host)]);
    expect(memberResult.relayed).toEqual([]);
    await exchange(hostResult, member.socket, 'state:host->ann');
    await exchange(memberResult, host.socket, 'state:ann->host');
  });

  it('follows the relay its host asked for before its join returned', async () => {
    const { server, proxy } = await start(true);
    // The host asks for the relay as soon as it has the peer list; the member never asks.
    const { host, lobbyId, mediation } = await eagerHost(server, { relay: 'always' });
    const member = await connect(proxy.url);
    const joined = member.join(lobbyId, 'Ann');

    await member.next('ptpMediation_peersConnection_start');
    const [allocation] = (await member.next('ptpMediation_relay_allocated')).relays;
    expect(allocation).toMatchObject({ peerName: 'Host', ip: '127.0.0.1' });
    expect(proxy.answeredJoins).toBe(1);
    expect(member.lobbyId).toBeUndefined();
    proxy.release();
    await joined;

    const [hostResult, memberResult] = await bothMediations(mediation, member, { relay: 'off' });
    expect(hostResult.relayed).toEqual(['Ann']);
    expect(memberResult.relayed).toEqual(['Host']);
    expect(memberResult.peers).toEqual([{ name: 'Host', ip: '127.0.0.1', port: allocation.port }]);
    expect(relayPorts).toContain(hostResult.peers[0].port);
    await exchange(hostResult, member.socket, 'state:host->ann');
    await exchange(memberResult, host.socket, 'state:ann->host');
  });
});
