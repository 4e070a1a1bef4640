import { Injectable } from '@nestjs/common';
import { OrionConfig } from '../config/orion-config.js';
import { MissWindows } from './miss-windows.js';

/** Whose misses refused a request: the one client's, or its whole address's. */
export type MissScope = 'client' | 'address';

export type MissVerdict =
  | {
      admitted: true;
      /** Call once the request is answered: only a miss stays counted. */
      settle(missed: boolean): void;
    }
  | { admitted: false; scope: MissScope; retryAfterSeconds: number };

/**
 * Bounds joins and mediation starts naming lobby ids that do not exist, so that private
 * lobby codes cannot be guessed, without shutting out the players who share an address.
 *
 * - Per client (its token): `joinMissLimit` misses a minute. A client over it is refused
 *   every join and start until its window ends; the other clients at its address are not.
 * - Per address: `joinMissLimitPerIp` misses a minute, across all of its clients. Over it,
 *   every join and start from the address is refused. Honest typos do not get near it; a
 *   guesser opening one WebSocket after another for fresh tokens does.
 *
 * A refusal never depends on whether the lobby exists: a 429 given only to misses would
 * itself answer the guess. Each window opens with its first miss and lasts a minute.
 */
@Injectable()
export class JoinMissLimiter {
  private readonly byClient = new MissWindows();
  private readonly byAddress = new MissWindows();

  constructor(private readonly config: OrionConfig) {}

  /**
   * Lets a request through, counted as a miss until settled, or refuses it. `client` is the
   * token the request names, if any: without a token no lobby is looked up.
   */
  admit(client: string | undefined, address: string, now = Date.now()): MissVerdict {
    const { joinMissLimit: perClient, joinMissLimitPerIp: perAddress } = this.config;
    const addressWait =
      perAddress === 0 ? undefined : this.byAddress.retryAfterSeconds(address, perAddress, now);
    if (addressWait !== undefined) {
      return { admitted: false, scope: 'address', retryAfterSeconds: addressWait };
    }
    const clientWait =
      perClient === 0 || client === undefined
        ? undefined
        : this.byClient.retryAfterSeconds(client, perClient, now);
    if (clientWait !== undefined) {
      return { admitted: false, scope: 'client', retryAfterSeconds: clientWait };
    }

    const takeBacks: (() => void)[] = [];
    if (perAddress !== 0) takeBacks.push(this.byAddress.count(address, now));
    if (perClient !== 0 && client !== undefined) takeBacks.push(this.byClient.count(client, now));
    let settled = false;
    return {
      admitted: true,
      settle: (missed) => {
        if (settled) return;
        settled = true;
        if (!missed) for (const takeBack of takeBacks) takeBack();
      },
    };
  }

  /** Clients with misses in an open window. */
  get trackedClients(): number {
    return this.byClient.size;
  }

  /** Addresses with misses in an open window. */
  get trackedAddresses(): number {
    return this.byAddress.size;
  }
}
