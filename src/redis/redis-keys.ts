/**
 * Every key Orion writes, under one prefix. The default prefix is a hash tag, so that
 * all keys share one cluster slot and the multi-key scripts stay valid on a cluster.
 */
export class RedisKeys {
  constructor(readonly prefix = '{orion}:') {}

  /** The hash of every connected client's record, by id and by token. */
  get clients(): string {
    return `${this.prefix}clients`;
  }

  /** The hash of every lobby record (`l:<id>`) and member entry (`m:<clientId>`). */
  get lobbies(): string {
    return `${this.prefix}lobbies`;
  }

  /** The set of every lobby id. */
  get lobbyIds(): string {
    return `${this.prefix}lobby-ids`;
  }

  /** Public lobby ids scored by creation time, for the listing. */
  get publicLobbies(): string {
    return `${this.prefix}public`;
  }

  /** The pub/sub channel of one replica: messages for the clients whose sockets it holds. */
  replicaChannel(replicaId: string): string {
    return `${this.prefix}replica:${replicaId}`;
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

  /** The hash of every running mediation: lobby id to the record as JSON. */
  get mediations(): string {
    return `${this.prefix}mediations`;
  }
}
