/** Both HTTP limits count per client address over this window: "per minute". */
export const LIMIT_WINDOW_MS = 60_000;

/** The closing sentence of a 429 message; the same number is sent as `Retry-After`. */
export function tryAgainIn(seconds: number): string {
  return `Try again in ${seconds} ${seconds === 1 ? 'second' : 'seconds'}.`;
}
