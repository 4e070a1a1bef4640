import {
  FLOWS,
  type FlowContext,
  type FlowKind,
  type FlowPlan,
  type ParkedMediation,
} from './flows.js';
import type { ChurnContext } from './party.js';
import type { SeededRandom } from '../seeded-random.js';
import { Rendezvous } from './rendezvous.js';

type Weights = Partial<Record<FlowKind, number>>;

/** How often each flow comes up in the churn, relative to the others. */
export const CHURN_WEIGHTS: Record<FlowKind, number> = {
  vanishOnOpen: 4,
  abortedUpgrade: 4,
  midHttp: 5,
  solo: 3,
  lobbyLeave: 14,
  mediateSuccess: 14,
  abandonCollecting: 12,
  abandonConnecting: 12,
  udpRace: 8,
  startRace: 8,
  joinRace: 7,
  timeout: 4,
};

/** The flows that hold still at the mid-point, in the lobby or mid-mediation. */
export const MIDPOINT_WEIGHTS: Weights = {
  lobbyLeave: 1,
  abandonCollecting: 1,
  abandonConnecting: 1,
};

/** Lobby sizes per flow, and the extra clients some flows open beside the lobby. */
const SIZES: Record<FlowKind, { min: number; max: number; extra: number }> = {
  vanishOnOpen: { min: 1, max: 1, extra: 0 },
  abortedUpgrade: { min: 1, max: 1, extra: 0 },
  midHttp: { min: 1, max: 1, extra: 0 },
  solo: { min: 1, max: 1, extra: 0 },
  lobbyLeave: { min: 2, max: 6, extra: 1 },
  mediateSuccess: { min: 2, max: 5, extra: 0 },
  abandonCollecting: { min: 2, max: 5, extra: 0 },
  abandonConnecting: { min: 2, max: 5, extra: 0 },
  udpRace: { min: 2, max: 5, extra: 0 },
  startRace: { min: 3, max: 5, extra: 0 },
  joinRace: { min: 2, max: 4, extra: 2 },
  timeout: { min: 2, max: 4, extra: 1 },
};

/** Plans one flow; every choice it makes, its kind first, comes from its own forked generator. */
export function planFlow(root: SeededRandom, index: number, kind: FlowKind | Weights): FlowPlan {
  const rng = root.fork(index);
  const chosen = typeof kind === 'string' ? kind : rng.weighted(kind as Record<FlowKind, number>);
  const { min, max, extra } = SIZES[chosen];
  const size = rng.int(min, max);
  return { index, kind: chosen, size, clients: size + extra, rng };
}

/** Flows from `weights` until they open at least `clients` clients, numbered from `firstIndex`. */
export function planFlows(
  root: SeededRandom,
  clients: number,
  firstIndex: number,
  weights: Weights = CHURN_WEIGHTS,
): FlowPlan[] {
  const plans: FlowPlan[] = [];
  for (let total = 0; total < clients;) {
    const plan = planFlow(root, firstIndex + plans.length, weights);
    plans.push(plan);
    total += plan.clients;
  }
  return plans;
}

async function runFlow(ctx: FlowContext, plan: FlowPlan): Promise<void> {
  try {
    await FLOWS[plan.kind](ctx, plan);
  } catch (error) {
    const message = (error as Error)?.message ?? String(error);
    throw new Error(`flow #${plan.index} ${plan.kind} (lobby of ${plan.size}): ${message}`, {
      cause: error,
    });
  }
}

function firstFailure(errors: Error[]): Error | undefined {
  if (errors.length === 0) return undefined;
  const [first] = errors;
  if (errors.length > 1) first.message += ` (and ${errors.length - 1} more failed flows)`;
  return first;
}

/**
 * Runs the flows concurrently, starting the next one whenever the clients in flight
 * leave room in `budget`. After a failure no new flow starts; the first failure is
 * thrown once the running ones are done.
 */
export async function runFlows(ctx: ChurnContext, plans: FlowPlan[], budget: number) {
  const running = new Set<Promise<void>>();
  const errors: Error[] = [];
  let inFlight = 0;
  for (const plan of plans) {
    while (inFlight + plan.clients > budget && running.size > 0) await Promise.race(running);
    if (errors.length > 0) break;
    inFlight += plan.clients;
    const run: Promise<void> = runFlow(ctx, plan)
      .catch((error: Error) => void errors.push(error))
      .finally(() => {
        inFlight -= plan.clients;
        running.delete(run);
      });
    running.add(run);
  }
  await Promise.all(running);
  const failure = firstFailure(errors);
  if (failure) throw failure;
}

/**
 * Runs the flows together and holds them still twice: once every lobby is formed (so
 * that mediations start close together, well inside the short timeouts), then at each
 * flow's decisive moment, where `inspect` looks at the server before they move on.
 */
export async function runMidpointWave(
  ctx: ChurnContext,
  plans: FlowPlan[],
  inspect: (parked: readonly ParkedMediation[]) => Promise<void>,
): Promise<void> {
  const formed = new Rendezvous(plans.length);
  const parked = new Rendezvous(plans.length);
  const parkedMediations: ParkedMediation[] = [];
  const errors: Error[] = [];
  const runs = plans.map((plan) => {
    const midpoint = { formed: formed.join(), parked: parked.join(), parkedMediations };
    return runFlow({ ...ctx, midpoint }, plan)
      .catch((error: Error) => void errors.push(error))
      .finally(() => {
        midpoint.formed.withdraw();
        midpoint.parked.withdraw();
      });
  });
  await formed.everyone;
  formed.open();
  await parked.everyone;
  try {
    if (errors.length === 0) await inspect(parkedMediations);
  } finally {
    parked.open();
    await Promise.all(runs);
  }
  const failure = firstFailure(errors);
  if (failure) throw failure;
}
