/**
 * Black-box conformance test for an Orion server, written from the protocol document
 * (orion-readme.md) plus the decided behaviours, without looking at the implementation.
 *
 * The server under test is the built binary (dist/main.js) started as a child process with short
 * mediation timers. All traffic goes to 127.0.0.1. The tiny client below speaks the wire format
 * `method:base64(JSON)` on its own and checks every frame the server sends.
 */
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocket, type RawData } from 'ws';
import { testRedisEnv } from './support/test-redis.js';

const HOST = '127.0.0.1';
const REQUEST_INTERVAL_MS = 200;
const SERVER_CONNECT_TIMEOUT_MS = 1500;
const PEERS_CONNECT_TIMEOUT_MS = 1500;
const QUIET_MS = 1000;
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

type Json = Record<string, unknown>;

interface Msg {
  method: string;
  payload: Json;
  at: number;
}

interface HttpResult {
  status: number;
  text: string;
  json: unknown;
}

let httpPort = 0;
let udpPort = 0;
let server: ChildProcess | undefined;
let serverExited = false;
let serverOutput = '';

/** Frame-format violations seen during the current test (checked in afterEach). */
let frameViolations: string[] = [];
/** All violations over the whole run, and the number of frames checked. */
const allFrameViolations: string[] = [];
let framesChecked = 0;
/** Every token handed out, to check none of them ever shows up in the server's output. */
const seenTokens: string[] = [];
/** Clients opened by the current test; closed in afterEach. */
let openClients: Client[] = [];

// ---------------------------------------------------------------------------------------------
// Wire format
// ---------------------------------------------------------------------------------------------

function encode(method: string, payload: unknown): string {
  return `${method}:${Buffer.from(JSON.stringify(payload), 'utf8').toString('base64')}`;
}

function rawToBuffer(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return data;
}

type Decoded = { ok: true; method: string; payload: Json } | { ok: false; problem: string };

/** Decodes a server frame, insisting on a text frame of the form method:base64(JSON object). */
function decodeServerFrame(data: RawData, isBinary: boolean): Decoded {
  if (isBinary) return { ok: false, problem: 'binary frame (spec: text frames only)' };
  const text = rawToBuffer(data).toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return { ok: false, problem: 'frame has no "method:" prefix' };
  const method = text.slice(0, colon);
  const b64 = text.slice(colon + 1);
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(method)) {
    return { ok: false, problem: `method "${method.slice(0, 60)}" is not an identifier` };
  }
  if (b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) {
    return { ok: false, problem: `${method}: payload is not (standard, padded) base64` };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
  } catch {
    return { ok: false, problem: `${method}: payload is not JSON` };
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { ok: false, problem: `${method}: payload is not a JSON object` };
  }
  return { ok: true, method, payload: payload as Json };
}

// ---------------------------------------------------------------------------------------------
// Small utilities
// ---------------------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function freeTcpPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, HOST, () => resolve());
  });
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

async function freeUdpPort(): Promise<number> {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(0, HOST, () => resolve());
  });
  const port = sock.address().port;
  await new Promise<void>((resolve) => sock.close(() => resolve()));
  return port;
}

