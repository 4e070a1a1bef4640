import type { MediationPhase } from './mediation.js';

interface ArmedTimers {
  phase: MediationPhase;
  handles: NodeJS.Timeout[];
}

/**
 * The timers of each running mediation, owned by the phase that armed them. Arming a
 * new phase or clearing the lobby cancels every timer the previous phase left.
 */
export class PhaseTimers {
  private readonly armed = new Map<string, ArmedTimers>();

  arm(
    lobbyId: string,
    phase: MediationPhase,
    timers: { timeoutMs: number; onTimeout: () => void; intervalMs?: number; onTick?: () => void },
  ): void {
    this.clear(lobbyId);
    const handles = [setTimeout(timers.onTimeout, timers.timeoutMs)];
    if (timers.intervalMs !== undefined && timers.onTick) {
      handles.push(setInterval(timers.onTick, timers.intervalMs));
    }
    this.armed.set(lobbyId, { phase, handles });
  }

  /** The phase whose timers are armed for the lobby, if any. */
  phaseOf(lobbyId: string): MediationPhase | undefined {
    return this.armed.get(lobbyId)?.phase;
  }

  clear(lobbyId: string): void {
    const armed = this.armed.get(lobbyId);
    if (!armed) return;
    for (const handle of armed.handles) clearTimeout(handle);
    this.armed.delete(lobbyId);
  }

  clearAll(): void {
    for (const lobbyId of [...this.armed.keys()]) this.clear(lobbyId);
  }

  /** The lobbies whose mediation holds timers. */
  lobbyIds(): string[] {
    return [...this.armed.keys()];
  }

  /** How many mediations still hold timers: zero once every mediation has ended. */
  get size(): number {
    return this.armed.size;
  }
}
