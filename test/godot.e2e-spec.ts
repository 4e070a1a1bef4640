import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodePunchHello, isPunchDatagram, OrionClient } from '@orion/sdk';
import {
  GodotHome,
  GodotProcess,
  godotProject,
  godotUnavailableReason,
} from './support/labs/godot-process.js';
import {
  freeTcpPort,
  freeUdpPort,
  LOOPBACK_ANY_PORTS,
  spawnOrion,
  type OrionProcess,
} from './support/orion/orion-process.js';
import { failIfRequired } from './support/labs/required-labs.js';
import { byName, expectPartyLobbyEvents, onlyEvent } from './support/labs/party-expectations.js';
import { freePortRange, portsOf } from './support/relay/free-port-range.js';

/**
 * The Godot 3 reference client (clients/godot) against a real `node dist/main.js`: its scripts
 * parse, its pure parts match the protocol's examples, the example screen works, and three
 * headless Godot players (or Godot and the TypeScript SDK) go from lobby to punched UDP, or to
 * UDP through Orion's opt-in relay.
 */
const unavailable = godotUnavailableReason();
if (unavailable) console.warn(`Godot client tests skipped: ${unavailable}.`);
failIfRequired('The Godot client test', unavailable);

const SERVER_TIMERS = [
  '--ptpmConnectRequestIntervalMs=100',
  '--ptpmServerConnectTimeoutMs=5000',
  '--ptpmConnectTimeoutMs=5000',
];
/** Each Godot player gives up on its own after this; the test waits a little longer. */
const PLAYER_TIMEOUT_MS = 20_000;
const EXIT_WAIT_MS = PLAYER_TIMEOUT_MS + 5_000;
const PUNCH_TIMEOUT_MS = 3_000;
/** Orion's tokens are 43 URL-safe characters; no client output may contain one. */
const TOKEN_LIKE = /[A-Za-z0-9_-]{43}/;

