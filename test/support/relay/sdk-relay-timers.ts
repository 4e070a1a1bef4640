/**
 * Orion's timers for SDK tests in which a pair may end on the relay: reminders come fast, and
 * the connect timeout leaves the SDK time to punch, give up and relay before Orion aborts.
 */
export const SDK_RELAY_SERVER_TIMERS = {
  ptpmConnectRequestIntervalMs: 100,
  ptpmServerConnectTimeoutMs: 3_000,
  ptpmConnectTimeoutMs: 6_000,
};

/** Punching gives up (relay included) well before Orion's connect timeout. */
export const SDK_PUNCH_TIMEOUT_MS = 3_000;
