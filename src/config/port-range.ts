/** A range of UDP ports, both ends included: `40000-40999`. */
export interface PortRange {
  first: number;
  last: number;
}

/** The range `text` names, or undefined unless it is `first-last` with 1 <= first <= last <= 65535. */
export function parsePortRange(text: string): PortRange | undefined {
  const match = /^(\d{1,5})-(\d{1,5})$/.exec(text.trim());
  if (!match) return undefined;
  const first = Number(match[1]);
  const last = Number(match[2]);
  if (first < 1 || last > 65_535 || first > last) return undefined;
  return { first, last };
}

export function portsIn(range: PortRange): number {
  return range.last - range.first + 1;
}
