/**
 * WebSocket close codes Orion sends, and what a client should do on each. Any other close
 * (1000, 1006) is an ordinary disconnect (or, with reconnection on, a drop to resume from).
 */
export const CloseCode = {
  /** The server is shutting down (draining): reconnect, possibly to another replica. */
  GOING_AWAY: 1001,
  /** The client let too much unread data pile up (see `--maxBufferedBytes`): read faster. */
  POLICY_VIOLATION: 1008,
  /** The server cannot serve this client now (e.g. its state store is down): retry later. */
  TRY_AGAIN_LATER: 1013,
  /**
   * Opt-in reconnection: another socket resumed this client, which it now carries. Do not
   * reconnect this one (its client is not gone; it moved).
   */
  RESUMED_ELSEWHERE: 4001,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
