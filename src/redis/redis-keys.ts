/**
 * Every key Orion writes, under one prefix. The default prefix is a hash tag, so that
 * all keys share one cluster slot and the multi-key scripts stay valid on a cluster.
 */
export class RedisKeys {
  constructor(readonly prefix = '{orion}:') {}

  client(clientId: string): string {
    return `${this.prefix}client:${clientId}`;
  }

  token(token: string): string {
    return `${this.prefix}token:${token}`;
  }

  /** The set of every connected client's id. */
  get clients(): string {
    return `${this.prefix}clients`;
  }

  lobby(lobbyId: string): string {
    return `${this.prefix}lobby:${lobbyId}`;
  }

  /** The lobby id a client is a member of. */
  member(clientId: string): string {
    return `${this.prefix}member:${clientId}`;
  }

  /** The set of every lobby id. */
  get lobbies(): string {
    return `${this.prefix}lobbies`;
  }

  /** Public lobby ids scored by creation time, for the listing. */
  get publicLobbies(): string {
    return `${this.prefix}public`;
  }

  mediation(lobbyId: string): string {
    return `${this.prefix}mediation:${lobbyId}`;
  }

  /** The pub/sub channel of one replica: messages for the clients whose sockets it holds. */
  replicaChannel(replicaId: string): string {
    return `${this.prefix}replica:${replicaId}`;
  }

  /** The ids of the clients whose sockets one replica holds. */
  replicaClients(replicaId: string): string {
    return `${this.prefix}replica-clients:${replicaId}`;
  }

  /** Present while a replica is alive: it renews the key before its TTL runs out. */
  replicaAlive(replicaId: string): string {
    return `${this.prefix}replica-alive:${replicaId}`;
  }

  /** Held by the one survivor cleaning up after a dead replica. */
  replicaReaper(replicaId: string): string {
    return `${this.prefix}replica-reaper:${replicaId}`;
  }

  /** The set of every replica id that has announced itself and not yet been cleaned up. */
  get replicas(): string {
    return `${this.prefix}replicas`;
  }

  /** The set of every lobby id with a running mediation. */
  get mediations(): string {
    return `${this.prefix}mediations`;
  }
}
