import { OrionClient } from '@orion/sdk';
import { Deadline } from './deadline.js';
import type { ConnectionDrops } from './simulate-drops.js';

export interface LobbyFlowOptions {
  url: string;
  /** Which flow this is, for the lobby's name. */
  index: number;
  /** Clients in the lobby, the host included. */
  members: number;
  timeoutMs: number;
  /** Sockets to cut at random (`--dropRate`); none when absent. */
  drops?: ConnectionDrops;
}

/** The step a flow was at when it failed, so that failures can be grouped by it. */
export type FlowStage = 'connect' | 'host' | 'join' | 'chat' | 'mediate';

export class FlowFailure extends Error {
  constructor(
    readonly stage: FlowStage,
    override readonly cause: Error,
  ) {
    super(`${stage}: ${cause.message}`);
  }
}

/**
 * One whole lobby, as players would go through it: connect everyone, host, join, one
 * chat line each (every client must hear every line), mediate to success. Bounded by
 * `timeoutMs`; every client and socket is closed at the end, whatever happened. With
 * `drops`, some clients' sockets are cut on the way, and they must resume to finish.
 */
export async function runLobbyFlow(options: LobbyFlowOptions): Promise<void> {
  const deadline = new Deadline(options.timeoutMs);
  const clients: OrionClient[] = [];
  const cancelDrops: (() => void)[] = [];
  let stage: FlowStage = 'connect';
  try {
    for (let i = 0; i < options.members; i++) {
      const client = await connectClient(options.url, deadline, options.drops?.active ?? false);
      if (options.drops) cancelDrops.push(options.drops.schedule(client));
      clients.push(client);
    }
    const [host, ...members] = clients;

    stage = 'host';
    const { lobbyId } = await host.host({
      hostName: 'Host',
      lobbyName: `simulate ${options.index}`,
      isPublic: false,
      maxMembers: options.members,
    });

    stage = 'join';
    for (const [i, member] of members.entries()) await member.join(lobbyId, `Member ${i + 1}`);

    stage = 'chat';
    for (const client of clients) client.chat('hello from the simulator');
    await deadline.race(
      Promise.all(clients.map((client) => hearLines(client, options.members, deadline))),
      'chat lines',
    );

    stage = 'mediate';
    const mediations = clients.map((client) =>
      client.mediate({ punchTimeoutMs: deadline.leftMs() }),
    );
    // If the start fails, closing the clients below rejects these; that is expected.
    for (const mediation of mediations) mediation.catch(() => undefined);
    await host.startMediation();
    await deadline.race(Promise.all(mediations), 'ptpMediation_success');
  } catch (error) {
    throw new FlowFailure(stage, error as Error);
  } finally {
    for (const cancel of cancelDrops) cancel();
    await Promise.all(clients.map((client) => closeClient(client)));
  }
}

/** Connects one client; a server that cannot be reached is named by its URL and error code. */
async function connectClient(
  url: string,
  deadline: Deadline,
  reconnect: boolean,
): Promise<OrionClient> {
  try {
    return await OrionClient.connect({
      url,
      connectTimeoutMs: deadline.leftMs(),
      requestTimeoutMs: deadline.leftMs(),
      ...(reconnect ? { reconnect: true } : {}),
    });
  } catch (error) {
    const code = networkErrorCode(error);
    if (code === undefined) throw error;
    throw new Error(`could not connect to ${url}: ${code}`, { cause: error });
  }
}

/** ECONNREFUSED, ENOTFOUND, ...: the code of a socket error somewhere in the cause chain. */
export function networkErrorCode(error: unknown): string | undefined {
  for (let at = error; at instanceof Error; at = at.cause) {
    const { code } = at as NodeJS.ErrnoException;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  }
  return undefined;
}

async function hearLines(client: OrionClient, count: number, deadline: Deadline): Promise<void> {
  for (let i = 0; i < count; i++) await client.next('lobby_messaging_received', deadline.leftMs());
}

/** Closes the WebSocket and the UDP socket, whether or not a mediation handed it over. */
async function closeClient(client: OrionClient): Promise<void> {
  await client.close();
  try {
    client.socket.close();
  } catch {
    // Already closed.
  }
}
