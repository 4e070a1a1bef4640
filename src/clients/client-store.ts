/** What the server remembers about a connected client. The token never leaves this record. */
export interface ClientRecord {
  id: string;
  token: string;
  connectedAt: number;
  /** The replica holding the client's socket (see ReplicaIdentity), or that held it last. */
  replicaId: string;
  /**
   * Set while the client is away (opt-in reconnection): its socket dropped and it is held
   * until this time (epoch ms) for a new socket to resume it.
   */
  awayUntil?: number;
}

/**
 * What became of a resume: the client now attached to the resuming replica (`wasAway`
 * false when its old socket had not been noticed gone and is being taken over), with the
 * replica that held it before; `unknown` when no client holds the token; `elsewhere` when
 * the client is attached to another replica, which still holds its socket.
 */
export type ResumeResult =
  | { outcome: 'resumed'; client: ClientRecord; wasAway: boolean; previousReplicaId: string }
  | { outcome: 'unknown' }
  | { outcome: 'elsewhere'; clientId: string; replicaId: string };

/** Client state, injected by {@link CLIENT_STORE} so a shared store can replace memory. */
export interface ClientStore {
  insert(client: ClientRecord): Promise<void>;
  get(id: string): Promise<ClientRecord | undefined>;
  findByToken(token: string): Promise<ClientRecord | undefined>;
  delete(id: string): Promise<ClientRecord | undefined>;
  count(): Promise<number>;
  /** The ids of the clients whose sockets `replicaId` holds (for cleaning up a dead replica). */
  idsOnReplica(replicaId: string): Promise<string[]>;
  /** Marks the client away until `awayUntil`; false when there is no such client. */
  markAway(id: string, awayUntil: number): Promise<boolean>;
  /**
   * In one step: the client holding `token`, if it is away or attached to `replicaId` (or
   * to `takeOverFrom`, a replica that has let its socket go), is attached to `replicaId` and
   * no longer away. A client attached to another replica is left as it is (`elsewhere`).
   */
  resume(token: string, replicaId: string, takeOverFrom?: string): Promise<ResumeResult>;
  /**
   * Deletes the client only while it is still away with exactly this `awayUntil` (so not
   * after a resume, nor after a later absence), and returns it; undefined otherwise.
   */
  expire(id: string, awayUntil: number): Promise<ClientRecord | undefined>;
  /**
   * This process let the client's socket go to another replica (a takeover): whatever it
   * kept of the client apart from the shared store is stale now.
   */
  evictCached(id: string): void;
}

export const CLIENT_STORE = Symbol('CLIENT_STORE');

/** A record as it is while away, and as it is once resumed on `replicaId`. */
export function awayRecord(client: ClientRecord, awayUntil: number): ClientRecord {
  return { ...client, awayUntil };
}

export function resumedRecord(client: ClientRecord, replicaId: string): ClientRecord {
  const { awayUntil: _away, ...attached } = client;
  return { ...attached, replicaId };
}

/** The rule of {@link ClientStore.resume} on one record (the Redis store runs it in Lua). */
export function resumeOf(
  client: ClientRecord | undefined,
  replicaId: string,
  takeOverFrom?: string,
): ResumeResult {
  if (!client) return { outcome: 'unknown' };
  const wasAway = client.awayUntil !== undefined;
  const attachable = client.replicaId === replicaId || client.replicaId === takeOverFrom;
  if (!wasAway && !attachable) {
    return { outcome: 'elsewhere', clientId: client.id, replicaId: client.replicaId };
  }
  return {
    outcome: 'resumed',
    client: resumedRecord(client, replicaId),
    wasAway,
    previousReplicaId: client.replicaId,
  };
}
