/**
 * Which web origins may use Orion from a browser: `*` (any) or a list such as
 * `https://game.example,https://html.itch.zone`. Native clients send no Origin header and
 * are never refused.
 */
export type AllowedOrigins = '*' | readonly string[];

const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^\s/,?#]+$/;

/**
 * Reads the flag's value: `*`, or comma-separated origins (scheme://host[:port], no path),
 * each written the way browsers send it in the Origin header. Throws with the offending entry.
 */
export function parseAllowedOrigins(raw: string): AllowedOrigins {
  const value = raw.trim();
  if (value === '*') return '*';
  const origins = value.split(',').map((entry) => entry.trim().toLowerCase().replace(/\/$/, ''));
  for (const origin of origins) {
    if (!ORIGIN.test(origin)) {
      throw new Error(
        `expected * or comma-separated origins like https://game.example, not "${origin}"`,
      );
    }
  }
  return origins.map(asBrowsersSendIt);
}

/**
 * An http(s) origin as a browser serialises it: without its scheme's default port, an
 * international host in punycode, an IPv6 host compressed. Otherwise `https://game.example:443`
 * or `https://bücher.example` would never match what browsers send. Other schemes (an app's
 * own, `app://game`) have no such form and are kept as written.
 */
function asBrowsersSendIt(origin: string): string {
  if (!/^https?:/.test(origin)) return origin;
  try {
    return new URL(origin).origin;
  } catch {
    throw new Error(`expected an origin like https://game.example, not "${origin}"`);
  }
}

/** True when a request from `origin` (absent for native clients) may proceed. */
export function isOriginAllowed(allowed: AllowedOrigins, origin: string | undefined): boolean {
  if (origin === undefined || allowed === '*') return true;
  return allowed.includes(origin.toLowerCase());
}