async function http(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  rawBody?: string,
): Promise<HttpResult> {
  const hasBody = body !== undefined || rawBody !== undefined;
  const res = await fetch(`http://${HOST}:${httpPort}${path}`, {
    method,
    headers: hasBody ? { 'content-type': 'application/json' } : undefined,
    body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
    signal: AbortSignal.timeout(3000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/** Returns a description of why `res` is not `status` with a `{ errors: string[] }` body, or null. */
function errorMismatch(res: HttpResult, status: number): string | null {
  if (res.status !== status)
    return `status ${res.status} (expected ${status}), body ${res.text.slice(0, 200)}`;
  const body = res.json as Json | undefined;
  const ok =
    typeof body === 'object' &&
    body !== null &&
    Object.keys(body).join() === 'errors' &&
    Array.isArray(body.errors) &&
    body.errors.length > 0 &&
    body.errors.every((e) => typeof e === 'string' && e.length > 0);
  return ok ? null : `body ${res.text.slice(0, 200)} is not { errors: string[] } (non-empty)`;
}

function expectError(res: HttpResult, status: number, what: string): void {
  expect(errorMismatch(res, status), what).toBeNull();
}

// ---------------------------------------------------------------------------------------------
// The tiny client
// ---------------------------------------------------------------------------------------------

class Client {
  readonly msgs: Msg[] = [];
  token = '';
  udp: dgram.Socket | undefined;
  udpLocalPort = 0;
  /** Answer every ptpMediation_send with a UDP ptpMediation_connect from this client's socket. */
  autoAnswer = false;
  udpAnswers = 0;
  private readonly consumed = new Set<number>();
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly label: string,
    readonly ws: WebSocket,
  ) {
    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    ws.on('error', () => undefined);
  }

  static async connect(label: string, path = '/', withUdp = false): Promise<Client> {
    const ws = new WebSocket(`ws://${HOST}:${httpPort}${path}`);
    const client = new Client(label, ws);
    openClients.push(client);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      }),
      3000,
      `${label}: WebSocket open`,
    );
    const registered = await client.next('client_registered', 3000);
    if (typeof registered.payload.token === 'string') {
      client.token = registered.payload.token;
      seenTokens.push(client.token);
    }
    if (withUdp) await client.bindUdp();
    return client;
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    framesChecked++;
    const decoded = decodeServerFrame(data, isBinary);
    if (!decoded.ok) {
      frameViolations.push(`${this.label}: ${decoded.problem}`);
      allFrameViolations.push(`${this.label}: ${decoded.problem}`);
      return;
    }
    const msg: Msg = { method: decoded.method, payload: decoded.payload, at: Date.now() };
    this.msgs.push(msg);
    if (msg.method === 'ptpMediation_send' && this.autoAnswer) {
      const port = msg.payload.port;
      if (typeof port === 'number') this.sendUdpConnect(port);
    }
    for (const waiter of [...this.waiters]) waiter();
  }

  async bindUdp(): Promise<void> {
    const sock = dgram.createSocket('udp4');
    sock.on('error', () => undefined);
    await new Promise<void>((resolve) => sock.bind(0, HOST, () => resolve()));
    this.udp = sock;
    this.udpLocalPort = sock.address().port;
  }

  sendUdpRaw(data: string | Buffer, port = udpPort): void {
    if (!this.udp) throw new Error(`${this.label} has no UDP socket`);
    this.udp.send(typeof data === 'string' ? Buffer.from(data, 'utf8') : data, port, HOST);
  }

  sendUdpConnect(port = udpPort, token = this.token): void {
    this.udpAnswers++;
    this.sendUdpRaw(encode('ptpMediation_connect', { token }), port);
  }

  send(method: string, payload: unknown): void {
    this.ws.send(encode(method, payload));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  all(method: string): Msg[] {
    return this.msgs.filter((m) => m.method === method);
  }

  indexOf(msg: Msg): number {
    return this.msgs.indexOf(msg);
  }

  mark(): number {
    return this.msgs.length;
  }

  /** Messages received since `mark` whose method starts with `prefix`. */
  since(mark: number, prefix = ''): Msg[] {
    return this.msgs.slice(mark).filter((m) => m.method.startsWith(prefix));
  }

  methods(): string {
    return this.msgs.map((m) => m.method).join(', ') || '(none)';
  }

  waitUntil(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!cond()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(
            `${this.label}: timed out after ${timeoutMs} ms waiting for ${what}; received: ${this.methods()}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** The first not-yet-consumed message with this method (and matching `pred`). */
  async next(method: string, timeoutMs = 2000, pred?: (p: Json) => boolean): Promise<Msg> {
    let found: Msg | undefined;
    await this.waitUntil(
      () => {
        for (let i = 0; i < this.msgs.length; i++) {
          const m = this.msgs[i];
          if (!this.consumed.has(i) && m.method === method && (!pred || pred(m.payload))) {
            this.consumed.add(i);
            found = m;
            return true;
          }
        }
        return false;
      },
      timeoutMs,
      method,
    );
    return found as Msg;
  }

  waitCount(method: string, n: number, timeoutMs: number): Promise<void> {
    return this.waitUntil(() => this.all(method).length >= n, timeoutMs, `${n} x ${method}`);
  }

  async close(): Promise<void> {
    if (this.udp) {
      const sock = this.udp;
      this.udp = undefined;
      await new Promise<void>((resolve) => sock.close(() => resolve()));
    }
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.ws.once('close', () => resolve()));
    this.ws.close();
    try {
      await withTimeout(closed, 2000, `${this.label}: WebSocket close`);
    } catch {
      this.ws.terminate();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Protocol helpers
// ---------------------------------------------------------------------------------------------

interface LobbyOptions {
  lobbyName?: string;
  isPublic?: boolean;
  maxMembers?: number;
  hostName?: string;
}

async function createLobby(host: Client, opts: LobbyOptions = {}): Promise<string> {
  const res = await http('POST', '/lobbies', {
    token: host.token,
    hostName: opts.hostName ?? 'Host',
    lobbyName: opts.lobbyName ?? 'Test Lobby',
    isPublic: opts.isPublic ?? true,
    maxMembers: opts.maxMembers ?? 8,
  });
  expect(res.status, `create lobby: ${res.text}`).toBe(201);
  return (res.json as Json).lobbyId as string;
}

async function joinLobby(client: Client, lobbyId: string, peerName: string): Promise<HttpResult> {
  const res = await http('POST', `/lobbies/${lobbyId}/join`, { token: client.token, peerName });
  expect(res.status, `join ${peerName}: ${res.text}`).toBe(200);
  return res;
}

const startMediation = (lobbyId: string, token: string) =>
  http('POST', `/lobbies/${lobbyId}/ptp/start`, { token });

async function listLobbies(): Promise<Json[]> {
  const res = await http('GET', '/lobbies');
  expect(res.status).toBe(200);
  return (res.json as { lobbies: Json[] }).lobbies;
}

interface Setup {
  host: Client;
  members: Client[];
  lobbyId: string;
  lobbyName: string;
  names: string[];
}

const MEMBER_NAMES = ['Peer_1', 'Peer 2', 'peer3'];

/** A host plus `memberCount` members, optionally each with its own bound UDP socket. */
async function setupLobby(memberCount: number, withUdp = false, opts: LobbyOptions = {}) {
  const lobbyName = opts.lobbyName ?? 'Test Lobby';
  const host = await Client.connect('host', '/', withUdp);
  const lobbyId = await createLobby(host, { ...opts, lobbyName });
  const members: Client[] = [];
  for (let i = 0; i < memberCount; i++) {
    const member = await Client.connect(MEMBER_NAMES[i], '/', withUdp);
    await joinLobby(member, lobbyId, MEMBER_NAMES[i]);
    members.push(member);
  }
  const setup: Setup = {
    host,
    members,
    lobbyId,
    lobbyName,
    names: ['Host', ...MEMBER_NAMES.slice(0, memberCount)],
  };
  return setup;
}

/**
 * Asserts that none of `clients` receives a ptpMediation_* message from now on, for at least
 * QUIET_MS and at least until `until` (so leaked phase timers would be caught).
 */
async function expectNoMoreMediationMessages(clients: Client[], until = 0): Promise<void> {
  const marks = clients.map((c) => c.mark());
  await sleep(Math.max(QUIET_MS, until - Date.now()));
  const stray = clients.flatMap((c, i) =>
    c.since(marks[i], 'ptpMediation_').map((m) => `${c.label} got ${m.method}`),
  );
  expect(stray, 'ptpMediation_* messages after the mediation ended').toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// Server lifecycle
// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  httpPort = await freeTcpPort();
  udpPort = await freeUdpPort();
  server = spawn(
    process.execPath,
    [
      'dist/main.js',
      '--host',
      HOST,
      '--httpPort',
      String(httpPort),
      '--udpPort',
      String(udpPort),
      '--ptpmConnectRequestIntervalMs',
      String(REQUEST_INTERVAL_MS),
      '--ptpmServerConnectTimeoutMs',
      String(SERVER_CONNECT_TIMEOUT_MS),
      '--ptpmConnectTimeoutMs',
      String(PEERS_CONNECT_TIMEOUT_MS),
      // This suite sends over 120 POSTs within seconds from one address, past the default limit
      // for a public server; the limit itself is tested in http-limits.e2e-spec.ts.
      '--httpRateLimit',
      '0',
    ],
    // In the e2e-redis project the server keeps its state in Redis.
    {
      cwd: REPO_ROOT,
      env: { ...process.env, ...testRedisEnv() },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  server.stdout?.on('data', (d: Buffer) => (serverOutput += d.toString('utf8')));
  server.stderr?.on('data', (d: Buffer) => (serverOutput += d.toString('utf8')));
  server.on('exit', () => (serverExited = true));

  const deadline = Date.now() + 15_000;
  for (;;) {
    if (serverExited)
      throw new Error(`server exited during start-up:\n${serverOutput.slice(-2000)}`);
    try {
      const res = await fetch(`http://${HOST}:${httpPort}/ping`, {
        signal: AbortSignal.timeout(1000),
      });
      if (res.status === 200 && (await res.text()) === 'pong') return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error('server did not answer GET /ping within 15 s');
    await sleep(100);
  }
}, 20_000);

