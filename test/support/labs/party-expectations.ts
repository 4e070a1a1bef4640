import { expect } from 'vitest';
import type { ChildEvent, EventLinesChild } from './event-lines-child.js';

/** The one event `name` of a client process; fails naming the process when there are more or none. */
export function onlyEvent(player: EventLinesChild, name: string): ChildEvent {
  const events = player.eventsOf(name);
  expect(events, `${player.label}: exactly one "${name}". ${player.describe()}`).toHaveLength(1);
  return events[0];
}

/** Peers (or endpoints) sorted by name, for comparing lists whose order Orion does not fix. */
export function byName(peers: unknown): { name: string }[] {
  return [...(peers as { name: string }[])].sort((a, b) => a.name.localeCompare(b.name));
}

interface Party {
  host: EventLinesChild;
  /** Ann and Bob, who each said "hello from <name>" as the host did. */
  members: EventLinesChild[];
  lobbyId: string;
  lobbyName: string;
  serverUdpPort: number;
  /** Each player's UDP port, by label. */
  ports: Record<string, number>;
}

/**
 * What every client test's three-player party (a host named Host, members Ann and Bob) must
 * have seen from the lobby: the joins, the three chat lines in one order for everyone, the
 * registered UDP port, mediation at Orion's UDP port, `lobby_closed` and a clean close.
 */
export function expectPartyLobbyEvents(party: Party): void {
  const { host, members, lobbyId, lobbyName, serverUdpPort, ports } = party;
  expect(
    host
      .eventsOf('peer_joined')
      .map((e) => e.name)
      .sort(),
  ).toEqual(['Ann', 'Bob']);
  for (const member of members) {
    expect(onlyEvent(member, 'lobby_joined').info).toMatchObject({
      lobbyId,
      lobbyName,
      host: 'Host',
      lobbyMembers: expect.arrayContaining(['Host', member.label]),
    });
  }

  // Every player saw all three lines, in the one order Orion gives the lobby.
  const chatOf = (player: EventLinesChild) =>
    player.eventsOf('chat').map(({ sender, text }) => `${sender}: ${text}`);
  expect([...chatOf(host)].sort()).toEqual([
    'Ann: hello from Ann',
    'Bob: hello from Bob',
    'Host: hello from Host',
  ]);
  for (const member of members) expect(chatOf(member)).toEqual(chatOf(host));

  for (const player of [host, ...members]) {
    expect(onlyEvent(player, 'registered').udpPort).toBe(ports[player.label]);
    expect(onlyEvent(player, 'mediation_started').serverUdpPort).toBe(serverUdpPort);
    expect(onlyEvent(player, 'lobby_closed')).toMatchObject({ lobbyId, lobbyName });
    expect(onlyEvent(player, 'connection_closed').code).toBe(1000);
    onlyEvent(player, 'done');
  }
}
