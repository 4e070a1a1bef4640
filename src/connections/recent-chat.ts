import { Injectable } from '@nestjs/common';
import type { ServerMessages } from '@orion/protocol';
import { OrionConfig } from '../config/orion-config.js';

type ChatPayload = ServerMessages['lobby_messaging_received'];

/** How many chat messages are kept per client for its resume: the latest ones. */
export const RECENT_CHAT_LIMIT = 20;

/**
 * The chat addressed to one client: the latest {@link RECENT_CHAT_LIMIT} messages, and how
 * many were addressed to it in all (so the n-th message ever is at `n - 1 - (total -
 * entries.length)`). `awayFrom` is `total` when the client went away.
 */
export interface ChatHistory {
  entries: ChatPayload[];
  total: number;
  awayFrom?: number;
}

/**
 * Opt-in reconnection: the latest chat addressed to each client attached to or away from this
 * process, counted, so that a resume can replay what the client has not seen. A client that
 * says how many chat messages it has received (`client_resume.chatReceived`) gets exactly
 * the ones after those, including any its dropped socket was sent but never delivered; one
 * that does not gets those addressed to it while away. Off (and empty) without a grace.
 */
@Injectable()
export class RecentChat {
  private readonly histories = new Map<string, ChatHistory>();
  /** True with a reconnection grace: only then is chat recorded. */
  readonly enabled: boolean;

  constructor(config: OrionConfig) {
    this.enabled = config.reconnectGraceMs > 0;
  }

  /**
   * A chat message addressed to the client. Kept for a client attached here, or away from here
   * (its history exists); a message for any other client is not this process's to keep.
   */
  record(clientId: string, chat: ChatPayload, attachedHere: boolean): void {
    if (!this.enabled) return;
    let history = this.histories.get(clientId);
    if (history === undefined) {
      if (!attachedHere) return;
      history = { entries: [], total: 0 };
      this.histories.set(clientId, history);
    }
    history.entries.push(chat);
    history.total++;
    if (history.entries.length > RECENT_CHAT_LIMIT) history.entries.shift();
  }

  /** The client went away: its history is kept, and notes where the absence began. */
  markAway(clientId: string): void {
    if (!this.enabled) return;
    const history = this.histories.get(clientId) ?? { entries: [], total: 0 };
    history.awayFrom = history.total;
    this.histories.set(clientId, history);
  }

  /**
   * The client resumed here: the messages it has not seen, oldest first (after the first
   * `received`, or else since it went away). Its history goes on.
   */
  unseen(clientId: string, received?: number): ChatPayload[] {
    const history = this.histories.get(clientId);
    if (history === undefined) return [];
    const unseen = unseenIn(history, received);
    history.awayFrom = undefined;
    return unseen;
  }

  /**
   * The client resumed here from another process, which handed over its `history`: the
   * messages it has not seen there; what was recorded here since it arrived follows on.
   */
  adopt(clientId: string, history: ChatHistory, received?: number): ChatPayload[] {
    const unseen = unseenIn(history, received);
    const since = this.histories.get(clientId);
    this.histories.set(clientId, {
      entries: [...history.entries, ...(since?.entries ?? [])].slice(-RECENT_CHAT_LIMIT),
      total: history.total + (since?.total ?? 0),
    });
    return unseen;
  }

  /** The client moves to another process: its history goes with it, none stays here. */
  export(clientId: string): ChatHistory | undefined {
    const history = this.histories.get(clientId);
    this.histories.delete(clientId);
    return history;
  }

  forget(clientId: string): void {
    this.histories.delete(clientId);
  }

  /** The client's kept chat, oldest first: for tests and operators. */
  peek(clientId: string): readonly ChatPayload[] {
    return this.histories.get(clientId)?.entries ?? [];
  }

  /** True while chat is kept for the client here. */
  has(clientId: string): boolean {
    return this.histories.has(clientId);
  }

  /** How many clients have a history here: zero once all have left. */
  get size(): number {
    return this.histories.size;
  }
}

/** The entries after the first `received` (or since the absence began), as far as kept. */
function unseenIn(history: ChatHistory, received?: number): ChatPayload[] {
  const from = received ?? history.awayFrom ?? history.total;
  if (from >= history.total) return [];
  const first = history.total - history.entries.length;
  return history.entries.slice(Math.max(from, first) - first);
}
