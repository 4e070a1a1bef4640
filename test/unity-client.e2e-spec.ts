import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Socket } from 'node:dgram';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from '@orion/protocol';
import {
  DEFAULT_PUNCH_SCHEDULE,
  encodePunchHello,
  isPunchDatagram,
  OrionClient,
  punchDelayMs,
  type MediateOptions,
  type MediationResult,
} from '@orion/sdk';
import { failIfRequired } from './support/labs/required-labs.js';
import { byName, expectPartyLobbyEvents, onlyEvent } from './support/labs/party-expectations.js';
import {
  freeTcpPort,
  freeUdpPort,
  LOOPBACK_ANY_PORTS,
  spawnOrion,
  type OrionProcess,
} from './support/orion/orion-process.js';
import { ConnectDetour } from './support/relay/connect-detour.js';
import { freePortRange, portsOf } from './support/relay/free-port-range.js';
import { HeldJoinProxy } from './support/orion/held-join-proxy.js';
import {
  UnityBuild,
  UnityDriver,
  unityPackage,
  unityUnavailableReason,
} from './support/unity/unity-driver.js';

/**
 * The Unity / C# client (clients/unity) against a real `node dist/main.js` with its relay on: the package is
 * compiled with mcs (C# 7.2, a subset of Unity's 7.3), a console driver built against its public
 * surface runs each scenario under mono, and the test reads what it printed. Without mcs and
 * mono the file says why it skips, unless ORION_REQUIRE_LABS=1 (CI), where that fails.
 */
const unavailable = unityUnavailableReason();
if (unavailable) console.warn(`Unity client tests skipped: ${unavailable}.`);
failIfRequired('The Unity client test', unavailable);

const SERVER_TIMERS = [
  '--ptpmConnectRequestIntervalMs=100',
  '--ptpmServerConnectTimeoutMs=5000',
  '--ptpmConnectTimeoutMs=5000',
];
/** Each C# player gives up on its own after this; the test waits a little longer. */
const PLAYER_TIMEOUT_MS = 20_000;
const EXIT_WAIT_MS = PLAYER_TIMEOUT_MS + 5_000;
const PUNCH_TIMEOUT_MS = 3_000;
/** The fallback asks this soon, leaving the relay most of the punch timeout. */
const RELAY_AFTER_MS = 300;
/** Orion's tokens are 43 URL-safe characters; no client output may contain one. */
const TOKEN_LIKE = /[A-Za-z0-9_-]{43}/;

/** Payloads whose frames must come out of the C# encoder exactly as encodeFrame writes them. */
const CODEC_PAYLOADS: { method: string; payload: object }[] = [
  { method: 'client_registered', payload: { token: 'tok123' } },
  { method: 'lobby_messaging_send', payload: { token: 'tok123', lobbyId: 'K7Q2Z', message: 'gg' } },
  { method: 'ptpMediation_success', payload: {} },
  { method: 'ptpMediation_send', payload: { port: 5990 } },
  {
    method: 'ptpMediation_peersConnection_start',
    payload: { peers: [{ ip: '203.0.113.7', port: 51234, name: 'Bob' }] },
  },
  {
    method: 'lobby_messaging_received',
    payload: {
      lobbyId: 'K7Q2Z',
      message: { timestamp: 1767225600000, senderName: 'Alice', message: 'gg' },
    },
  },
  {
    method: 'chat_escapes',
    payload: {
      quotes: 'say "hi" \\ back/slash',
      controls: '\b\f\n\r\t\u0000\u0001\u001f\u007f',
      unicode: 'héllo wörld 日本語 ☃ 🎮',
      loneHigh: 'a\ud800b',
      loneLow: '\udc00',
      lineSeparators: '\u2028\u2029',
      'key "quoted"\n': 'value',
    },
  },
  {
    method: 'numbers',
    payload: {
      values: [
        0,
        -0,
        1,
        -1,
        1.5,
        0.1,
        0.1 + 0.2,
        1 / 3,
        2 ** 53,
        2 ** 53 + 2,
        1e21,
        1e20,
        123e-20,
        1e-7,
        1.5e-7,
        0.000001,
        5e-324,
        1.7976931348623157e308,
        -123456.789,
        4294967296,
        1e300,
      ],
    },
  },
  {
    method: 'shapes',
    payload: {
      t: true,
      f: false,
      n: null,
      a: [],
      o: {},
      nested: [[1, [2, { x: [3] }]], { y: 'z' }],
    },
  },
  { method: 'order', payload: { z: 1, a: 2, m: { b: 1, a: 2 } } },
];

