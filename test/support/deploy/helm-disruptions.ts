import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1';

/**
 * How many of `replicas` healthy pods a PodDisruptionBudget lets evictions take at once,
 * computed as the disruption controller does: a percentage is scaled and rounded up, and the
 * budget allows every healthy pod above the number it must keep.
 */
export function allowedDisruptions(budget: IPodDisruptionBudget, replicas: number): number {
  const { minAvailable, maxUnavailable } = budget.spec ?? {};
  const mustKeep =
    minAvailable !== undefined
      ? scaled(minAvailable, replicas)
      : replicas - scaled(maxUnavailable ?? 0, replicas);
  return Math.max(0, replicas - mustKeep);
}

function scaled(value: number | string, replicas: number): number {
  if (typeof value === 'number') return value;
  const percent = /^(\d+)%$/.exec(value);
  if (!percent) throw new Error(`not a number or percentage: ${value}`);
  return Math.ceil((Number(percent[1]) * replicas) / 100);
}
