import { iptablesIn } from './shell.js';

/**
 * Packet counters made of iptables rules without a target: a packet that matches is counted and
 * goes on to the next rule, so counting never changes what the namespace lets through. Each rule
 * carries its name as a comment, which is how its line is found again in the listing.
 */
export interface CounterRule {
  name: string;
  chain: 'INPUT' | 'FORWARD';
  match: string[];
}

export type Counts = Record<string, number>;

/** The match for a payload holding `text`; needs iptables' string module (xt_string). */
export const payloadMatch = (text: string) => ['-m', 'string', '--algo', 'bm', '--string', text];

/** Puts the counters first in their chains, so they see packets before any ACCEPT or DROP. */
export async function installCounters(ns: string, rules: CounterRule[]): Promise<void> {
  for (const [position, rule] of rules.entries()) {
    const sameChainBefore = rules.slice(0, position).filter((r) => r.chain === rule.chain).length;
    await iptablesIn(ns, [
      '-I',
      rule.chain,
      String(sameChainBefore + 1),
      ...rule.match,
      '-m',
      'comment',
      '--comment',
      rule.name,
    ]);
  }
}

/** Packets (or bytes) counted by every commented rule of `chains` (also rules with a target). */
export async function readCounters(
  ns: string,
  chains: readonly string[] = ['INPUT', 'FORWARD'],
  unit: 'packets' | 'bytes' = 'packets',
): Promise<Counts> {
  const counts: Counts = {};
  for (const chain of chains) {
    const listing = await iptablesIn(ns, ['-L', chain, '-n', '-v', '-x']);
    for (const line of listing.split('\n')) {
      const comment = /\/\* (\S+) \*\//.exec(line);
      const columns = /^\s*(\d+)\s+(\d+)\s/.exec(line);
      if (comment && columns) counts[comment[1]] = Number(columns[unit === 'packets' ? 1 : 2]);
    }
  }
  return counts;
}

export async function zeroCounters(ns: string): Promise<void> {
  await iptablesIn(ns, ['-Z']);
}

/** Whether the string match works in `ns` (a kernel without xt_string refuses the rule). */
export async function payloadMatchWorks(ns: string): Promise<boolean> {
  const probe = ['OUTPUT', ...payloadMatch('probe'), '-m', 'comment', '--comment', 'probe'];
  try {
    await iptablesIn(ns, ['-A', ...probe]);
    await iptablesIn(ns, ['-D', ...probe]);
    return true;
  } catch {
    return false;
  }
}
