import type { ChatHistory } from './recent-chat.js';

/** What a replica gives up when another takes one of its clients over (a resume). */
export interface HandedOver {
  /** True when it still held the client's socket, and has now closed it with 4001. */
  socketClosed: boolean;
  /** The chat it kept for the client (see RecentChat), if any. */
  chat?: ChatHistory;
}

/**
 * How a resuming replica asks the replica that held a client to let it go. In one process
 * there is no other replica: nobody is ever asked.
 */
export interface ClientHandoverChannel {
  /**
   * Asks `replicaId` to hand `clientId` over; undefined when it does not answer in time
   * (it may be dead: its clients are then cleaned up as it is presumed so).
   */
  request(replicaId: string, clientId: string): Promise<HandedOver | undefined>;
  /** What this replica does when another asks it for one of its clients. */
  serve(handOver: (clientId: string) => Promise<HandedOver>): void;
}

export const CLIENT_HANDOVER_CHANNEL = Symbol('CLIENT_HANDOVER_CHANNEL');

/** One process: every client is its own, so there is never anyone to ask. */
export const NO_OTHER_REPLICAS: ClientHandoverChannel = {
  request: async () => undefined,
  serve: () => undefined,
};
