import type { Client } from './client.js';

export const HOST = '127.0.0.1';
export const REQUEST_INTERVAL_MS = 200;
export const SERVER_CONNECT_TIMEOUT_MS = 1500;
export const PEERS_CONNECT_TIMEOUT_MS = 1500;
export const QUIET_MS = 1000;

/** The server under test (one per spec file): its ports, and everything it printed. */
export const orion = { httpPort: 0, udpPort: 0, output: '' };

/** What the spec-only clients saw over the file's run. */
export const seen = {
  /** Frame-format violations seen during the current test (checked in afterEach). */
  frameViolations: [] as string[],
  /** All violations over the whole run, and the number of frames checked. */
  allFrameViolations: [] as string[],
  framesChecked: 0,
  /** Every token handed out, to check none of them ever shows up in the server's output. */
  tokens: [] as string[],
  /** Clients opened by the current test; closed in afterEach. */
  openClients: [] as Client[],
};
