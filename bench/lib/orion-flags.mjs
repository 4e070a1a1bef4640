/**
 * The flags every bench gives Orion, so that its runs compare with each other.
 *
 * All load comes from 127.0.0.1 and far above one player's pace, so Orion's abuse limits
 * are raised out of the way; their bookkeeping still runs and counts as Orion's cost.
 */
export const ORION_LOAD_FLAGS = [
  '--maxClients=1000000',
  '--maxConnectionsPerIp=1000000',
  '--maxPendingConnections=1000000',
  '--maxPendingConnectionsPerIp=1000000',
  '--chatRatePerSecond=1000000',
  '--chatBurst=1000000',
  '--httpRateLimit=0',
  '--joinMissLimit=0',
  '--joinMissLimitPerIp=1000000',
];

/** Reminders and timeouts far beyond any scenario, so that timers add no noise. */
export const TIMER_FLAGS = [
  '--ptpmConnectRequestIntervalMs',
  '60000',
  '--ptpmServerConnectTimeoutMs',
  '600000',
  '--ptpmConnectTimeoutMs',
  '600000',
];
