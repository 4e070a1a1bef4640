/**
 * Opt-in automatic reconnection (`OrionClientOptions.reconnect`). Off by default: a server
 * started without `--reconnectGraceMs` drops `client_resume` unanswered, so each attempt
 * would only wait out its timeout.
 */
export interface ReconnectOptions {
  /**
   * Stop trying this long after the drop; default 15000 ms. Keep it within the server's
   * `--reconnectGraceMs`: after the grace the server has forgotten the client anyway.
   */
  withinMs?: number;
  /** The wait before the first attempt; default 250 ms. Later waits double, with jitter. */
  initialDelayMs?: number;
  /** The longest wait between attempts; default 4000 ms (or initialDelayMs, if longer). */
  maxDelayMs?: number;
  /**
   * The limit for one attempt, from opening the new WebSocket to `client_resumed` or
   * `client_resumeRefused`; default 5000 ms.
   */
  resumeTimeoutMs?: number;
}

/** {@link ReconnectOptions} with every default filled in and checked. */
export type ReconnectSettings = Required<ReconnectOptions>;

export const DEFAULT_RECONNECT_SETTINGS: ReconnectSettings = {
  withinMs: 15_000,
  initialDelayMs: 250,
  maxDelayMs: 4_000,
  resumeTimeoutMs: 5_000,
};

/** The settings `option` asks for, or undefined when reconnection is off. Throws on nonsense. */
export function reconnectSettingsOf(
  option: boolean | ReconnectOptions | undefined,
): ReconnectSettings | undefined {
  if (option === undefined || option === false) return undefined;
  const given = option === true ? {} : definedOf(option);
  const settings = { ...DEFAULT_RECONNECT_SETTINGS, ...given };
  // Only an initial delay given: the cap makes room for it rather than refuse it.
  if (given.maxDelayMs === undefined) {
    settings.maxDelayMs = Math.max(settings.maxDelayMs, settings.initialDelayMs);
  }
  for (const [name, value] of Object.entries(settings)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`reconnect.${name} must be a finite number of ms >= 0, not ${value}.`);
    }
  }
  if (settings.resumeTimeoutMs === 0)
    throw new RangeError('reconnect.resumeTimeoutMs must be > 0.');
  if (settings.maxDelayMs < settings.initialDelayMs) {
    throw new RangeError(
      `reconnect.maxDelayMs (${settings.maxDelayMs}) must not be less than initialDelayMs (${settings.initialDelayMs}).`,
    );
  }
  return settings;
}

/** `{ withinMs: undefined }` means the default, as a missing key does. */
function definedOf(options: ReconnectOptions): ReconnectOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