/** Frames the C# decoder must read as decodeFrame does, including the ones it must refuse. */
const DECODE_EXTRAS = [
  'ptpMediation_success:e30', // unpadded
  'ptpMediation_success: e30= ', // spaces around the payload are trimmed
  'ptpMediation_success:e30==',
  'noColon',
  ':e30=',
  '1method:e30=',
  'bad-method:e30=',
  'x:not base64!',
  'x:' + Buffer.from('{"a":1}').toString('base64url').replace(/=+$/, '') + '-_',
  'x:' + Buffer.from('[1,2]').toString('base64'),
  'x:' + Buffer.from('"text"').toString('base64'),
  'x:' + Buffer.from('null').toString('base64'),
  'x:' + Buffer.from('{"a":1} trailing').toString('base64'),
  'x:' + Buffer.from('{"a":01}').toString('base64'),
  'x:' + Buffer.from(' {"a" : [1 , 2] }\n').toString('base64'),
  'x:' + Buffer.from('{"deep":' + '['.repeat(15) + ']'.repeat(15) + '}').toString('base64'),
  'x:' + Buffer.from('{"deep":' + '['.repeat(16) + ']'.repeat(16) + '}').toString('base64'),
  'x:' + Buffer.from('{"a":"\\ud83c\\udfae \\u00e9 \\/"}').toString('base64'),
  'x:' + Buffer.from('{"a":1,"a":2}').toString('base64'),
  'x:' + Buffer.from('{"a":1e-400,"b":-5e-324}').toString('base64'),
];

