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

  it('without reconnect, a dropped connection ends in connection_closed (1006) as before', async () => {
    const check = godotScript('no reconnect', 'reconnect_give_up.gd', {
      url,
      reconnect: 'false',
      'timeout-ms': PLAYER_TIMEOUT_MS,
    });
    await expectSuccess(check);
    expect(check.eventsOf('connection_lost')).toEqual([]);
    expect(only(check, 'connection_closed')).toMatchObject({ code: 1006, lobbyIdAfter: '' });
  });

  it('reconnecting gives up with connection_closed once reconnect_within_ms has passed (an Orion without reconnection never answers client_resume)', async () => {
    const check = godotScript('give up in time', 'reconnect_give_up.gd', {
      url,
      'within-ms': 1500,
      'timeout-ms': PLAYER_TIMEOUT_MS,
    });
    await expectSuccess(check);
    expect(only(check, 'connection_lost')).toMatchObject({ code: 1006, reconnecting: true });
    const closed = only(check, 'connection_closed');
    expect(closed).toMatchObject({
      code: 1006,
      reconnecting: false,
      registered: false,
      lobbyIdAfter: '',
    });
    // Ended by the deadline, not by the 5 s a try waits for its answer.
    expect(closed.afterMs).toBeGreaterThanOrEqual(1500);
    expect(closed.afterMs).toBeLessThan(4500);
  });

  describe('with reconnection on (--reconnectGraceMs)', () => {
    let graceOrion: OrionProcess;
    let graceUrl = '';
    /** A grace shorter than the client's first wait: its resume is refused (unknown_client). */
    let shortGraceOrion: OrionProcess;
    let shortGraceUrl = '';

    beforeAll(async () => {
      graceOrion = spawnOrion([
        ...LOOPBACK_ANY_PORTS,
        ...SERVER_TIMERS,
        '--reconnectGraceMs=10000',
      ]);
      shortGraceOrion = spawnOrion([...LOOPBACK_ANY_PORTS, '--reconnectGraceMs=200']);
      const [ready, shortReady] = await Promise.all([graceOrion.ready(), shortGraceOrion.ready()]);
      graceUrl = `http://127.0.0.1:${ready.httpPort}`;
      shortGraceUrl = `http://127.0.0.1:${shortReady.httpPort}`;
    });

    afterAll(async () => {
      for (const server of [graceOrion, shortGraceOrion]) {
        if (server?.running) server.child.kill('SIGKILL');
        await server?.exited;
      }
    });

    it('a refused resume (the grace ended: unknown_client) ends reconnecting at once with connection_closed', async () => {
      const check = godotScript('refused', 'reconnect_give_up.gd', {
        url: shortGraceUrl,
        'within-ms': 10_000,
        'initial-delay-ms': 1500,
        'timeout-ms': PLAYER_TIMEOUT_MS,
      });
      await expectSuccess(check);
      const closed = only(check, 'connection_closed');
      expect(closed).toMatchObject({ code: 1006, reconnecting: false, lobbyIdAfter: '' });
      // The first try comes after 750 to 1500 ms and is refused: no more tries until 10 s.
      expect(closed.afterMs).toBeGreaterThanOrEqual(750);
      expect(closed.afterMs).toBeLessThan(6000);
    });

    it('a dropped member resumes three times: the host hears peer_away then peer_back, chat from both sides crosses the gap, and a mediation under way still succeeds', async () => {
      const check = godotScript('reconnection', 'reconnection.gd', {
        url: graceUrl,
        'timeout-ms': PLAYER_TIMEOUT_MS,
        'punch-timeout-ms': PUNCH_TIMEOUT_MS,
      });
      await expectSuccess(check);
      const { lobbyId } = only(check, 'lobby_hosted');
      const lobby = {
        lobbyId,
        lobbyName: 'Comeback Night',
        host: 'Host',
        members: ['Host', 'Ann'],
      };
      const onlyOf = (name: string, role: string) => {
        const events = check.eventsOf(name).filter((event) => event.role === role);
        expect(events, `exactly one ${name} for the ${role}. ${check.describe()}`).toHaveLength(1);
        return events[0];
      };
      // What one side heard, in order, with the drop each came after.
      const story = (role: string) =>
        check.events
          .filter((event) => event.role === role && event.event !== 'dropped')
          .map(({ event, drop }) => (drop === undefined ? event : `${event}:${drop}`));
      // The member's punching may end before or after its third resume: checked below.
      expect(story('member').filter((event) => !event.startsWith('punched'))).toEqual([
        'lobby_joined',
        'connection_lost:1',
        'reconnected:1',
        'chat_received',
        'chat_received',
        'mediation_started',
        'connection_lost:2',
        'reconnected:2',
        'peers_received:2',
        'connection_lost:3',
        'reconnected:3',
        'mediation_succeeded',
        'lobby_closed',
        'connection_closed',
      ]);
      expect(onlyOf('punched', 'member').drop).toBe(3);
      // Numbered by the host's own count: the n-th absence it heard of, then its end.
      const hostStory = story('host').filter((event) => /^peer_(away|back)/.test(event));
      expect(hostStory).toEqual([
        'peer_away:1',
        'peer_back:1',
        'peer_away:2',
        'peer_back:2',
        'peer_away:3',
        'peer_back:3',
      ]);

      // Each drop is reported as one (1006), and the client keeps its lobby while away.
      const lost = check.eventsOf('connection_lost');
      expect(lost).toHaveLength(3);
      for (const event of lost) {
        expect(event).toMatchObject({
          role: 'member',
          code: 1006,
          reconnecting: true,
          registered: false,
          lobbyIdAfter: lobbyId,
        });
      }
      const [first, second, third] = check.eventsOf('reconnected');
      expect(first).toMatchObject({
        registered: true,
        reconnecting: false,
        summary: { lobby: { ...lobby, locked: false }, mediation: null, missedChat: 1 },
      });
      expect(second).toMatchObject({
        registered: true,
        summary: { lobby: { ...lobby, locked: true }, missedChat: 0 },
      });
      expect(['collecting', 'connecting']).toContain(
        (second.summary as { mediation: { phase: string } }).mediation.phase,
      );
      expect(third).toMatchObject({
        registered: true,
        summary: { lobby: { ...lobby, locked: true }, mediation: { phase: 'connecting' } },
      });

      // The host's line sent during the gap was replayed to the member once back; the
      // member's line sent during the gap waited for the new socket and reached both.
      const chat = (role: string) =>
        check.eventsOf('chat_received').filter((event) => event.role === role);
      expect(chat('member')).toEqual([
        {
          event: 'chat_received',
          role: 'member',
          sender: 'Host',
          text: 'sent while Ann was away',
          afterReconnect: true,
        },
        {
          event: 'chat_received',
          role: 'member',
          sender: 'Ann',
          text: 'sent by Ann while away',
          afterReconnect: true,
        },
      ]);
      expect(
        chat('host').map(({ sender, afterReconnect }) => ({ sender, afterReconnect })),
      ).toEqual([
        { sender: 'Host', afterReconnect: false },
        { sender: 'Ann', afterReconnect: true },
      ]);

      // The mediation survived both drops: both punched and succeeded, then left cleanly.
      for (const role of ['host', 'member']) {
        expect(onlyOf('mediation_succeeded', role).peers).toEqual([
          expect.objectContaining({ name: role === 'host' ? 'Ann' : 'Host', ip: '127.0.0.1' }),
        ]);
      }
      expect(check.eventsOf('connection_closed').map(({ role, code }) => ({ role, code }))).toEqual(
        expect.arrayContaining([
          { role: 'host', code: 1000 },
          { role: 'member', code: 1000 },
        ]),
      );
    }, 40_000);
  });

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
