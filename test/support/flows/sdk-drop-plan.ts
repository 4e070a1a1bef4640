import type { SeededRandom } from '../seeded-random.js';

/**
 * When a member's connection is cut, relative to its mediation: before the host starts it
 * (`lobby`), after Orion asked for its UDP packet (`collecting`), or after its peer list came
 * (`connecting`).
 */
export type DropPhase = 'lobby' | 'collecting' | 'connecting';

export interface PlannedDrop {
  name: string;
  phase: DropPhase;
  /** For `lobby`, from when everyone is mediating; otherwise from the phase's message. */
  delayMs: number;
}

const PHASES: readonly DropPhase[] = ['lobby', 'collecting', 'connecting'];

/**
 * One drop per member, every phase at least once, the rest and every delay drawn from
 * `random`: the same seed gives the same plan. Lobby drops fall within `lobbyWindowMs`,
 * the others within `phaseWindowMs` of their message.
 */
export function planDrops(
  names: readonly string[],
  random: SeededRandom,
  { lobbyWindowMs, phaseWindowMs }: { lobbyWindowMs: number; phaseWindowMs: number },
): PlannedDrop[] {
  const phases = random.shuffle([
    ...PHASES,
    ...names.slice(PHASES.length).map(() => random.pick(PHASES)),
  ]);
  return names.map((name, index) => {
    const phase = phases[index];
    const windowMs = phase === 'lobby' ? lobbyWindowMs : phaseWindowMs;
    return { name, phase, delayMs: random.int(0, windowMs) };
  });
}

/** `Ann:lobby+120ms, Bob:connecting+4ms, …`, for a failure message. */
export function describePlan(plan: readonly PlannedDrop[]): string {
  return plan.map((drop) => `${drop.name}:${drop.phase}+${drop.delayMs}ms`).join(', ');
}
