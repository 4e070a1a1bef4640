import type { ServerMessages } from '@orion/protocol';

/** A frame for Orion, kept while the client is away. */
export interface PendingFrame {
  method: string;
  payload: Record<string, unknown>;
}

/** How many chat lines are kept while away: as many as Orion keeps for a client away. */
export const CHAT_KEPT_WHILE_AWAY = 20;
/** Any other kind (a success report, a relay request): a mediation sends one or two. */
const OTHER_KEPT_WHILE_AWAY = 8;

/**
 * What the client sends while reconnecting, to be sent once it is back, bounded per kind:
 * `push()` throws rather than drop a frame unseen.
 */
export class PendingFrames {
  private frames: PendingFrame[] = [];

  push(frame: PendingFrame): void {
    const limit =
      frame.method === 'lobby_messaging_send' ? CHAT_KEPT_WHILE_AWAY : OTHER_KEPT_WHILE_AWAY;
    if (this.frames.filter((kept) => kept.method === frame.method).length >= limit) {
      throw new Error(
        `Cannot send ${frame.method}: the connection to Orion is down, and ${limit} are already waiting for it to come back.`,
      );
    }
    this.frames.push(frame);
  }

  /** Every frame kept, oldest first, and none from now on. */
  takeAll(): PendingFrame[] {
    const frames = this.frames;
    this.frames = [];
    return frames;
  }
}

/**
 * Whether a frame kept while away still makes sense once Orion has resumed the client:
 * chat only for the lobby it is still in, mediation frames only while a mediation runs.
 */
export function stillWanted(
  frame: PendingFrame,
  summary: ServerMessages['client_resumed'],
): boolean {
  if (frame.method === 'lobby_messaging_send') {
    return frame.payload.lobbyId === summary.lobby?.lobbyId;
  }
  return summary.mediation !== null;
}
