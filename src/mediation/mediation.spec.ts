import { describe, expect, it } from 'vitest';
import type { LobbyMember } from '../lobbies/lobby.js';
import {
  everyoneConnected,
  membersNotHeardFrom,
  pairedPeersNamed,
  peersFor,
  recordConnected,
  recordEndpoint,
  startMediation,
  type Endpoint,
  type Mediation,
} from './mediation.js';

const host: LobbyMember = { clientId: 'c-host', name: 'Host' };
const ann: LobbyMember = { clientId: 'c-ann', name: 'Ann' };
const bob: LobbyMember = { clientId: 'c-bob', name: 'Bob' };

const endpointOf: Record<string, Endpoint> = {
  [host.clientId]: { ip: '198.51.100.1', port: 40001 },
  [ann.clientId]: { ip: '203.0.113.7', port: 40002 },
  [bob.clientId]: { ip: '192.0.2.9', port: 40003 },
};

const newMediation = (): Mediation => startMediation('LOBBY', host.clientId, [host, ann, bob]);

/** Records every member's endpoint, in order, failing loudly if any packet is refused. */
function withAllEndpoints(mediation: Mediation): Mediation {
  return mediation.members.reduce((current, member) => {
    const next = recordEndpoint(current, member.clientId, endpointOf[member.clientId]);
    if (!next) throw new Error(`endpoint of ${member.name} was refused`);
    return next;
  }, mediation);
}

describe('mediation state', () => {
  it('starts collecting with no endpoints and nobody connected', () => {
    const mediation = newMediation();

    expect(mediation).toMatchObject({
      lobbyId: 'LOBBY',
      hostId: host.clientId,
      phase: 'collecting',
      endpoints: {},
      connected: [],
    });
    expect(mediation.members).toEqual([host, ann, bob]);
  });

  describe('recordEndpoint', () => {
    it("records a member's first packet and stays collecting while others are missing", () => {
      const next = recordEndpoint(newMediation(), ann.clientId, endpointOf[ann.clientId]);

      expect(next?.phase).toBe('collecting');
      expect(next?.endpoints).toEqual({ [ann.clientId]: endpointOf[ann.clientId] });
    });

    it('does not modify the mediation it was given', () => {
      const mediation = newMediation();
      recordEndpoint(mediation, ann.clientId, endpointOf[ann.clientId]);

      expect(mediation.endpoints).toEqual({});
    });

    it("ignores a member's second packet, even from another address", () => {
      const once = recordEndpoint(newMediation(), ann.clientId, endpointOf[ann.clientId])!;

      expect(recordEndpoint(once, ann.clientId, { ip: '10.9.9.9', port: 1 })).toBeUndefined();
    });

    it('ignores a packet from a client who is not a member', () => {
      expect(
        recordEndpoint(newMediation(), 'c-stranger', { ip: '10.0.0.1', port: 1 }),
      ).toBeUndefined();
    });

    it("moves to connecting when the last member's packet arrives", () => {
      const mediation = withAllEndpoints(newMediation());

      expect(mediation.phase).toBe('connecting');
      expect(mediation.endpoints).toEqual(endpointOf);
    });

    it('ignores any packet once every endpoint is captured', () => {
      const connecting = withAllEndpoints(newMediation());

      expect(recordEndpoint(connecting, ann.clientId, { ip: '10.0.0.2', port: 2 })).toBeUndefined();
    });
  });

  describe('recordConnected', () => {
    it('ignores a success report while endpoints are still being collected', () => {
      expect(recordConnected(newMediation(), ann.clientId)).toBeUndefined();
    });

    it("records a member's success report in the connecting phase", () => {
      const next = recordConnected(withAllEndpoints(newMediation()), ann.clientId);

      expect(next?.connected).toEqual([ann.clientId]);
    });

    it('counts each member once', () => {
      const once = recordConnected(withAllEndpoints(newMediation()), ann.clientId)!;

      expect(recordConnected(once, ann.clientId)).toBeUndefined();
    });

    it('ignores a report from a client who is not a member', () => {
      expect(recordConnected(withAllEndpoints(newMediation()), 'c-stranger')).toBeUndefined();
    });
  });

  describe('everyoneConnected', () => {
    it('is false until the last member reports success, then true', () => {
      let mediation = withAllEndpoints(newMediation());
      for (const member of [host, ann]) {
        mediation = recordConnected(mediation, member.clientId)!;
        expect(everyoneConnected(mediation)).toBe(false);
      }

      mediation = recordConnected(mediation, bob.clientId)!;

      expect(everyoneConnected(mediation)).toBe(true);
    });
  });

  describe('membersNotHeardFrom', () => {
    it('lists every member at the start, then only those without an endpoint', () => {
      const mediation = newMediation();
      expect(membersNotHeardFrom(mediation)).toEqual([host, ann, bob]);

      const heardFromAnn = recordEndpoint(mediation, ann.clientId, endpointOf[ann.clientId])!;

      expect(membersNotHeardFrom(heardFromAnn)).toEqual([host, bob]);
    });

    it('is empty once every endpoint is captured', () => {
      expect(membersNotHeardFrom(withAllEndpoints(newMediation()))).toEqual([]);
    });
  });

  describe('peersFor', () => {
    it("gives the host every other member's endpoint and name, in join order", () => {
      const mediation = withAllEndpoints(newMediation());

      expect(peersFor(mediation, host.clientId)).toEqual([
        { ...endpointOf[ann.clientId], name: 'Ann' },
        { ...endpointOf[bob.clientId], name: 'Bob' },
      ]);
    });

    it.each([ann, bob])("gives $name only the host's endpoint and name", (member) => {
      const mediation = withAllEndpoints(newMediation());

      expect(peersFor(mediation, member.clientId)).toEqual([
        { ...endpointOf[host.clientId], name: 'Host' },
      ]);
    });

    it('follows join order, not the order packets arrived in', () => {
      let mediation = newMediation();
      for (const member of [bob, host, ann]) {
        mediation = recordEndpoint(mediation, member.clientId, endpointOf[member.clientId])!;
      }

      expect(peersFor(mediation, host.clientId).map((peer) => peer.name)).toEqual(['Ann', 'Bob']);
    });
  });
});

describe('pairedPeersNamed (relay requests)', () => {
  const connecting = () => withAllEndpoints(newMediation());

  it('pairs the host with any named member, and a member with the host only', () => {
    expect(pairedPeersNamed(connecting(), host.clientId, ['Ann', 'Bob'])?.peers).toEqual([
      ann,
      bob,
    ]);
    expect(pairedPeersNamed(connecting(), ann.clientId, ['Host', 'Bob'])).toEqual({
      self: ann,
      peers: [host],
    });
  });

  it('names no peer for unknown names or the sender itself', () => {
    expect(pairedPeersNamed(connecting(), ann.clientId, ['Bob', 'Ann', 'Zed'])?.peers).toEqual([]);
  });

  it('has nothing before the peers phase or for a non-member', () => {
    expect(pairedPeersNamed(newMediation(), host.clientId, ['Ann'])).toBeUndefined();
    expect(pairedPeersNamed(connecting(), 'c-stranger', ['Host'])).toBeUndefined();
  });
});
