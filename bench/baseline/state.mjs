import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { encodeFrame } from '@orion/protocol';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const RELAY_FULL = 'The relay has no free ports.';

/** A request the baseline refuses: HTTP status and one error sentence. */
export class Refusal extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * The baseline's whole state and the protocol's happy path, with minimal validation:
 * clients by token, lobbies by id, and one mediation per lobby.
 */
export class State {
  /** `relay`: a BaselineRelay when `--relayPorts` is given, else undefined. */
  constructor(config, udpPort, relay) {
    this.config = config;
    this.udpPort = udpPort;
    this.relay = relay;
    this.clientsByToken = new Map();
    this.lobbies = new Map();
  }

  register(socket) {
    const client = { id: randomUUID(), token: randomBytes(32).toString('base64url'), socket };
    client.lobby = undefined;
    this.clientsByToken.set(client.token, client);
    send(client, encodeFrame('client_registered', { token: client.token }));
    return client;
  }

  client(token) {
    const client = typeof token === 'string' ? this.clientsByToken.get(token) : undefined;
    if (!client) throw new Refusal(400, 'The client is unregistered. Try reconnecting.');
    return client;
  }

  listPublic() {
    const lobbies = [];
    for (const lobby of this.lobbies.values()) {
      if (!lobby.isPublic) continue;
      const { name, id, maxMembers } = lobby;
      lobbies.push({ name, id, currentMembers: lobby.members.length, maxMembers });
    }
    return { lobbies };
  }

  create(body) {
    const host = this.client(body.token);
    if (host.lobby) throw new Refusal(409, 'You are already in a lobby.');
    let id;
    do id = Array.from({ length: 5 }, () => ALPHABET[randomInt(36)]).join('');
    while (this.lobbies.has(id));
    const lobby = {
      id,
      name: String(body.lobbyName),
      isPublic: body.isPublic === true,
      maxMembers: Number(body.maxMembers) || 64,
      host,
      members: [{ client: host, name: String(body.hostName) }],
      mediation: undefined,
    };
    this.lobbies.set(id, lobby);
    host.lobby = lobby;
    return { lobbyName: lobby.name, lobbyId: id };
  }

  join(rawId, body) {
    const client = this.client(body.token);
    if (client.lobby) throw new Refusal(409, 'You are already in a lobby.');
    const lobby = this.lobbies.get(rawId.toUpperCase());
    if (!lobby) throw new Refusal(409, 'The lobby does not exist.');
    if (lobby.mediation) throw new Refusal(409, 'The lobby is locked.');
    if (lobby.members.length >= lobby.maxMembers) throw new Refusal(409, 'The lobby is full.');
    const peerName = String(body.peerName);
    if (lobby.members.some((m) => m.name === peerName)) throw new Refusal(409, 'Name taken.');
    broadcast(lobby.members, encodeFrame('lobby_peerConnect', { lobbyId: lobby.id, peerName }));
    lobby.members.push({ client, name: peerName });
    client.lobby = lobby;
    return {
      lobbyId: lobby.id,
      lobbyName: lobby.name,
      lobbyMembers: lobby.members.map((m) => m.name),
      host: lobby.members[0].name,
    };
  }

  chat(client, payload) {
    const lobby = client.lobby;
    if (!lobby || lobby.id !== payload.lobbyId || typeof payload.message !== 'string') return;
    const sender = lobby.members.find((m) => m.client === client);
    const message = { timestamp: Date.now(), senderName: sender.name, message: payload.message };
    broadcast(
      lobby.members,
      encodeFrame('lobby_messaging_received', { lobbyId: lobby.id, message }),
    );
  }

  startMediation(rawId, body) {
    const client = this.client(body.token);
    const lobby = this.lobbies.get(rawId.toUpperCase());
    if (!lobby) throw new Refusal(409, 'The lobby does not exist.');
    if (lobby.host !== client) throw new Refusal(409, 'Only the host can start mediation.');
    if (lobby.mediation) throw new Refusal(409, 'Mediation is already underway.');
    if (lobby.members.length < 2) throw new Refusal(409, 'At least 2 members are needed.');
    const { config } = this;
    const mediation = { phase: 'collecting', endpoints: new Map(), connected: new Set() };
    mediation.timers = [
      setTimeout(
        () => this.abort(lobby, 'Timed out waiting for UDP packets.'),
        config.ptpmServerConnectTimeoutMs,
      ),
      setInterval(() => this.remind(lobby), config.ptpmConnectRequestIntervalMs),
    ];
    lobby.mediation = mediation;
    broadcast(lobby.members, encodeFrame('ptpMediation_send', { port: this.udpPort }));
  }

