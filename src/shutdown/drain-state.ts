import { Injectable } from '@nestjs/common';

/** The message every refusal and abort carries while the server drains. */
export const SHUTTING_DOWN = 'The server is shutting down.';

/**
 * Whether the server is draining before it stops. Once draining, it never goes back:
 * readiness fails, and new WebSocket upgrades and new lobbies are refused.
 */
@Injectable()
export class DrainState {
  private drainingSince: number | undefined;

  get isDraining(): boolean {
    return this.drainingSince !== undefined;
  }

  /** Starts draining; false when the server was already draining. */
  begin(): boolean {
    if (this.drainingSince !== undefined) return false;
    this.drainingSince = Date.now();
    return true;
  }
}
