/** What the server remembers about a connected client. The token never leaves this record. */
export interface ClientRecord {
  id: string;
  token: string;
  connectedAt: number;
  /** The replica holding the client's socket (see ReplicaIdentity). */
  replicaId: string;
}

/** Client state, injected by {@link CLIENT_STORE} so a shared store can replace memory. */
export interface ClientStore {
  insert(client: ClientRecord): Promise<void>;
  get(id: string): Promise<ClientRecord | undefined>;
  findByToken(token: string): Promise<ClientRecord | undefined>;
  delete(id: string): Promise<ClientRecord | undefined>;
  count(): Promise<number>;
  /** The ids of the clients whose sockets `replicaId` holds (for cleaning up a dead replica). */
  idsOnReplica(replicaId: string): Promise<string[]>;
}

export const CLIENT_STORE = Symbol('CLIENT_STORE');