describe.skipIf(unavailable !== undefined)('the Unity / C# client against a real Orion', () => {
  let orion: OrionProcess;
  let url = '';
  let httpPort = 0;
  let serverUdpPort = 0;
  let relayPorts: number[] = [];
  let build: UnityBuild;
  const running: UnityDriver[] = [];
  const sdkClients: OrionClient[] = [];
  const handedOver: Socket[] = [];
  let detour: ConnectDetour | undefined;
  let joinProxy: HeldJoinProxy | undefined;

  beforeAll(async () => {
    build = new UnityBuild();
    build.compile();
    const range = await freePortRange(8);
    relayPorts = portsOf(range);
    orion = spawnOrion([
      ...LOOPBACK_ANY_PORTS,
      ...SERVER_TIMERS,
      ...['--relayPorts', range, '--relayHost', '127.0.0.1'],
    ]);
    const ready = await orion.ready();
    httpPort = ready.httpPort;
    url = `http://127.0.0.1:${httpPort}`;
    serverUdpPort = ready.udpPort;
  }, 60_000);

  afterEach(async () => {
    // Whatever the outcome, no driver outlives its test.
    await Promise.all(running.splice(0).map((driver) => driver.kill()));
    await Promise.all(sdkClients.splice(0).map((client) => client.close()));
    // After a successful mediate() the socket is ours to close; otherwise close() did.
    for (const socket of handedOver.splice(0)) {
      try {
        socket.close();
      } catch {
        // Already closed.
      }
    }
    await detour?.close();
    detour = undefined;
    await joinProxy?.close();
    joinProxy = undefined;
  });

  afterAll(async () => {
    if (orion?.running) orion.child.kill('SIGKILL');
    await orion?.exited;
    build?.remove();
  });

  function driver(
    label: string,
    scenario: string,
    args: Record<string, string | number> = {},
    stdin = '',
  ): UnityDriver {
    const started = UnityDriver.start(label, build, scenario, args, stdin);
    running.push(started);
    return started;
  }

  /** Waits for the exit and fails with everything the driver reported unless it exited 0. */
  async function expectSuccess(player: UnityDriver, holdsToken = true): Promise<void> {
    const code = await player.exit(EXIT_WAIT_MS);
    expect(code, `${player.label} exited ${code}. ${player.describe()}`).toBe(0);
    // The codec run has no token, and prints base64 frames, which look like one.
    if (holdsToken) {
      const output = player.stdout + player.stderr;
      expect(output, `${player.label} printed something token-like`).not.toMatch(TOKEN_LIKE);
    }
    expect(player.eventsOf('handler_failed'), player.describe()).toEqual([]);
  }

  const only = onlyEvent;
  const datagramsOf = (player: UnityDriver) =>
    player
      .eventsOf('game_datagram')
      .map(({ text, ip, port }) => ({ text, ip, port }))
      .sort((a, b) => `${a.text}`.localeCompare(`${b.text}`));

  it('is a UPM package: package.json, an asmdef over Runtime, and a .meta with its own guid for every file and folder', () => {
    const manifest = JSON.parse(readFileSync(join(unityPackage, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({ name: 'com.orion.client', version: expect.any(String) });
    expect(manifest.unity).toMatch(/^\d{4}\.\d$/);
    const asmdef = JSON.parse(
      readFileSync(join(unityPackage, 'Runtime/Orion.Client.asmdef'), 'utf8'),
    );
    expect(asmdef).toMatchObject({ name: 'Orion.Client', references: [] });

    // Unity ignores a file without a .meta in an immutable (git or registry) package.
    const guids = new Map<string, string>();
    for (const entry of readdirSync(unityPackage, { withFileTypes: true, recursive: true })) {
      const path = relative(unityPackage, join(entry.parentPath, entry.name));
      if (entry.name.endsWith('.meta') || /(^|\/)[.]|~(\/|$)/.test(path)) continue;
      const meta = join(unityPackage, `${path}.meta`);
      expect(existsSync(meta), `${path} has no .meta`).toBe(true);
      const guid = /^guid: ([0-9a-f]{32})$/m.exec(readFileSync(meta, 'utf8'))?.[1];
      expect(guid, `${path}.meta has no guid`).toBeDefined();
      expect(guids.get(guid!), `${path} shares its guid`).toBeUndefined();
      guids.set(guid!, path);
    }
    expect(guids.size).toBeGreaterThan(20);
  });

  it('encodes frames and punch hellos byte for byte as @orion/protocol and the SDK do, and decodes what they decode', async () => {
    const decode = [
      ...CODEC_PAYLOADS.filter(({ method }) => method !== 'numbers').map(({ method, payload }) =>
        encodeFrame(method, payload),
      ),
      ...DECODE_EXTRAS,
    ];
    const hellos = [
      { name: 'Bob', ack: false },
      { name: 'Ann Lee', ack: true },
      { name: 'Zoë_9', ack: false },
    ];
    const datagrams = [
      ...hellos.map((hello) => encodePunchHello(hello).toString('utf8')),
      'orionPunch_hello:' + Buffer.from('{"name":"Bob"}').toString('base64'),
      'orionPunch_other:e30=',
      'ptpMediation_relay_bound:e30=',
      'game datagram',
      'orionPunch_',
    ];
    const codec = driver(
      'codec',
      'codec',
      {},
      JSON.stringify({ encode: CODEC_PAYLOADS, decode, hellos, datagrams }),
    );
    await expectSuccess(codec, false);

    const frames = only(codec, 'encoded').frames as string[];
    CODEC_PAYLOADS.forEach(({ method, payload }, i) =>
      expect(frames[i], `the frame of ${method}`).toBe(encodeFrame(method, payload)),
    );
    const decoded = only(codec, 'decoded').results as unknown[];
    decode.forEach((text, i) =>
      expect(decoded[i] ?? undefined, `decoding ${text}`).toEqual(decodeFrame(text)),
    );
    expect(only(codec, 'hellos_encoded').datagrams).toEqual(
      hellos.map((hello) => encodePunchHello(hello).toString('utf8')),
    );
    const read = only(codec, 'datagrams_read').results as { hello: unknown; isPunch: boolean }[];
    expect(read.map((r) => r.isPunch)).toEqual(
      datagrams.map((d) => isPunchDatagram(Buffer.from(d, 'utf8'))),
    );
    expect(read.map((r) => r.hello)).toEqual([...hellos, null, null, null, null, null]);
    expect(only(codec, 'schedule').delaysMs).toEqual(
      Array.from({ length: 10 }, (_, attempt) => punchDelayMs(attempt, DEFAULT_PUNCH_SCHEDULE)),
    );
  });

  it("docs/protocol.md's punch handshake section shows the SDK's own hello frames and schedule", () => {
    const doc = readFileSync(join(unityPackage, '../../docs/protocol.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## The punch handshake (client convention)'));
    expect(section).toContain(encodePunchHello({ name: 'Bob', ack: false }).toString('utf8'));
    expect(section).toContain(encodePunchHello({ name: 'Alice', ack: true }).toString('utf8'));
    expect(section).toContain(`${encodePunchHello({ name: 'Bob', ack: false }).length} bytes`);
    expect(DEFAULT_PUNCH_SCHEDULE).toEqual({ firstGapMs: 50, maxGapMs: 500 });
    expect(section).toContain('0, 50, 150, 350, 750, 1250, 1750');
  });

  it('three C# players host, join, chat, mediate, punch each other on loopback and exchange game datagrams', async () => {
    const ports: Record<string, number> = {};
    for (const name of ['Host', 'Ann', 'Bob']) ports[name] = await freeUdpPort();
    const common = {
      url,
      roster: 'Host,Ann,Bob',
      'timeout-ms': PLAYER_TIMEOUT_MS,
      'punch-timeout-ms': PUNCH_TIMEOUT_MS,
    };
    const host = driver('Host', 'host', { ...common, name: 'Host', 'udp-port': ports.Host });
    const { lobbyId } = await host.waitFor('hosted', 10_000);
    expect(lobbyId).toMatch(/^[A-Z0-9]{5}$/);
    const members = ['Ann', 'Bob'].map((name) =>
      driver(name, 'member', {
        ...common,
        name,
        'udp-port': ports[name],
        lobby: lobbyId as string,
      }),
    );
    const players = [host, ...members];
    await Promise.all(players.map((player) => expectSuccess(player)));

    const endpoint = (name: string) => ({ name, ip: '127.0.0.1', port: ports[name] });
    expect(only(host, 'lobby_list').lobbies).toContainEqual({
      id: lobbyId,
      name: 'Unity Night',
      currentMembers: 1,
      maxMembers: 3,
    });
    expectPartyLobbyEvents({
      host,
      members,
      lobbyId: lobbyId as string,
      lobbyName: 'Unity Night',
      serverUdpPort,
      ports,
    });
    for (const player of players) {
      // Punching worked, so the fallback never asked for the relay.
      expect(only(player, 'mediation_succeeded').relayed).toEqual([]);
      expect(player.eventsOf('relay_allocated')).toEqual([]);
    }

    // The host is given every member, a member the host, at the ports they really use.
    expect(byName(only(host, 'peers_received').peers)).toEqual([endpoint('Ann'), endpoint('Bob')]);
    expect(byName(only(host, 'mediation_succeeded').peers)).toEqual([
      endpoint('Ann'),
      endpoint('Bob'),
    ]);
    for (const member of members) {
      expect(only(member, 'peers_received').peers).toEqual([endpoint('Host')]);
      expect(only(member, 'mediation_succeeded').peers).toEqual([endpoint('Host')]);
    }

    // One game datagram each way between the host and each member, over the punched sockets.
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

  interface MixedPair {
    sdkPort: number;
    memberPort: number;
    lobbyId: string;
    member: UnityDriver;
    sdkResult: MediationResult;
    /** The first game datagram the SDK host's socket received, and where it came from. */
    gameAtSdk: Promise<{ text: string; port: number }>;
  }

  /**
   * A TypeScript SDK host ("Sdk") and a C# member ("Cs") through lobby, chat and mediation with
   * the given options, then one game datagram each way. `udpHost` sends both connects through a
   * ConnectDetour, so that no hello can get through and only the relay can join them.
   */
  async function sdkHostWithCsMember(
    sdkMediate: MediateOptions,
    csArgs: Record<string, string | number>,
    unpunchable = false,
  ): Promise<MixedPair> {
    if (unpunchable) detour = await ConnectDetour.open(serverUdpPort);
    const udpHost = detour?.host ?? '127.0.0.1';
    const sdk = await OrionClient.connect({ url, localAddress: '127.0.0.1', udpHost });
    sdkClients.push(sdk);
    const sdkPort = sdk.socket.address().port;
    const { lobbyId } = await sdk.host({ hostName: 'Sdk', lobbyName: 'Mixed Night' });
    const memberPort = await freeUdpPort();
    const member = driver('Cs', 'member', {
      url,
      roster: 'Sdk,Cs',
      name: 'Cs',
      lobby: lobbyId,
      'udp-port': memberPort,
      'udp-host': udpHost,
      'timeout-ms': PLAYER_TIMEOUT_MS,
      'punch-timeout-ms': PUNCH_TIMEOUT_MS,
      ...csArgs,
    });
    const gameAtSdk = new Promise<{ text: string; port: number }>((resolve) =>
      sdk.socket.on('message', (data, remote) => {
        if (!isPunchDatagram(data)) resolve({ text: data.toString(), port: remote.port });
      }),
    );
    expect(await sdk.next('lobby_peerConnect', 10_000)).toEqual({ lobbyId, peerName: 'Cs' });
    await sdk.chat('hello from Sdk');
    // The lobby closes on success: the member's own line must be in before that.
    for (;;) {
      const { message } = await sdk.next('lobby_messaging_received', 10_000);
      if (message.senderName === 'Cs') break;
    }
    const mediated = sdk.mediate({ punchTimeoutMs: PUNCH_TIMEOUT_MS, ...sdkMediate });
    await sdk.startMediation();
    const sdkResult = await mediated;
    handedOver.push(sdkResult.socket);
    const [toMember] = sdkResult.peers;
    sdkResult.socket.send('game from Sdk to Cs', toMember.port, toMember.ip);
    await expectSuccess(member);
    expect(only(member, 'lobby_joined').info).toMatchObject({
      lobbyId,
      host: 'Sdk',
      lobbyMembers: ['Sdk', 'Cs'],
    });
    return { sdkPort, memberPort, lobbyId, member, sdkResult, gameAtSdk };
  }

  /**
   * Both sides of a relayed pair ended on the relay: each was given its own relay port, and the
   * game datagrams each way came from the other side's relay endpoint, not a player's socket.
   */
  async function expectRelayedMixedPair(pair: MixedPair): Promise<void> {
    const { member, sdkResult } = pair;
    expect(sdkResult.relayed).toEqual(['Cs']);
    const [toMember] = sdkResult.peers;
    expect(toMember).toMatchObject({ name: 'Cs', ip: '127.0.0.1' });
    expect(relayPorts).toContain(toMember.port);
    const succeeded = only(member, 'mediation_succeeded');
    expect(succeeded.relayed).toEqual(['Sdk']);
    const [toHost] = succeeded.peers as { name: string; ip: string; port: number }[];
    expect(toHost).toMatchObject({ name: 'Sdk', ip: '127.0.0.1' });
    expect(relayPorts).toContain(toHost.port);
    expect(toHost.port).not.toBe(toMember.port);
    expect(member.eventsOf('relay_allocated').length).toBeGreaterThan(0);
    expect(datagramsOf(member)).toEqual([
      { text: 'game from Sdk to Cs', ip: '127.0.0.1', port: toHost.port },
    ]);
    expect(await pair.gameAtSdk).toEqual({ text: 'game from Cs to Sdk', port: toMember.port });
  }

  it('a C# member and a TypeScript SDK host punch each other with the same hello handshake', async () => {
    const pair = await sdkHostWithCsMember({ relay: 'off' }, {});
    const { member, sdkResult, sdkPort, memberPort } = pair;
    expect(sdkResult.peers).toEqual([{ name: 'Cs', ip: '127.0.0.1', port: memberPort }]);
    expect(sdkResult.relayed).toEqual([]);
    expect(
      member
        .eventsOf('chat')
        .map(({ sender }) => sender)
        .sort(),
    ).toEqual(['Cs', 'Sdk']);
    const sdkEndpoint = { name: 'Sdk', ip: '127.0.0.1', port: sdkPort };
    expect(only(member, 'peers_received').peers).toEqual([sdkEndpoint]);
    expect(only(member, 'mediation_succeeded')).toMatchObject({
      peers: [sdkEndpoint],
      relayed: [],
    });
    expect(member.eventsOf('relay_allocated')).toEqual([]);
    expect(datagramsOf(member)).toEqual([
      { text: 'game from Sdk to Cs', ip: '127.0.0.1', port: sdkPort },
    ]);
    expect(await pair.gameAtSdk).toEqual({ text: 'game from Cs to Sdk', port: memberPort });
  }, 40_000);

  it("two C# players with relay: Always end relayed, and a game datagram goes each way through Orion's relay", async () => {
    const ports: Record<string, number> = {};
    for (const name of ['Host', 'Ann']) ports[name] = await freeUdpPort();
    const common = {
      url,
      roster: 'Host,Ann',
      relay: 'always',
      'timeout-ms': PLAYER_TIMEOUT_MS,
      'punch-timeout-ms': PUNCH_TIMEOUT_MS,
    };
    const host = driver('Host', 'host', { ...common, name: 'Host', 'udp-port': ports.Host });
    const { lobbyId } = await host.waitFor('hosted', 10_000);
    const member = driver('Ann', 'member', {
      ...common,
      name: 'Ann',
      'udp-port': ports.Ann,
      lobby: lobbyId as string,
    });
    await Promise.all([host, member].map((player) => expectSuccess(player)));

    // Orion gave each the other's own socket; the mediation replaced it with a relay port.
    expect(only(host, 'peers_received').peers).toEqual([
      { name: 'Ann', ip: '127.0.0.1', port: ports.Ann },
    ]);
    const relayOf = (player: UnityDriver, other: string) => {
      const succeeded = only(player, 'mediation_succeeded');
      expect(succeeded.relayed, player.describe()).toEqual([other]);
      const [peer] = succeeded.peers as { name: string; ip: string; port: number }[];
      expect(peer).toMatchObject({ name: other, ip: '127.0.0.1' });
      expect(relayPorts).toContain(peer.port);
      expect(player.eventsOf('relay_allocated').length).toBeGreaterThan(0);
      return peer.port;
    };
    const hostsRelay = relayOf(host, 'Ann');
    const annsRelay = relayOf(member, 'Host');
    expect(hostsRelay).not.toBe(annsRelay);

    // Each game datagram came from the relay, never from the other player's socket.
    expect(datagramsOf(host)).toEqual([
      { text: 'game from Ann to Host', ip: '127.0.0.1', port: hostsRelay },
    ]);
    expect(datagramsOf(member)).toEqual([
      { text: 'game from Host to Ann', ip: '127.0.0.1', port: annsRelay },
    ]);
    for (const player of [host, member]) only(player, 'done');
  }, 40_000);

  it("a C# member with relay: Off follows the relay switch of an SDK host with relay: 'always'", async () => {
    // The SDK counts no direct hello: the pair can only succeed once the C# side has switched.
    await expectRelayedMixedPair(await sdkHostWithCsMember({ relay: 'always' }, { relay: 'off' }));
  }, 40_000);

  it('a C# member that cannot punch its SDK host asks for the relay itself, and both end relayed', async () => {
    // Both connects go through a detour: no hello gets through, and the SDK never asks.
    await expectRelayedMixedPair(
      await sdkHostWithCsMember(
        { relay: 'off' },
        { relay: 'fallback', 'relay-after-ms': RELAY_AFTER_MS },
        true,
      ),
    );
    expect(detour!.clients).toBe(2);
  }, 40_000);

  it("a C# member gets the SDK host's ptpMediation_send and peer list before the answer to its join, and still punches", async () => {
    // Orion takes the join at once; only its answer to the C# member is held, until the member
    // has the peer list. What came first must survive the join's answer.
    joinProxy = await HeldJoinProxy.open(httpPort);
    const sdk = await OrionClient.connect({ url, localAddress: '127.0.0.1' });
    sdkClients.push(sdk);
    const sdkPort = sdk.socket.address().port;
    const { lobbyId } = await sdk.host({ hostName: 'Sdk', lobbyName: 'Eager Night' });
    // The host starts the moment the member is in: no chat, no waiting for anything else.
    const sdkMediation = new Promise<MediationResult>((resolve, reject) => {
      sdk.once('lobby_peerConnect', () => {
        const mediated = sdk.mediate({ relay: 'off', punchTimeoutMs: PUNCH_TIMEOUT_MS });
        Promise.all([mediated, sdk.startMediation()]).then(([result]) => resolve(result), reject);
      });
    });
    // Listening from the start: the member's game datagram may beat our own success.
    const gameAtSdk = new Promise<{ text: string; port: number }>((resolve) =>
      sdk.socket.on('message', (data, remote) => {
        if (!isPunchDatagram(data)) resolve({ text: data.toString(), port: remote.port });
      }),
    );
    const memberPort = await freeUdpPort();
    const member = driver('Cs', 'member', {
      url: joinProxy.url,
      roster: 'Sdk,Cs',
      name: 'Cs',
      lobby: lobbyId,
      chat: 'off',
      relay: 'off',
      'udp-port': memberPort,
      'timeout-ms': PLAYER_TIMEOUT_MS,
      'punch-timeout-ms': PUNCH_TIMEOUT_MS,
    });

    await member.waitFor('peers_received', 10_000);
    expect(joinProxy.answeredJoins).toBe(1);
    expect(member.eventsOf('lobby_joined'), member.describe()).toEqual([]);
    joinProxy.release();

    const sdkResult = await sdkMediation.catch((error: Error) => {
      throw new Error(`The SDK host's mediation failed: ${error.message}. ${member.describe()}`);
    });
    handedOver.push(sdkResult.socket);
    expect(sdkResult.peers).toEqual([{ name: 'Cs', ip: '127.0.0.1', port: memberPort }]);
    expect(sdkResult.relayed).toEqual([]);
    sdkResult.socket.send('game from Sdk to Cs', memberPort, '127.0.0.1');
    await expectSuccess(member);

    // The race happened: the mediation reached the member before its join returned.
    const order = member.events.map(({ event }) => event);
    expect(order.indexOf('mediation_started'), member.describe()).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('mediation_started')).toBeLessThan(order.indexOf('lobby_joined'));
    expect(order.indexOf('peers_received')).toBeLessThan(order.indexOf('lobby_joined'));
    expect(member.eventsOf('chat')).toEqual([]);
    expect(only(member, 'lobby_joined').info).toMatchObject({
      lobbyId,
      lobbyMembers: ['Sdk', 'Cs'],
    });
    const sdkEndpoint = { name: 'Sdk', ip: '127.0.0.1', port: sdkPort };
    expect(only(member, 'peers_received').peers).toEqual([sdkEndpoint]);
    expect(only(member, 'mediation_succeeded')).toMatchObject({
      peers: [sdkEndpoint],
      relayed: [],
    });
    expect(datagramsOf(member)).toEqual([
      { text: 'game from Sdk to Cs', ip: '127.0.0.1', port: sdkPort },
    ]);
    expect(await gameAtSdk).toEqual({ text: 'game from Cs to Sdk', port: memberPort });
  }, 40_000);

  it("a refused join throws OrionRequestException carrying Orion's status and errors", async () => {
    const refused = driver('refused', 'refused-join', { url, lobby: 'ZZZZZ' });
    await expectSuccess(refused);
    const [unknownLobby, malformedId] = refused.eventsOf('request_failed');
    expect(unknownLobby).toMatchObject({
      status: 409,
      errors: ['The lobby does not exist.'],
      request: 'POST /lobbies/ZZZZZ/join',
      message: 'The lobby does not exist. (HTTP 409 from POST /lobbies/ZZZZZ/join)',
      lobbyId: null,
    });
    expect(malformedId).toMatchObject({
      status: 400,
      errors: ['lobbyId must be 5 letters or digits.'],
    });
    expect(refused.eventsOf('joined_unexpectedly')).toEqual([]);
  });

  it('fails fast with OrionConnectionException, naming the address, when nothing listens there', async () => {
    const deadUrl = `http://127.0.0.1:${await freeTcpPort()}`;
    const started = Date.now();
    const check = driver('unreachable', 'unreachable', { url: deadUrl });
    await expectSuccess(check);
    // Well under the client's own 5 s connect timeout, let alone the test's.
    expect(Date.now() - started).toBeLessThan(10_000);
    const connect = only(check, 'connect_failed');
    expect(connect).toMatchObject({ type: 'OrionConnectionException' });
    expect(connect.message).toContain(`ws://127.0.0.1:${new URL(deadUrl).port}/`);
    expect(connect.elapsedMs).toBeLessThan(3_000);
    const list = only(check, 'request_failed');
    expect(list).toMatchObject({ type: 'OrionConnectionException' });
    expect(list.message).toContain(`Orion at ${deadUrl} did not answer GET /lobbies`);
    expect(list.elapsedMs).toBeLessThan(3_000);
  });
});