afterEach(async () => {
  const clients = openClients;
  openClients = [];
  await Promise.all(clients.map((c) => c.close()));
  const violations = frameViolations;
  frameViolations = [];
  expect(violations, 'server frames not of the form method:base64(JSON object)').toEqual([]);
});

afterAll(async () => {
  await Promise.all(openClients.map((c) => c.close()));
  if (server && !serverExited) {
    const exited = new Promise<void>((resolve) => server?.once('exit', () => resolve()));
    server.kill('SIGTERM');
    try {
      await withTimeout(exited, 3000, 'server exit');
    } catch {
      server.kill('SIGKILL');
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe('Orion conformance (spec-only client)', () => {
  it('GET /ping answers 200 "pong"', async () => {
    const res = await http('GET', '/ping');
    expect(res.status).toBe(200);
    expect(res.text).toBe('pong');
  });

  it('opening a WebSocket on any endpoint sends client_registered { token } to that socket only', async () => {
    const a = await Client.connect('a', '/');
    expect(a.msgs[0].method).toBe('client_registered');
    expect(Object.keys(a.msgs[0].payload)).toEqual(['token']);
    expect(typeof a.msgs[0].payload.token).toBe('string');
    expect(a.token.length).toBeGreaterThan(0);

    const b = await Client.connect('b', '/lobbies');
    expect(b.msgs[0].method).toBe('client_registered');
    expect(b.token.length).toBeGreaterThan(0);
    expect(b.token === a.token, 'two clients got the same token').toBe(false);

    await sleep(300);
    expect(a.all('client_registered')).toHaveLength(1);
    expect(b.all('client_registered')).toHaveLength(1);

    // The token is invalidated when the WS closes (decided: a stale token is a 400).
    const staleToken = b.token;
    await b.close();
    await sleep(200);
    const res = await http('POST', '/lobbies', {
      token: staleToken,
      hostName: 'Ghost',
      lobbyName: 'Ghost Lobby',
      isPublic: true,
      maxMembers: 2,
    });
    expectError(res, 400, 'create with the token of a closed WebSocket');
  });

  it('GET /lobbies lists public lobbies as { name, id, currentMembers, maxMembers } and hides private ones', async () => {
    const publicHost = await Client.connect('publicHost');
    const privateHost = await Client.connect('privateHost');
    const publicId = await createLobby(publicHost, { lobbyName: 'Public Lobby', maxMembers: 4 });
    const privateId = await createLobby(privateHost, {
      lobbyName: 'Private Lobby',
      isPublic: false,
      maxMembers: 4,
    });

    const res = await http('GET', '/lobbies');
    expect(res.status).toBe(200);
    expect(Object.keys(res.json as Json)).toEqual(['lobbies']);
    let lobbies = (res.json as { lobbies: Json[] }).lobbies;
    expect(Array.isArray(lobbies)).toBe(true);
    expect(lobbies.find((l) => l.id === publicId)).toEqual({
      name: 'Public Lobby',
      id: publicId,
      currentMembers: 1,
      maxMembers: 4,
    });
    expect(lobbies.find((l) => l.id === privateId)).toBeUndefined();

    // A private lobby can still be joined by id; a join is reflected in currentMembers.
    const m1 = await Client.connect('m1');
    await joinLobby(m1, privateId, 'Sneaky');
    const m2 = await Client.connect('m2');
    await joinLobby(m2, publicId, 'Visible');
    lobbies = await listLobbies();
    expect(lobbies.find((l) => l.id === publicId)?.currentMembers).toBe(2);
    expect(lobbies.find((l) => l.id === privateId)).toBeUndefined();
  });

  it('POST /lobbies creates a lobby: 201 { lobbyName, lobbyId } with a 5-character base-36 id', async () => {
    const ids = new Set<string>();
    const cases: { lobbyName: string; maxMembers: number; hostName: string }[] = [
      { lobbyName: 'My Lobby', maxMembers: 4, hostName: 'Host' },
      { lobbyName: 'x'.repeat(50), maxMembers: 1, hostName: 'h'.repeat(50) },
      { lobbyName: '_under score 9', maxMembers: 64, hostName: '_Host 2' },
    ];
    for (const [i, c] of cases.entries()) {
      const host = await Client.connect(`host${i}`);
      const res = await http('POST', '/lobbies', {
        token: host.token,
        hostName: c.hostName,
        lobbyName: c.lobbyName,
        isPublic: i % 2 === 0,
        maxMembers: c.maxMembers,
        somethingExtra: 'ignored',
      });
      expect(res.status, `create ${JSON.stringify(c)}: ${res.text}`).toBe(201);
      const body = res.json as Json;
      expect(Object.keys(body).sort()).toEqual(['lobbyId', 'lobbyName']);
      expect(body.lobbyName).toBe(c.lobbyName);
      expect(body.lobbyId).toMatch(/^[A-Z0-9]{5}$/);
      ids.add(body.lobbyId as string);
    }
    expect(ids.size).toBe(cases.length);
  });

  it('POST /lobbies/:lobbyId/join answers 200 { lobbyId, lobbyName, lobbyMembers, host } and sends lobby_peerConnect to the existing members', async () => {
    const host = await Client.connect('host');
    const lobbyId = await createLobby(host, { lobbyName: 'Join Test', hostName: 'Host' });

    const p1 = await Client.connect('p1');
    const r1 = await joinLobby(p1, lobbyId, 'Peer_1');
    expect(r1.json).toEqual({
      lobbyId,
      lobbyName: 'Join Test',
      lobbyMembers: ['Host', 'Peer_1'],
      host: 'Host',
    });
    const c1 = await host.next('lobby_peerConnect');
    expect(c1.payload).toEqual({ lobbyId, peerName: 'Peer_1' });

    // decided: the id is accepted in any letter case
    const p2 = await Client.connect('p2');
    const r2 = await joinLobby(p2, lobbyId.toLowerCase(), 'Peer 2');
    expect(r2.json).toEqual({
      lobbyId,
      lobbyName: 'Join Test',
      lobbyMembers: ['Host', 'Peer_1', 'Peer 2'],
      host: 'Host',
    });
    expect((await host.next('lobby_peerConnect')).payload).toEqual({ lobbyId, peerName: 'Peer 2' });
    expect((await p1.next('lobby_peerConnect')).payload).toEqual({ lobbyId, peerName: 'Peer 2' });

    await sleep(300);
    expect(host.all('lobby_peerConnect')).toHaveLength(2);
    expect(p1.all('lobby_peerConnect'), 'the joiner is not told about itself').toHaveLength(1);
    expect(p2.all('lobby_peerConnect'), 'the joiner is not told about itself').toHaveLength(0);
  });

  it('answers 400 { errors: string[] } when a request body fails validation', async () => {
    const c = await Client.connect('c');
    const host = await Client.connect('host');
    const lobbyId = await createLobby(host, { lobbyName: 'Validation', maxMembers: 8 });
    const good = {
      token: c.token,
      hostName: 'Valid Host',
      lobbyName: 'Valid Lobby',
      isPublic: true,
      maxMembers: 4,
    };
    const mismatches: string[] = [];
    const check = async (label: string, path: string, body: unknown, raw?: string) => {
      const res = await http('POST', path, body, raw);
      const problem = errorMismatch(res, 400);
      if (problem) mismatches.push(`${label}: ${problem}`);
    };
    const join = `/lobbies/${lobbyId}/join`;
    const start = `/lobbies/${lobbyId}/ptp/start`;
    const createCases: [string, Json][] = [
      ['create {}', {}],
      ['create without token', { ...good, token: undefined }],
      ['create with numeric token', { ...good, token: 12345 }],
      ['create with unknown token', { ...good, token: 'not-a-real-token-0123456789abcdef' }],
      ['create with empty hostName', { ...good, hostName: '' }],
      ['create with hostName starting with a space', { ...good, hostName: ' Host' }],
      ['create with hostName containing "-"', { ...good, hostName: 'Ho-st' }],
      ['create with 51-char hostName', { ...good, hostName: 'a'.repeat(51) }],
      ['create without hostName', { ...good, hostName: undefined }],
      ['create with lobbyName starting with a space', { ...good, lobbyName: ' Lobby' }],
      ['create with lobbyName containing "!"', { ...good, lobbyName: 'Lobby!' }],
      ['create with 51-char lobbyName', { ...good, lobbyName: 'b'.repeat(51) }],
      ['create without lobbyName', { ...good, lobbyName: undefined }],
      ['create with isPublic "true"', { ...good, isPublic: 'true' }],
      ['create without isPublic', { ...good, isPublic: undefined }],
      ['create with maxMembers 0', { ...good, maxMembers: 0 }],
      ['create with maxMembers 65', { ...good, maxMembers: 65 }],
      ['create with maxMembers "4"', { ...good, maxMembers: '4' }],
      ['create with maxMembers 2.5', { ...good, maxMembers: 2.5 }],
      ['create without maxMembers', { ...good, maxMembers: undefined }],
    ];
    for (const [label, body] of createCases) await check(label, '/lobbies', body);
    await check('create with malformed JSON', '/lobbies', undefined, '{"token": ');

    const joinCases: [string, Json][] = [
      ['join {}', {}],
      ['join without peerName', { token: c.token }],
      ['join without token', { peerName: 'Someone' }],
      ['join with unknown token', { token: 'not-a-real-token-0123456789abcdef', peerName: 'X' }],
      ['join with peerName starting with a space', { token: c.token, peerName: ' Someone' }],
      ['join with peerName containing "!"', { token: c.token, peerName: 'Some!' }],
      ['join with 51-char peerName', { token: c.token, peerName: 'c'.repeat(51) }],
      ['join with empty peerName', { token: c.token, peerName: '' }],
      ['join with numeric peerName', { token: c.token, peerName: 5 }],
    ];
    for (const [label, body] of joinCases) await check(label, join, body);
    await check('join with malformed JSON', join, undefined, '{"token"');

    await check('ptp/start {}', start, {});
    await check('ptp/start with numeric token', start, { token: 42 });
    await check('ptp/start with unknown token', start, { token: 'not-a-real-token-0123' });
    await check('ptp/start with malformed JSON', start, undefined, 'nope');

    expect(mismatches).toEqual([]);

    // None of the rejected requests changed anything.
    const listed = (await listLobbies()).find((l) => l.id === lobbyId);
    expect(listed?.currentMembers).toBe(1);
    const res = await http('POST', '/lobbies', good);
    expect(res.status, 'the client is still free to create a lobby').toBe(201);
    await sleep(200);
    expect(host.since(1, 'ptpMediation_'), 'no mediation was started').toEqual([]);
  });

  it('answers 409 when joining a full lobby', async () => {
    const { lobbyId } = await setupLobby(1, false, { maxMembers: 2, lobbyName: 'Full Lobby' });
    const late = await Client.connect('late');
    const res = await http('POST', `/lobbies/${lobbyId}/join`, {
      token: late.token,
      peerName: 'Latecomer',
    });
    expectError(res, 409, 'join a lobby with maxMembers 2 that has 2 members');
    expect((await listLobbies()).find((l) => l.id === lobbyId)?.currentMembers).toBe(2);

    const soloHost = await Client.connect('soloHost');
    const soloId = await createLobby(soloHost, { hostName: 'Solo', maxMembers: 1 });
    const res2 = await http('POST', `/lobbies/${soloId}/join`, {
      token: late.token,
      peerName: 'Latecomer',
    });
    expectError(res2, 409, 'join a lobby with maxMembers 1');
  });

  it('answers 409 when the peerName is already taken in the lobby', async () => {
    const { lobbyId, host } = await setupLobby(1);
    const other = await Client.connect('other');
    expectError(
      await http('POST', `/lobbies/${lobbyId}/join`, { token: other.token, peerName: 'Host' }),
      409,
      "join with the host's name",
    );
    expectError(
      await http('POST', `/lobbies/${lobbyId}/join`, { token: other.token, peerName: 'Peer_1' }),
      409,
      "join with a member's name",
    );
    // The refused client is not in the lobby and can join with a free name.
    const ok = await joinLobby(other, lobbyId, 'Peer_9');
    expect((ok.json as Json).lobbyMembers).toEqual(['Host', 'Peer_1', 'Peer_9']);
    await host.next('lobby_peerConnect', 2000, (p) => p.peerName === 'Peer_9');
    expect(host.all('lobby_peerConnect').map((m) => m.payload.peerName)).toEqual([
      'Peer_1',
      'Peer_9',
    ]);
  });

  it('answers 409 when the client is already in a lobby', async () => {
    const { lobbyId, host, members } = await setupLobby(1);
    const otherHost = await Client.connect('otherHost');
    const otherId = await createLobby(otherHost, { hostName: 'Other' });
    const body = { hostName: 'Again', lobbyName: 'Second', isPublic: true, maxMembers: 4 };
    const mismatches = [
      [
        'host creates a second lobby',
        await http('POST', '/lobbies', { ...body, token: host.token }),
      ],
      [
        'host joins another lobby',
        await http('POST', `/lobbies/${otherId}/join`, { token: host.token, peerName: 'Hopper' }),
      ],
      [
        'member creates a lobby',
        await http('POST', '/lobbies', { ...body, token: members[0].token }),
      ],
      [
        'member joins another lobby',
        await http('POST', `/lobbies/${otherId}/join`, {
          token: members[0].token,
          peerName: 'Hopper',
        }),
      ],
      [
        'member joins its own lobby again under another name',
        await http('POST', `/lobbies/${lobbyId}/join`, {
          token: members[0].token,
          peerName: 'Twin',
        }),
      ],
    ]
      .map(([label, res]) => [label, errorMismatch(res as HttpResult, 409)])
      .filter(([, problem]) => problem !== null)
      .map(([label, problem]) => `${label}: ${problem}`);
    expect(mismatches).toEqual([]);
    expect((await listLobbies()).find((l) => l.id === otherId)?.currentMembers).toBe(1);
  });

  it('answers 409 when the lobby does not exist', async () => {
    const existing = new Set((await listLobbies()).map((l) => l.id));
    let missing = 'ZZZZZ';
    while (existing.has(missing)) missing = Math.random().toString(36).slice(2, 7).toUpperCase();
    const c = await Client.connect('c');
    expectError(
      await http('POST', `/lobbies/${missing}/join`, { token: c.token, peerName: 'Nobody' }),
      409,
      'join a lobby that does not exist',
    );
    expectError(
      await startMediation(missing, c.token),
      409,
      'start mediation of a lobby that does not exist',
    );
  });

  it('answers 409 when a non-host starts P2P mediation', async () => {
    const { lobbyId, host, members } = await setupLobby(1);
    const outsider = await Client.connect('outsider');
    const otherHost = await Client.connect('otherHost');
    await createLobby(otherHost, { hostName: 'Other' });
    expectError(await startMediation(lobbyId, members[0].token), 409, 'member starts mediation');
    expectError(await startMediation(lobbyId, outsider.token), 409, 'outsider starts mediation');
    expectError(
      await startMediation(lobbyId, otherHost.token),
      409,
      "another lobby's host starts mediation",
    );
    await sleep(300);
    for (const c of [host, members[0]]) {
      expect(c.since(0, 'ptpMediation_'), `${c.label}: no mediation started`).toEqual([]);
    }
  });

  it('answers 409 when the host starts mediation with only one member', async () => {
    const host = await Client.connect('host');
    const lobbyId = await createLobby(host);
    expectError(await startMediation(lobbyId, host.token), 409, 'start with the host alone');
    await sleep(300);
    expect(host.since(0, 'ptpMediation_')).toEqual([]);
  });

  it('answers 409 when mediation is already underway, and a locked lobby accepts no new members', async () => {
    const { lobbyId, lobbyName, host, members } = await setupLobby(1);
    const startedAt = Date.now();
    const res = await startMediation(lobbyId, host.token);
    expect(res.status).toBe(200);
    expect(res.text, 'ptp/start success has no body').toBe('');
    expectError(await startMediation(lobbyId, host.token), 409, 'second ptp/start');
    const late = await Client.connect('late');
    expectError(
      await http('POST', `/lobbies/${lobbyId}/join`, { token: late.token, peerName: 'Late' }),
      409,
      'join a lobby while its mediation is underway',
    );

    // decided: the host leaving mid-mediation closes the lobby, without ptpMediation_aborted
    await host.close();
    const closed = await members[0].next('lobby_closed');
    expect(closed.payload).toEqual({ lobbyId, lobbyName });
    expect(members[0].all('ptpMediation_aborted')).toEqual([]);
    await expectNoMoreMediationMessages(members, startedAt + SERVER_CONNECT_TIMEOUT_MS + 300);
  });

  it('lobby_messaging_send reaches all members, sender included, as lobby_messaging_received { lobbyId, message: { timestamp, senderName, message } }', async () => {
    const { lobbyId, host, members } = await setupLobby(2);
    const outsider = await Client.connect('outsider');
    const everyone = [host, ...members];

    members[0].send('lobby_messaging_send', {
      token: members[0].token,
      lobbyId,
      message: 'hello there',
    });
    for (const c of everyone) {
      const m = await c.next('lobby_messaging_received');
      expect(m.payload).toEqual({
        lobbyId,
        message: { timestamp: expect.any(Number), senderName: 'Peer_1', message: 'hello there' },
      });
      expect(Number.isFinite((m.payload.message as Json).timestamp)).toBe(true);
    }

    const longest = 'z'.repeat(250);
    host.send('lobby_messaging_send', { token: host.token, lobbyId, message: longest });
    for (const c of everyone) {
      const m = await c.next('lobby_messaging_received');
      expect(m.payload).toEqual({
        lobbyId,
        message: { timestamp: expect.any(Number), senderName: 'Host', message: longest },
      });
    }
    await sleep(200);
    for (const c of everyone) expect(c.all('lobby_messaging_received')).toHaveLength(2);
    expect(outsider.all('lobby_messaging_received')).toHaveLength(0);
  });

  it('invalid WS messages are ignored silently and the socket stays open', async () => {
    const { lobbyId, host, members } = await setupLobby(1);
    const p1 = members[0];
    const outsider = await Client.connect('outsider');
    const otherHost = await Client.connect('otherHost');
    const otherId = await createLobby(otherHost, { hostName: 'Other' });
    const everyone = [host, p1, outsider, otherHost];
    const marks = everyone.map((c) => c.mark());
    const valid = { token: p1.token, lobbyId, message: 'hi' };
    const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

    p1.send('lobby_messaging_send', { ...valid, message: '' });
    p1.send('lobby_messaging_send', { ...valid, message: 'y'.repeat(251) });
    p1.send('lobby_messaging_send', { ...valid, message: 42 });
    p1.send('lobby_messaging_send', { token: p1.token, message: 'no lobby id' });
    p1.send('lobby_messaging_send', { lobbyId, message: 'no token' });
    p1.send('lobby_messaging_send', { ...valid, token: 'not-a-real-token-0123456789' });
    p1.send('lobby_messaging_send', { ...valid, token: host.token }); // someone else's token
    p1.send('lobby_messaging_send', { ...valid, lobbyId: otherId }); // not a member there
    outsider.send('lobby_messaging_send', { token: outsider.token, lobbyId, message: 'hi' });
    otherHost.send('lobby_messaging_send', { token: otherHost.token, lobbyId, message: 'hi' });
    p1.sendRaw(Buffer.from(encode('lobby_messaging_send', valid)), true); // binary frame
    p1.sendRaw('lobby_messaging_send');
    p1.sendRaw('');
    p1.sendRaw('lobby_messaging_send:%%%not base64%%%');
    p1.sendRaw(`lobby_messaging_send:${b64('not json')}`);
    p1.sendRaw(`lobby_messaging_send:${b64('[1,2]')}`);
    p1.sendRaw(`lobby_messaging_send:${b64('"hi"')}`);
    p1.sendRaw(`lobby_messaging_send:${b64('null')}`);
    p1.send('lobby_messaging_sendd', valid);
    p1.send('no_such_method', valid);
    p1.send('ptpMediation_peersConnection_success', { token: p1.token });

    await sleep(500);
    for (const [i, c] of everyone.entries()) {
      expect(
        c.since(marks[i]).map((m) => m.method),
        `${c.label} got no reply to invalid messages`,
      ).toEqual([]);
      expect(c.isOpen, `${c.label}'s socket is still open`).toBe(true);
    }

    p1.send('lobby_messaging_send', valid);
    for (const c of [host, p1]) {
      const m = await c.next('lobby_messaging_received');
      expect((m.payload.message as Json).message).toBe('hi');
    }
    await sleep(200);
    expect(host.all('lobby_messaging_received')).toHaveLength(1);
    expect(p1.all('lobby_messaging_received')).toHaveLength(1);
  });

  it('a member closing its WebSocket leaves the lobby: lobby_peerDisconnect { lobbyId, peerName } to the others', async () => {
    const { lobbyId, host, members } = await setupLobby(2);
    const [p1, p2] = members;
    await p2.close();
    for (const c of [host, p1]) {
      const m = await c.next('lobby_peerDisconnect');
      expect(m.payload).toEqual({ lobbyId, peerName: 'Peer 2' });
    }
    expect((await listLobbies()).find((l) => l.id === lobbyId)?.currentMembers).toBe(2);

    // The name is free again.
    const again = await Client.connect('again');
    const res = await joinLobby(again, lobbyId, 'Peer 2');
    expect((res.json as Json).lobbyMembers).toEqual(['Host', 'Peer_1', 'Peer 2']);
    expect(
      (await host.next('lobby_peerConnect', 2000, (p) => p.peerName === 'Peer 2')).payload,
    ).toEqual({ lobbyId, peerName: 'Peer 2' });
    expect(host.all('lobby_closed')).toEqual([]);
    expect(p1.all('lobby_closed')).toEqual([]);
  });

  it('the host closing its WebSocket closes the lobby: lobby_closed { lobbyId, lobbyName } to the members', async () => {
    const { lobbyId, lobbyName, host, members } = await setupLobby(2, false, {
      lobbyName: 'Closing Lobby',
    });
    await host.close();
    for (const c of members) {
      const m = await c.next('lobby_closed');
      expect(m.payload).toEqual({ lobbyId, lobbyName });
    }
    expect(lobbyName).toBe('Closing Lobby');
    expect((await listLobbies()).find((l) => l.id === lobbyId)).toBeUndefined();
    const late = await Client.connect('late');
    expectError(
      await http('POST', `/lobbies/${lobbyId}/join`, { token: late.token, peerName: 'Late' }),
      409,
      'join a closed lobby',
    );
    // The former members are no longer in a lobby.
    const newId = await createLobby(members[0], { hostName: 'New Host' });
    await joinLobby(members[1], newId, 'Newbie');
  });

  it('full mediation with three clients: UDP endpoints collected, peers exchanged, ptpMediation_success then lobby_closed', async () => {
    const { lobbyId, lobbyName, host, members } = await setupLobby(2, true, {
      lobbyName: 'Mediated',
    });
    const [p1, p2] = members;
    const everyone = [host, p1, p2];
    for (const c of everyone) c.autoAnswer = true;

    const res = await startMediation(lobbyId, host.token);
    expect(res.status).toBe(200);
    expect(res.text).toBe('');

    for (const c of everyone) {
      const m = await c.next('ptpMediation_send', 2000);
      expect(m.payload, `${c.label}: ptpMediation_send payload`).toEqual({ port: udpPort });
    }

    const starts = await Promise.all(
      everyone.map((c) => c.next('ptpMediation_peersConnection_start', 3000)),
    );
    const peersAt = Math.max(...starts.map((s) => s.at));
    const peerOf = (c: Client, name: string) => ({ ip: HOST, port: c.udpLocalPort, name });
    expect(Object.keys(starts[0].payload)).toEqual(['peers']);
    expect(starts[0].payload.peers, "host's peers: every member, in join order").toEqual([
      peerOf(p1, 'Peer_1'),
      peerOf(p2, 'Peer 2'),
    ]);
    expect(starts[1].payload.peers, "Peer_1's peers: the host").toEqual([peerOf(host, 'Host')]);
    expect(starts[2].payload.peers, "Peer 2's peers: the host").toEqual([peerOf(host, 'Host')]);

    // Once every endpoint is known: no reminders, and a late duplicate UDP packet changes nothing.
    const marks = everyone.map((c) => c.mark());
    host.sendUdpConnect();
    p1.sendUdpConnect();
    await sleep(3 * REQUEST_INTERVAL_MS);
    for (const [i, c] of everyone.entries()) {
      expect(
        c.since(marks[i], 'ptpMediation_').map((m) => m.method),
        c.label,
      ).toEqual([]);
      expect(c.udpAnswers, `${c.label} answered every ptpMediation_send`).toBeGreaterThanOrEqual(
        c.all('ptpMediation_send').length,
      );
    }

    host.send('ptpMediation_peersConnection_success', { token: host.token });
    p1.send('ptpMediation_peersConnection_success', { token: p1.token });
    await sleep(300);
    for (const c of everyone) {
      expect(c.all('ptpMediation_success'), `${c.label}: not before everyone succeeded`).toEqual(
        [],
      );
    }
    p2.send('ptpMediation_peersConnection_success', { token: p2.token });

    for (const c of everyone) {
      const success = await c.next('ptpMediation_success', 2000);
      expect(success.payload).toEqual({});
      const closed = await c.next('lobby_closed', 2000);
      expect(closed.payload).toEqual({ lobbyId, lobbyName });
      expect(c.indexOf(success)).toBeLessThan(c.indexOf(closed));
    }
    await expectNoMoreMediationMessages(everyone, peersAt + PEERS_CONNECT_TIMEOUT_MS + 300);

    expect((await listLobbies()).find((l) => l.id === lobbyId)).toBeUndefined();
    // decided: sockets stay open and the clients may host or join again
    for (const c of everyone) expect(c.isOpen, `${c.label} socket open`).toBe(true);
    const newId = await createLobby(p1, { hostName: 'Again' });
    await joinLobby(host, newId, 'Host');
  });

  it('ptpMediation_send reminders keep coming to a client that does not answer, and only to it', async () => {
    const { lobbyId, lobbyName, host, members } = await setupLobby(2, true);
    const [p1, p2] = members;
    host.autoAnswer = true;
    p1.autoAnswer = true;
    const res = await startMediation(lobbyId, host.token);
    expect(res.status).toBe(200);

    await p2.waitCount('ptpMediation_send', 4, SERVER_CONNECT_TIMEOUT_MS - 200);
    const sends = p2.all('ptpMediation_send');
    for (const s of sends) expect(s.payload).toEqual({ port: udpPort });
    const gaps = sends.slice(1).map((s, i) => s.at - sends[i].at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(REQUEST_INTERVAL_MS / 2);
    expect(host.all('ptpMediation_send').length, 'host already answered').toBeLessThanOrEqual(2);
    expect(p1.all('ptpMediation_send').length, 'Peer_1 already answered').toBeLessThanOrEqual(2);
    expect(host.all('ptpMediation_peersConnection_start')).toEqual([]);

    // Finally answering the latest reminder completes the endpoint phase.
    p2.sendUdpConnect(sends.at(-1)?.payload.port as number);
    const starts = await Promise.all(
      [host, p1, p2].map((c) => c.next('ptpMediation_peersConnection_start', 2000)),
    );
    const peersAt = Math.max(...starts.map((s) => s.at));
    const mark = p2.mark();
    await sleep(2 * REQUEST_INTERVAL_MS);
    expect(p2.since(mark, 'ptpMediation_send'), 'no reminders after the endpoint phase').toEqual(
      [],
    );

    await host.close();
    for (const c of members)
      expect((await c.next('lobby_closed')).payload).toEqual({ lobbyId, lobbyName });
    await expectNoMoreMediationMessages(members, peersAt + PEERS_CONNECT_TIMEOUT_MS + 300);
  });

  it('mediation aborts with ptpMediation_aborted { abortReason } when not every UDP packet arrives in time', async () => {
    const { lobbyId, host, members } = await setupLobby(1, true);
    const p1 = members[0];
    const outsider = await Client.connect('outsider', '/', true);
    host.autoAnswer = true;

    const startedAt = Date.now();
    expect((await startMediation(lobbyId, host.token)).status).toBe(200);
    await p1.next('ptpMediation_send', 2000);
    // Packets that must not count for Peer_1.
    p1.sendUdpRaw('garbage');
    p1.sendUdpRaw('ptpMediation_connect:%%%');
    p1.sendUdpRaw(encode('ptpMediation_connect', { token: 'not-a-real-token-0123456789' }));
    p1.sendUdpRaw(encode('ptpMediation_connect', {}));
    outsider.sendUdpConnect();

    const aborts = await Promise.all(
      [host, p1].map((c) => c.next('ptpMediation_aborted', SERVER_CONNECT_TIMEOUT_MS + 1500)),
    );
    for (const a of aborts) {
      expect(Object.keys(a.payload)).toEqual(['abortReason']);
      expect(typeof a.payload.abortReason).toBe('string');
      expect((a.payload.abortReason as string).length).toBeGreaterThan(0);
      expect(a.at - startedAt).toBeGreaterThanOrEqual(SERVER_CONNECT_TIMEOUT_MS - 100);
    }
    expect(host.all('ptpMediation_peersConnection_start')).toEqual([]);
    expect(p1.all('ptpMediation_peersConnection_start')).toEqual([]);
    expect(outsider.since(1, 'ptpMediation_')).toEqual([]);
    await expectNoMoreMediationMessages([host, p1, outsider]);

    // The lobby is unlocked again: it accepts joins and the host can start again.
    const joiner = await Client.connect('joiner', '/', true);
    await joinLobby(joiner, lobbyId, 'Joiner');
    for (const c of [host, p1, joiner]) c.autoAnswer = true;
    expect((await startMediation(lobbyId, host.token)).status).toBe(200);
    const start = await host.next('ptpMediation_peersConnection_start', 2000);
    expect((start.payload.peers as Json[]).map((p) => p.port)).toEqual([
      p1.udpLocalPort,
      joiner.udpLocalPort,
    ]);
    await host.close();
    await p1.next('lobby_closed');
    await joiner.next('lobby_closed');
  });

  it('mediation aborts with ptpMediation_aborted when not every client reports peersConnection_success in time', async () => {
    const { lobbyId, host, members } = await setupLobby(1, true);
    const p1 = members[0];
    const outsider = await Client.connect('outsider');

    expect((await startMediation(lobbyId, host.token)).status).toBe(200);
    await host.next('ptpMediation_send', 2000);
    await p1.next('ptpMediation_send', 2000);
    // Premature success reports (still in the UDP phase) must not count.
    host.send('ptpMediation_peersConnection_success', { token: host.token });
    p1.send('ptpMediation_peersConnection_success', { token: p1.token });
    await sleep(100);
    host.autoAnswer = true;
    p1.autoAnswer = true;
    host.sendUdpConnect();
    p1.sendUdpConnect();

    const starts = await Promise.all(
      [host, p1].map((c) => c.next('ptpMediation_peersConnection_start', 2000)),
    );
    const peersAt = Math.max(...starts.map((s) => s.at));
    // Only the host reports; Peer_1's token over the host's socket or an outsider must not count.
    host.send('ptpMediation_peersConnection_success', { token: host.token });
    host.send('ptpMediation_peersConnection_success', { token: p1.token });
    outsider.send('ptpMediation_peersConnection_success', { token: outsider.token });

    const aborts = await Promise.all(
      [host, p1].map((c) => c.next('ptpMediation_aborted', PEERS_CONNECT_TIMEOUT_MS + 1500)),
    );
    for (const a of aborts) {
      expect(Object.keys(a.payload)).toEqual(['abortReason']);
      expect(typeof a.payload.abortReason).toBe('string');
      expect((a.payload.abortReason as string).length).toBeGreaterThan(0);
      expect(a.at - peersAt).toBeGreaterThanOrEqual(PEERS_CONNECT_TIMEOUT_MS - 100);
    }
    expect(host.all('ptpMediation_success')).toEqual([]);
    expect(p1.all('ptpMediation_success')).toEqual([]);

    // A success report after the abort changes nothing.
    p1.send('ptpMediation_peersConnection_success', { token: p1.token });
    await expectNoMoreMediationMessages([host, p1, outsider]);
    expect(outsider.since(1)).toEqual([]);

    // The lobby survives the abort and its host may start again.
    expect((await listLobbies()).find((l) => l.id === lobbyId)?.currentMembers).toBe(2);
    expect((await startMediation(lobbyId, host.token)).status).toBe(200);
    await host.next('ptpMediation_send', 2000);
    await host.close();
    await p1.next('lobby_closed');
  });

  it('a member leaving mid-mediation aborts it for the rest (lobby_peerDisconnect, then ptpMediation_aborted) and the lobby accepts joins again', async () => {
    const { lobbyId, host, members } = await setupLobby(2, true);
    const [p1, p2] = members;
    host.autoAnswer = true;
    p1.autoAnswer = true;
    const startedAt = Date.now();
    expect((await startMediation(lobbyId, host.token)).status).toBe(200);
    await p2.next('ptpMediation_send', 2000);
    await p2.close();

    for (const c of [host, p1]) {
      const left = await c.next('lobby_peerDisconnect', 2000);
      expect(left.payload).toEqual({ lobbyId, peerName: 'Peer 2' });
      const aborted = await c.next('ptpMediation_aborted', 2000);
      expect(Object.keys(aborted.payload)).toEqual(['abortReason']);
      expect(typeof aborted.payload.abortReason).toBe('string');
      expect(c.indexOf(left)).toBeLessThan(c.indexOf(aborted));
    }
    await expectNoMoreMediationMessages([host, p1], startedAt + SERVER_CONNECT_TIMEOUT_MS + 300);

    const joiner = await Client.connect('joiner');
    const res = await joinLobby(joiner, lobbyId, 'Peer 2');
    expect((res.json as Json).lobbyMembers).toEqual(['Host', 'Peer_1', 'Peer 2']);
  });

  it('a member leaving during the peers phase aborts the mediation for the rest', async () => {
    const { lobbyId, host, members } = await setupLobby(2, true);
    const [p1, p2] = members;
    for (const c of [host, p1, p2]) c.autoAnswer = true;
    expect((await startMediation(lobbyId, host.token)).status).toBe(200);
    const starts = await Promise.all(
      [host, p1, p2].map((c) => c.next('ptpMediation_peersConnection_start', 2000)),
    );
    const peersAt = Math.max(...starts.map((s) => s.at));
    host.send('ptpMediation_peersConnection_success', { token: host.token });
    p2.send('ptpMediation_peersConnection_success', { token: p2.token });
    await p2.close();
    for (const c of [host, p1]) {
      const left = await c.next('lobby_peerDisconnect', 2000);
      expect(left.payload).toEqual({ lobbyId, peerName: 'Peer 2' });
      const aborted = await c.next('ptpMediation_aborted', 2000);
      expect(typeof aborted.payload.abortReason).toBe('string');
    }
    // Peer_1's late success must not complete the aborted mediation.
    p1.send('ptpMediation_peersConnection_success', { token: p1.token });
    await expectNoMoreMediationMessages([host, p1], peersAt + PEERS_CONNECT_TIMEOUT_MS + 300);
    expect((await listLobbies()).find((l) => l.id === lobbyId)?.currentMembers).toBe(2);
  });

  it('every server frame was text of the form method:base64(JSON object), and no token reached the server log', () => {
    expect(framesChecked).toBeGreaterThan(50);
    expect(allFrameViolations).toEqual([]);
    const leaked = seenTokens.filter((t) => t.length > 0 && serverOutput.includes(t)).length;
    expect(leaked, 'number of client tokens found in the server output').toBe(0);
  });
});