describe.skipIf(unavailable !== undefined)('the Godot 3 client against a real Orion', () => {
  let orion: OrionProcess;
  let url = '';
  let serverUdpPort = 0;
  let home: GodotHome;
  const running: GodotProcess[] = [];

  beforeAll(async () => {
    home = new GodotHome();
    orion = spawnOrion([...LOOPBACK_ANY_PORTS, ...SERVER_TIMERS]);
    const ready = await orion.ready();
    url = `http://127.0.0.1:${ready.httpPort}`;
    serverUdpPort = ready.udpPort;
  });

  afterEach(async () => {
    // Whatever the outcome, no Godot outlives its test.
    await Promise.all(running.splice(0).map((godot) => godot.kill()));
  });

  afterAll(async () => {
    if (orion?.running) orion.child.kill('SIGKILL');
    await orion?.exited;
    home?.remove();
  });

  function godotScript(label: string, script: string, args: Record<string, string | number> = {}) {
    const godot = GodotProcess.script(label, home, script, args);
    running.push(godot);
    return godot;
  }

  /** Waits for the exit and fails with everything the script reported unless it exited 0. */
  async function expectSuccess(godot: GodotProcess): Promise<void> {
    const code = await godot.exit(EXIT_WAIT_MS);
    expect(code, `${godot.label} exited ${code}. ${godot.describe()}`).toBe(0);
    expect(godot.stdout + godot.stderr, `${godot.label} printed something token-like`).not.toMatch(
      TOKEN_LIKE,
    );
    expect(godot.stderr, `${godot.label} logged a script error`).not.toMatch(/SCRIPT ERROR/);
  }

  const only = onlyEvent;

  it('parses every addon, example and test script, and runs the example scene for a frame without errors', async () => {
    const scripts = gdScriptsUnder(godotProject);
    expect(scripts.length).toBeGreaterThanOrEqual(10);
    for (const script of scripts) {
      const check = GodotProcess.start(script, home, ['-s', `res://${script}`, '--check-only']);
      running.push(check);
      expect(await check.exit(10_000), `${script} does not parse. ${check.describe()}`).toBe(0);
    }
    const scene = GodotProcess.start('example scene', home, ['--quit']);
    running.push(scene);
    expect(await scene.exit(10_000), scene.describe()).toBe(0);
    expect(scene.stderr, 'the example scene logged errors').not.toMatch(/ERROR/);
  }, 60_000);

  it('encodes and decodes frames and punch hellos exactly as docs/protocol.md and the SDK do', async () => {
    const check = godotScript('codec', 'codec_check.gd', {
      'sdk-hello': encodePunchHello({ name: 'Bob', ack: false }).toString('utf8'),
      'sdk-ack': encodePunchHello({ name: 'Ann', ack: true }).toString('utf8'),
    });
    await expectSuccess(check);
    expect(only(check, 'codec_checks')).toMatchObject({ failures: 0 });
  });

  it('hole punching on real loopback sockets: acks, early hellos, game datagrams passed on, retries and punch_failed', async () => {
    const check = godotScript('puncher', 'puncher_check.gd');
    await expectSuccess(check);
    expect(only(check, 'puncher_checks')).toMatchObject({ failures: 0, checks: 8 });
  });

  it('relay modes on real loopback sockets: off never asks, fallback asks for the silent peers, always at once; an allocation decides, is bound and used, and binding outlives success (bounded)', async () => {
    const check = godotScript('relay', 'relay_check.gd');
    await expectSuccess(check);
    expect(only(check, 'relay_checks')).toMatchObject({ failures: 0, checks: 35 });
  });

  it('the example lobby screen connects, hosts and chats when its buttons are pressed', async () => {
    const example = godotScript('example', 'example_smoke.gd', { url });
    await expectSuccess(example);
    expect(example.eventsOf('step').map((step) => step.pressed)).toEqual([
      'Rows/Server/Connect',
      'Rows/Actions/Host',
      'Rows/Say/Send',
    ]);
  });

  it('reports connection_failed and request_failed (status 0) when nothing listens at the address', async () => {
    const deadUrl = `http://127.0.0.1:${await freeTcpPort()}`;
    const check = godotScript('unreachable', 'unreachable_check.gd', { url: deadUrl });
    await expectSuccess(check);
    expect(only(check, 'connection_failed').url).toBe(deadUrl);
    expect(only(check, 'request_failed')).toMatchObject({ status: 0, request: 'GET /lobbies' });
  });

  it('lobby features: a password (a wrong one refused through request_failed), no quick join past it, data and a data filter, an update, a kick, a rejoin, leaves and a host hand-over', async () => {
    const tag = `godot-${Date.now()}`;
    const check = godotScript('lobby features', 'lobby_features.gd', {
      url,
      tag,
      'timeout-ms': PLAYER_TIMEOUT_MS,
    });
    await expectSuccess(check);
    const { lobbyId } = only(check, 'hosted');
    expect(lobbyId).toMatch(/^[A-Z0-9]{5}$/);
    expect(only(check, 'hosted')).toMatchObject({ lobbyName: 'Secret Night', isHost: true });

    // The wrong password, then a quick join that finds no lobby without a password: Orion's
    // 409s and their sentences, through request_failed (the filters stay out of `request`).
    const [wrongPassword, noQuickJoin, ...more] = check.eventsOf('request_failed');
    expect(more).toEqual([]);
    expect(wrongPassword).toMatchObject({
      role: 'member',
      status: 409,
      errors: [expect.stringMatching(/password/i)],
      request: `POST /lobbies/${lobbyId}/join`,
    });
    expect(noQuickJoin).toMatchObject({
      role: 'member',
      status: 409,
      errors: [expect.stringContaining('No open public lobby matches')],
      request: 'POST /lobbies/quick-join',
    });
    const [joined, rejoined] = check.eventsOf('lobby_joined');
    expect(joined).toMatchObject({
      info: { lobbyId, lobbyName: 'Secret Night', lobbyMembers: ['Host', 'Ann'], host: 'Host' },
      host: 'Host',
      rejoin: false,
    });
    expect(rejoined).toMatchObject({ info: { lobbyMembers: ['Host', 'Ann'] }, rejoin: true });

    // The data filter finds the lobby with hasPassword and its data (never the password).
    expect(only(check, 'lobby_page')).toEqual({
      event: 'lobby_page',
      lobbies: [
        {
          id: lobbyId,
          name: 'Secret Night',
          currentMembers: 2,
          maxMembers: 4,
          hasPassword: true,
          data: { tag, mode: 'ctf', players: 4 },
        },
      ],
      next: '',
    });

    // Both hear the update, the host included.
    const settings = {
      lobbyId,
      lobbyName: 'Secret Night Two',
      isPublic: true,
      data: { tag, mode: 'koth' },
    };
    expect(
      check
        .eventsOf('lobby_updated')
        .map(({ role, settings }) => ({ role, settings }))
        .sort((a, b) => `${a.role}`.localeCompare(`${b.role}`)),
    ).toEqual([
      { role: 'host', settings },
      { role: 'member', settings },
    ]);

    // The kick: the member hears it and forgets the lobby; the host hears the member go.
    expect(only(check, 'lobby_kicked')).toEqual({
      event: 'lobby_kicked',
      role: 'member',
      lobbyId,
      lobbyName: 'Secret Night Two',
      lobbyIdAfter: '',
      hostAfter: '',
    });
    expect(only(check, 'member_kicked')).toMatchObject({ role: 'host', peerName: 'Ann' });
    // Ann kicked, Ann leaving, Ann (the hand-over lobby's host) leaving: all heard by Host.
    expect(check.eventsOf('peer_left')).toEqual([
      { event: 'peer_left', role: 'host', name: 'Ann' },
      { event: 'peer_left', role: 'host', name: 'Ann' },
      { event: 'peer_left', role: 'host', name: 'Ann' },
    ]);
    const [memberLeft, hostLeft, ...handoverLeaves] = check.eventsOf('lobby_left');
    expect([memberLeft, hostLeft]).toEqual([
      { event: 'lobby_left', role: 'member', lobbyId, lobbyIdAfter: '' },
      { event: 'lobby_left', role: 'host', lobbyId, lobbyIdAfter: '' },
    ]);

    // The hand-over: Ann hosts with hostMigration, Host joins, Ann leaves, Host is made host.
    const { lobbyId: handoverId } = only(check, 'handover_hosted');
    expect(handoverId).toMatch(/^[A-Z0-9]{5}$/);
    expect(only(check, 'handover_joined')).toMatchObject({
      info: { lobbyId: handoverId, lobbyMembers: ['Ann', 'Host'], host: 'Ann' },
      host: 'Ann',
      isHost: false,
    });
    expect(only(check, 'host_changed')).toEqual({
      event: 'host_changed',
      role: 'host',
      lobbyId: handoverId,
      hostName: 'Host',
      hostNameAfter: 'Host',
      isHost: true,
    });
    expect(
      handoverLeaves
        .map(({ role, lobbyId: left }) => ({ role, left }))
        .sort((a, b) => `${a.role}`.localeCompare(`${b.role}`)),
    ).toEqual([
      { role: 'host', left: handoverId },
      { role: 'member', left: handoverId },
    ]);
  });

  it('three Godot players host, join, chat, mediate, punch each other on loopback and exchange game datagrams', async () => {
    const ports: Record<string, number> = {};
    for (const name of ['Host', 'Ann', 'Bob']) ports[name] = await freeUdpPort();
    const common = {
      url,
      roster: 'Host,Ann,Bob',
      'timeout-ms': PLAYER_TIMEOUT_MS,
      'punch-timeout-ms': PUNCH_TIMEOUT_MS,
    };
    const host = godotScript('Host', 'party_host.gd', {
      ...common,
      name: 'Host',
      'udp-port': ports.Host,
    });
    // The lobby id reaches the members the way a game would pass it on: out of band.
    const { lobbyId } = await host.waitFor('hosted', 10_000);
    expect(lobbyId).toMatch(/^[A-Z0-9]{5}$/);
    const members = ['Ann', 'Bob'].map((name) =>
      godotScript(name, 'party_member.gd', {
        ...common,
        name,
        'udp-port': ports[name],
        lobby: lobbyId as string,
      }),
    );
    const players = [host, ...members];
    await Promise.all(players.map(expectSuccess));

    const endpoint = (name: string) => ({ name, ip: '127.0.0.1', port: ports[name] });
    const punched = (name: string) => ({ ...endpoint(name), relayed: false });
    expect(only(host, 'lobby_list').lobbies).toContainEqual({
      id: lobbyId,
      name: 'Godot Night',
      currentMembers: 1,
      maxMembers: 3,
    });
    expect(only(host, 'request_failed')).toMatchObject({
      status: 409,
      errors: [expect.stringContaining('already in a lobby')],
      request: `POST /lobbies/${lobbyId}/join`,
    });
    expectPartyLobbyEvents({
      host,
      members,
      lobbyId: lobbyId as string,
      lobbyName: 'Godot Night',
      serverUdpPort,
      ports,
    });

    // The host is given every member, a member the host: at the ports they really use.
    // Nothing is relayed: this Orion has no relay, and punching on loopback just works.
    const hostPeers = [punched('Ann'), punched('Bob')];
    expect(byName(only(host, 'peers_received').peers)).toEqual([endpoint('Ann'), endpoint('Bob')]);
    expect(byName(only(host, 'punched').peers)).toEqual(hostPeers);
    expect(byName(only(host, 'mediation_succeeded').peers)).toEqual(hostPeers);
    expect(only(host, 'mediation_succeeded').relayed).toEqual([]);
    for (const member of members) {
      expect(only(member, 'peers_received').peers).toEqual([endpoint('Host')]);
      expect(only(member, 'punched').peers).toEqual([punched('Host')]);
      expect(only(member, 'mediation_succeeded').peers).toEqual([punched('Host')]);
    }

    // One game datagram each way between the host and each member, over the punched sockets.
    const datagramsOf = (player: GodotProcess) =>
      player
        .eventsOf('game_datagram')
        .map(({ text, ip, port }) => ({ text, ip, port }))
        .sort((a, b) => `${a.text}`.localeCompare(`${b.text}`));
    expect(datagramsOf(host)).toEqual([
      { text: 'game from Ann to Host', ip: '127.0.0.1', port: ports.Ann },
      { text: 'game from Bob to Host', ip: '127.0.0.1', port: ports.Bob },
    ]);
    for (const member of members) {
      expect(datagramsOf(member)).toEqual([
        { text: `game from Host to ${member.label}`, ip: '127.0.0.1', port: ports.Host },
      ]);
    }
  }, 40_000);

  it('a Godot host and a TypeScript SDK member punch each other with the same hello handshake', async () => {
    const hostPort = await freeUdpPort();
    const host = godotScript('Host', 'party_host.gd', {
      url,
      roster: 'Host,Sdk',
      name: 'Host',
      'udp-port': hostPort,
      'timeout-ms': PLAYER_TIMEOUT_MS,
      'punch-timeout-ms': PUNCH_TIMEOUT_MS,
    });
    const { lobbyId } = await host.waitFor('hosted', 10_000);
    const sdk = await OrionClient.connect({ url, localAddress: '127.0.0.1' });
    try {
      const sdkPort = sdk.socket.address().port;
      const gameDatagram = new Promise<{ text: string; port: number }>((resolve) =>
        sdk.socket.on('message', (data, remote) => {
          if (!isPunchDatagram(data)) resolve({ text: data.toString(), port: remote.port });
        }),
      );
      await sdk.join(lobbyId as string, 'Sdk');
      sdk.chat('hello from Sdk');
      const { socket, peers } = await sdk.mediate({ punchTimeoutMs: PUNCH_TIMEOUT_MS });
      expect(peers).toEqual([{ name: 'Host', ip: '127.0.0.1', port: hostPort }]);
      socket.send('game from Sdk to Host', hostPort, '127.0.0.1');
      expect(await gameDatagram).toEqual({ text: 'game from Host to Sdk', port: hostPort });
      await expectSuccess(host);
      expect(only(host, 'punched').peers).toEqual([
        { name: 'Sdk', ip: '127.0.0.1', port: sdkPort, relayed: false },
      ]);
      expect(only(host, 'game_datagram')).toMatchObject({
        text: 'game from Sdk to Host',
        port: sdkPort,
      });
    } finally {
      await sdk.close();
      // After a successful mediate() the socket is ours to close; otherwise close() did.
      try {
        sdk.socket.close();
      } catch {
        // Already closed.
      }
    }
  }, 40_000);

  describe('with the relay on', () => {
    let relayOrion: OrionProcess;
    let relayUrl = '';
    let relayPorts: number[] = [];

    beforeAll(async () => {
      const range = await freePortRange(4);
      relayPorts = portsOf(range);
      relayOrion = spawnOrion([
        ...LOOPBACK_ANY_PORTS,
        ...SERVER_TIMERS,
        `--relayPorts=${range}`,
        '--relayHost=127.0.0.1',
      ]);
      const ready = await relayOrion.ready();
      relayUrl = `http://127.0.0.1:${ready.httpPort}`;
    });

    afterAll(async () => {
      if (relayOrion?.running) relayOrion.child.kill('SIGKILL');
      await relayOrion?.exited;
    });

    it('a Godot member behind the relay exchanges a game datagram with an SDK host', async () => {
      const sdk = await OrionClient.connect({ url: relayUrl, localAddress: '127.0.0.1' });
      try {
        const { lobbyId } = await sdk.host({ hostName: 'Sdk', lobbyName: 'Relay Night' });
        // On loopback punching just works, so both sides insist on the relay: the host
        // asks at once, and the member counts the host as reached only through the relay.
        const member = godotScript('Ann', 'party_member.gd', {
          url: relayUrl,
          roster: 'Sdk,Ann',
          name: 'Ann',
          lobby: lobbyId,
          relay: 'always',
          'udp-port': await freeUdpPort(),
          'timeout-ms': PLAYER_TIMEOUT_MS,
          'punch-timeout-ms': PUNCH_TIMEOUT_MS,
        });
        const gameDatagram = new Promise<{ text: string; port: number }>((resolve) =>
          sdk.socket.on('message', (data, remote) => {
            if (!isPunchDatagram(data)) resolve({ text: data.toString(), port: remote.port });
          }),
        );
        await sdk.next('lobby_peerConnect', 10_000);
        sdk.chat('hello from Sdk');
        // The lobby closes on success: the member's own line must be in before that.
        for (;;) {
          const { message } = await sdk.next('lobby_messaging_received', 10_000);
          if (message.senderName === 'Ann') break;
        }
        const mediated = sdk.mediate({ punchTimeoutMs: PUNCH_TIMEOUT_MS, relay: 'always' });
        await sdk.startMediation();
        const { socket, peers, relayed } = await mediated;
        expect(relayed).toEqual(['Ann']);
        const [toAnn] = peers;
        expect(relayPorts).toContain(toAnn.port);
        socket.send('game from Sdk to Ann', toAnn.port, toAnn.ip);
        await expectSuccess(member);

        // The member was given the host's relay endpoint, bound it, and punched through it.
        // Both sides asked, so the same allocation came twice: it is followed once.
        expect(only(member, 'relay_requested').peerNames).toEqual(['Sdk']);
        const relayedHost = only(member, 'peer_relayed');
        expect(relayedHost).toMatchObject({ name: 'Sdk', ip: '127.0.0.1' });
        const hostRelayPort = relayedHost.port as number;
        expect(only(member, 'relay_allocated')).toMatchObject({
          name: 'Sdk',
          ip: '127.0.0.1',
          port: hostRelayPort,
        });
        expect(relayPorts).toContain(hostRelayPort);
        expect(hostRelayPort).not.toBe(toAnn.port);
        const throughRelay = { name: 'Sdk', ip: '127.0.0.1', port: hostRelayPort, relayed: true };
        expect(only(member, 'punched').peers).toEqual([throughRelay]);
        expect(only(member, 'mediation_succeeded')).toMatchObject({
          peers: [throughRelay],
          relayed: ['Sdk'],
        });

        // One game datagram each way, each arriving from the relay endpoint its receiver was given.
        expect(only(member, 'game_datagram')).toMatchObject({
          text: 'game from Sdk to Ann',
          ip: '127.0.0.1',
          port: hostRelayPort,
        });
        expect(await gameDatagram).toEqual({ text: 'game from Ann to Sdk', port: toAnn.port });
      } finally {
        await sdk.close();
        try {
          sdk.socket.close();
        } catch {
          // Already closed.
        }
      }
    }, 40_000);
  });
});

/** Every .gd file of the Godot project, as a path relative to it. */
function gdScriptsUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.gd'))
    .map((entry) => relative(godotProject, join(entry.parentPath, entry.name)))
    .filter((path) => !path.startsWith('.'))
    .sort();
}