  remind(lobby) {
    const missing = lobby.members.filter((m) => !lobby.mediation.endpoints.has(m.client));
    broadcast(missing, encodeFrame('ptpMediation_send', { port: this.udpPort }));
  }

  udpConnect(token, ip, port) {
    const client = this.clientsByToken.get(token);
    const mediation = client?.lobby?.mediation;
    if (mediation?.phase !== 'collecting' || mediation.endpoints.has(client)) return;
    const lobby = client.lobby;
    mediation.endpoints.set(client, { ip, port });
    if (mediation.endpoints.size < lobby.members.length) return;
    mediation.phase = 'connecting';
    clearTimers(mediation);
    const timeout = () => this.abort(lobby, 'Timed out waiting for peers to connect.');
    mediation.timers = [setTimeout(timeout, this.config.ptpmConnectTimeoutMs)];
    const toPeer = (m) => ({ ...mediation.endpoints.get(m.client), name: m.name });
    const [host, ...others] = lobby.members;
    send(
      host.client,
      encodeFrame('ptpMediation_peersConnection_start', { peers: others.map(toPeer) }),
    );
    const hostOnly = encodeFrame('ptpMediation_peersConnection_start', { peers: [toPeer(host)] });
    for (const member of others) send(member.client, hostOnly);
  }

  peersConnected(client) {
    const lobby = client.lobby;
    const mediation = lobby?.mediation;
    if (mediation?.phase !== 'connecting') return;
    mediation.connected.add(client);
    if (mediation.connected.size < lobby.members.length) return;
    broadcast(lobby.members, encodeFrame('ptpMediation_success', {}));
    this.close(lobby);
  }

  /**
   * `ptpMediation_relay_request`: the pairs mediation made (the host with a member) between
   * the sender and the named peers are relayed, and both sides of each told their port.
   */
  async relayRequest(client, payload) {
    const lobby = client.lobby;
    if (!this.relay || lobby?.mediation?.phase !== 'connecting') return;
    if (!Array.isArray(payload.peerNames)) return;
    const [host, ...others] = lobby.members;
    const self = lobby.members.find((m) => m.client === client);
    const named = (m) => payload.peerNames.includes(m.name);
    const peers = self === host ? others.filter(named) : named(host) ? [host] : [];
    const forSelf = [];
    for (const peer of peers) {
      const key = `${lobby.id}:${[self.client.id, peer.client.id].sort().join(':')}`;
      const session = await this.relay.sessionFor(key, lobby.id, self, peer);
      if (!session) return this.abort(lobby, RELAY_FULL);
      const portOf = (member) => session.sides.find((side) => side.member === member).port;
      const ip = this.config.relayHost;
      forSelf.push({ peerName: peer.name, ip, port: portOf(self) });
      const relays = [{ peerName: self.name, ip, port: portOf(peer) }];
      send(peer.client, encodeFrame('ptpMediation_relay_allocated', { relays }));
    }
    if (forSelf.length > 0) {
      send(client, encodeFrame('ptpMediation_relay_allocated', { relays: forSelf }));
    }
  }

  abort(lobby, abortReason) {
    if (!lobby.mediation) return;
    clearTimers(lobby.mediation);
    lobby.mediation = undefined;
    this.relay?.endLobby(lobby.id);
    broadcast(lobby.members, encodeFrame('ptpMediation_aborted', { abortReason }));
  }

  close(lobby) {
    if (lobby.mediation) clearTimers(lobby.mediation);
    lobby.mediation = undefined;
    this.lobbies.delete(lobby.id);
    for (const member of lobby.members) member.client.lobby = undefined;
    broadcast(
      lobby.members,
      encodeFrame('lobby_closed', { lobbyId: lobby.id, lobbyName: lobby.name }),
    );
  }

  disconnect(client) {
    this.clientsByToken.delete(client.token);
    const lobby = client.lobby;
    if (!lobby) return;
    client.lobby = undefined;
    if (lobby.host === client) {
      lobby.members = lobby.members.filter((m) => m.client !== client);
      this.close(lobby);
      return;
    }
    const leaving = lobby.members.find((m) => m.client === client);
    lobby.members = lobby.members.filter((m) => m !== leaving);
    const peerName = leaving.name;
    broadcast(lobby.members, encodeFrame('lobby_peerDisconnect', { lobbyId: lobby.id, peerName }));
    this.abort(lobby, `${peerName} left the lobby.`);
  }
}

function send(client, frame) {
  if (client.socket.readyState === 1) client.socket.send(frame);
}

function broadcast(members, frame) {
  for (const member of members) send(member.client, frame);
}

function clearTimers(mediation) {
  for (const timer of mediation.timers) clearTimeout(timer);
  mediation.timers = [];
}
