import request from 'supertest';
import { expect } from 'vitest';
import { ClientsService } from '../../../src/clients/clients.service.js';
import { SERVER_MESSAGE_FIELDS, type ServerMethod } from '@orion/protocol';
import { LobbiesService } from '../../../src/lobbies/lobbies.service.js';
import { MediationService } from '../../../src/mediation/mediation.service.js';
import type { LiveContext } from './refs.js';
import { FuzzClient } from './client.js';
import type { OrionTestApp } from '../orion/orion-test-app.js';

interface LobbyOptions {
  lobbyName: string;
  isPublic: boolean;
  maxMembers: number;
}

/**
 * The live state random inputs meet: fuzzing clients (whose sockets send the random
 * frames and whose tokens the random inputs use), well-behaved observers that only
 * listen, lobbies with members, and one lobby in mediation. The test never closes a
 * watched socket before teardown, so any close of one is the server's doing.
 */
export class FuzzWorld {
  readonly fuzzers: FuzzClient[] = [];
  readonly observers: FuzzClient[] = [];
  private lobbyIds: string[] = [];
  private readonly clientIds = new Map<FuzzClient, string>();
  private readonly departed: string[] = [];
  private lobbyOfClient = new Map<string, string>();
  private breaches: string[] = [];
  private readonly readUpTo = new Map<FuzzClient, number>();
  private readonly labels = new Map<FuzzClient, string>();
  private tearingDown = false;
  private churns = 0;

  private constructor(private readonly orion: OrionTestApp) {}

  /**
   * Observers: one member of a public lobby, one of a private lobby, one host of a lobby
   * that therefore never closes, one in no lobby. Fuzzers: hosts and members of those
   * lobbies, one mediating lobby, and the rest in no lobby so random creates and joins
   * can succeed.
   */
  static async open(orion: OrionTestApp, fuzzers: number, observers = 4): Promise<FuzzWorld> {
    const world = new FuzzWorld(orion);
    for (let i = 0; i < observers; i++) world.observers.push(await world.connect(`observer ${i}`));
    for (let i = 0; i < fuzzers; i++) world.fuzzers.push(await world.connect(`fuzzer ${i}`));
    const [f, o] = [world.fuzzers, world.observers];
    await world.lobby(f[0], { lobbyName: 'Alpha', isPublic: true, maxMembers: 8 }, [
      f[1],
      f[2],
      o[0],
    ]);
    await world.lobby(f[3], { lobbyName: 'Bravo', isPublic: false, maxMembers: 3 }, [o[1]]);
    await world.lobby(o[2], { lobbyName: 'Charlie', isPublic: false, maxMembers: 64 }, [f[4]]);
    await world.ensureMediation();
    return world;
  }

  /** Clients the server should count: every watched one. */
  get expectedClients(): number {
    return this.fuzzers.length + this.observers.length;
  }

  /** Tokens and lobby ids for resolving an input sent by (or on behalf of) fuzzer `from`. */
  contextFor(from: number): LiveContext {
    const sender = this.fuzzerFor(from);
    return {
      ownToken: sender.token,
      ownLobbyId: this.lobbyOfClient.get(this.clientIds.get(sender)!),
      fuzzerTokens: this.fuzzers.map((client) => client.token),
      observerTokens: this.observers.map((client) => client.token),
      lobbyIds: this.lobbyIds,
    };
  }

  fuzzerFor(from: number): FuzzClient {
    return this.fuzzers[from % this.fuzzers.length];
  }

  /** Reads the open lobbies and their members, which inputs then aim at. */
  async refreshLobbies(): Promise<void> {
    const lobbies = await this.orion.app.get(LobbiesService).all();
    this.lobbyIds = lobbies.map((lobby) => lobby.id);
    this.lobbyOfClient = new Map(
      lobbies.flatMap((lobby) => lobby.members.map((member) => [member.clientId, lobby.id])),
    );
  }

  /** Starts a mediation in a new lobby of new fuzzers unless one is running already. */
  async ensureMediation(): Promise<void> {
    const { mediations } = await this.orion.app.get(MediationService).inspect();
    if (mediations.length > 0) return;
    const next = this.fuzzers.length;
    const [host, ...members] = [
      await this.connect(`fuzzer ${next}`),
      await this.connect(`fuzzer ${next + 1}`),
      await this.connect(`fuzzer ${next + 2}`),
    ];
    this.fuzzers.push(host, ...members);
    const lobbyId = await this.lobby(
      host,
      { lobbyName: `Mediating ${next}`, isPublic: true, maxMembers: 4 },
      members,
    );
    const started = await this.post(`/lobbies/${lobbyId}/ptp/start`, { token: host.token });
    expect(started.status).toBe(200);
  }

