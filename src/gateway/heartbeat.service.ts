import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { OrionEventBus } from '../common/orion-events.js';
import { OrionConfig } from '../config/orion-config.js';
import { ClientRegistry } from '../connections/client-registry.js';

/** Pings a client may leave unanswered; at the next beat after that, it is ended. */
export const MISSED_PONGS_ALLOWED = 2;

/** Bytes of a ping's payload: a per-socket secret, then the ping's sequence number. */
const SECRET_BYTES = 8;

/** What the heartbeat knows of one socket. */
interface PingState {
  /** Random per socket: only a client that read our ping can echo it. */
  secret: Buffer;
  /** Sequence number of the last ping sent. */
  sent: number;
  /** Sequence number of the last ping answered. */
  answered: number;
}

/**
 * Pings every client's WebSocket each `wsHeartbeatIntervalMs`, and terminates one that
 * missed two pongs in a row: a peer that vanished without closing (a cut cable, a
 * sleeping laptop) then leaves its lobbies like one that closed its socket.
 *
 * A pong counts only when it echoes the payload of a ping we sent (RFC 6455 requires the
 * echo, and every WebSocket library does it). An unsolicited pong, which a client can send
 * without reading anything, must not keep a client alive that stopped reading.
 */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(HeartbeatService.name);
  private timer: NodeJS.Timeout | undefined;
  /** Weak, so a closed socket takes its entry along. */
  private readonly states = new WeakMap<WebSocket, PingState>();

  constructor(
    private readonly registry: ClientRegistry,
    private readonly config: OrionConfig,
    private readonly events: OrionEventBus,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.beat(), this.config.wsHeartbeatIntervalMs);
    // The heartbeat alone must never keep the process alive.
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One beat: ends the clients that missed too many pongs and pings the others. */
  beat(): void {
    for (const socket of [...this.registry.sockets()]) {
      if (socket.readyState !== WebSocket.OPEN) continue;
      const state = this.states.get(socket) ?? this.watch(socket);
      if (state.sent - state.answered >= MISSED_PONGS_ALLOWED) {
        this.logger.debug(
          { clientId: this.registry.clientIdOf(socket) },
          'Ending a client that stopped answering pings',
        );
        this.events.emit('ws.closed', { reason: 'heartbeat_timeout' });
        // Its close event then cleans up as for any client that left, without a
        // reconnection grace: the client stopped answering, it did not just lose its socket.
        this.registry.markEndedByServer(socket);
        socket.terminate();
        continue;
      }
      state.sent++;
      socket.ping(pingPayload(state.secret, state.sent));
    }
  }

  private watch(socket: WebSocket): PingState {
    const state: PingState = { secret: randomBytes(SECRET_BYTES), sent: 0, answered: 0 };
    this.states.set(socket, state);
    socket.on('pong', (data: Buffer) => {
      const sequence = answeredSequence(state.secret, data);
      // A late answer to an earlier ping still counts: it proves the client reads.
      if (sequence !== undefined && sequence > state.answered && sequence <= state.sent) {
        state.answered = sequence;
      }
    });
    return state;
  }
}

function pingPayload(secret: Buffer, sequence: number): Buffer {
  const payload = Buffer.alloc(SECRET_BYTES + 4);
  secret.copy(payload);
  payload.writeUInt32BE(sequence, SECRET_BYTES);
  return payload;
}

/** The sequence number a pong echoes, or undefined when it echoes none of our pings. */
function answeredSequence(secret: Buffer, data: Buffer): number | undefined {
  if (data.length !== SECRET_BYTES + 4) return undefined;
  if (!data.subarray(0, SECRET_BYTES).equals(secret)) return undefined;
  return data.readUInt32BE(SECRET_BYTES);
}