  /** New fuzzers in no lobby, so that random creates and joins keep finding takers. */
  async grow(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      this.fuzzers.push(await this.connect(`fuzzer ${this.fuzzers.length}`));
    }
  }

  /**
   * Clients that come and go while a batch runs: one joins a live lobby, one hosts a
   * lobby of its own, and both then leave, so that departures race the random inputs.
   */
  async churn(): Promise<void> {
    const [joiner, host] = await Promise.all([
      FuzzClient.connect(this.orion.wsUrl),
      FuzzClient.connect(this.orion.wsUrl),
    ]);
    const target = this.lobbyIds[this.churns++ % Math.max(1, this.lobbyIds.length)];
    // Either may fail (full, locked, closed meanwhile): only the race matters here.
    await Promise.all([
      target === undefined ? undefined : this.join(joiner, target, 'Passerby'),
      this.create(host, { lobbyName: 'Transient', isPublic: true, maxMembers: 2 }),
    ]);
    this.departed.push(...(await Promise.all([joiner, host].map((c) => this.clientIdOf(c)))));
    await Promise.all([joiner.close(), host.close()]);
  }

  /** True once the server has forgotten every client that came and went. */
  async departedAreGone(): Promise<boolean> {
    const clients = this.orion.app.get(ClientsService);
    const registered = await Promise.all(this.departed.map((id) => clients.isRegistered(id)));
    return registered.every((isRegistered) => !isRegistered);
  }

  /**
   * Closes and errors of watched sockets, and ill-formed server messages, since last
   * asked; tokens in them are masked, since a server frame may echo one.
   */
  takeBreaches(): string[] {
    for (const client of [...this.observers, ...this.fuzzers]) this.readMessages(client);
    return this.breaches.splice(0).map((breach) => this.maskTokens(breach));
  }

  /** `text` with every watched client's token replaced by `<token>`. */
  maskTokens(text: string): string {
    return [...this.observers, ...this.fuzzers].reduce(
      (masked, client) => masked.replaceAll(client.token, '<token>'),
      text,
    );
  }

  async close(): Promise<void> {
    this.tearingDown = true;
    await Promise.all([...this.observers, ...this.fuzzers].map((client) => client.close()));
  }

  private async connect(label: string): Promise<FuzzClient> {
    const client = await FuzzClient.connect(this.orion.wsUrl);
    client.ws.on('close', (code, reason) => {
      if (!this.tearingDown) this.breaches.push(`${label}: socket closed, ${code} ${reason}`);
    });
    this.readUpTo.set(client, 0);
    this.labels.set(client, label);
    this.clientIds.set(client, await this.clientIdOf(client));
    return client;
  }

  private clientIdOf(client: FuzzClient): Promise<string> {
    return this.orion.app.get(ClientsService).resolveToken(client.token);
  }

  /** Opens a lobby hosted by `host` that `members` join; returns its id. */
  private async lobby(host: FuzzClient, options: LobbyOptions, members: FuzzClient[]) {
    const created = await this.create(host, options);
    expect(created.status).toBe(201);
    const lobbyId = created.body.lobbyId as string;
    for (const [index, member] of members.entries()) {
      expect((await this.join(member, lobbyId, `Member ${index}`)).status).toBe(200);
    }
    return lobbyId;
  }

  private create(host: FuzzClient, options: LobbyOptions) {
    return this.post('/lobbies', { token: host.token, hostName: 'Host', ...options });
  }

  private join(client: FuzzClient, lobbyId: string, peerName: string) {
    return this.post(`/lobbies/${lobbyId}/join`, { token: client.token, peerName });
  }

  private post(path: string, body: object) {
    return request(this.orion.httpUrl).post(path).send(body);
  }

  /** Every server message must be a known method with exactly its documented fields. */
  private readMessages(client: FuzzClient): void {
    const label = this.labels.get(client);
    for (const frame of client.undecodable.splice(0)) {
      this.breaches.push(`${label}: got a frame that is not Orion's: ${frame}`);
    }
    for (const error of client.errors.splice(0))
      this.breaches.push(`${label}: socket error, ${error}`);
    const from = this.readUpTo.get(client) ?? 0;
    for (const [offset, { method, payload }] of client.received.slice(from).entries()) {
      const fields = SERVER_MESSAGE_FIELDS[method as ServerMethod] as readonly string[] | undefined;
      const where = `${label}: message ${from + offset} (${method})`;
      if (fields === undefined) this.breaches.push(`${where}: unknown method`);
      else if (Object.keys(payload).sort().join() !== [...fields].sort().join())
        this.breaches.push(`${where}: fields ${Object.keys(payload).join()}`);
      else if (method === 'client_registered' && from + offset !== 0)
        this.breaches.push(`${where}: registered twice`);
    }
    this.readUpTo.set(client, client.received.length);
  }
}
