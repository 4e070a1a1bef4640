import { Logger } from '@nestjs/common';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientsService } from '../clients/clients.service.js';
import type { OrionEventBus } from '../common/orion-events.js';
import { RecordingEventBus, RecordingMessenger } from '../common/testing/recording-doubles.js';
import { Errors, OrionError } from '../common/orion-error.js';
import type { ServerMethod } from '@orion/protocol';
import { buildConfig } from '../config/settings.js';
import type { LobbiesService } from '../lobbies/lobbies.service.js';
import type { Lobby, LobbyMember } from '../lobbies/lobby.js';
import type { AdvertisedUdpPort } from './advertised-udp-port.js';
import { InMemoryMediationStore } from './in-memory-mediation.store.js';
import { LocalTimerHome } from './mediation-timer-home.js';
import { ABORT_REASONS, MediationService } from './mediation.service.js';

const UDP_PORT = 5990;
const COLLECT_TIMEOUT_MS = 5_000;
const REMINDER_INTERVAL_MS = 1_000;
const CONNECT_TIMEOUT_MS = 8_000;
const LONG_AFTER_MS = 10 * Math.max(COLLECT_TIMEOUT_MS, CONNECT_TIMEOUT_MS);

const LOBBY_ID = 'K3X9Q';
const host: LobbyMember = { clientId: 'c-host', name: 'Host' };
const ann: LobbyMember = { clientId: 'c-ann', name: 'Ann' };
const bob: LobbyMember = { clientId: 'c-bob', name: 'Bob' };
const everyone = [host, ann, bob];
const tokenOf = (member: LobbyMember) => `token-of-${member.clientId}`;
const endpointOf = (member: LobbyMember) => ({
  ip: `203.0.113.${everyone.indexOf(member) + 1}`,
  port: 40_000 + everyone.indexOf(member),
});

/** A lobby the fake may change in place (real records are immutable). */
type MutableLobby = { -readonly [K in keyof Lobby]: Lobby[K] } & { members: LobbyMember[] };

/** A single in-memory lobby with the few lobby rules mediation relies on. */
class FakeLobbies implements Pick<
  LobbiesService,
  'lockForMediation' | 'lobbyIdOf' | 'get' | 'unlock' | 'close'
> {
  lobby: MutableLobby | undefined = {
    id: LOBBY_ID,
    name: 'Friday Night',
    isPublic: true,
    maxMembers: 8,
    hostId: host.clientId,
    members: [...everyone],
    locked: false,
    createdAt: 0,
  };

  constructor(private readonly timeline: string[]) {}

  async lockForMediation(clientId: string, lobbyId: string): Promise<Lobby> {
    const lobby = this.lobby;
    if (lobby?.id !== lobbyId) throw Errors.lobbyNotFound();
    if (lobby.hostId !== clientId) throw Errors.notHost();
    if (lobby.locked) throw Errors.mediationUnderway();
    lobby.locked = true;
    return structuredClone(lobby);
  }

  async lobbyIdOf(clientId: string): Promise<string | undefined> {
    const isMember = this.lobby?.members.some((member) => member.clientId === clientId);
    return isMember ? this.lobby?.id : undefined;
  }

  async get(lobbyId: string): Promise<Lobby | undefined> {
    return this.lobby?.id === lobbyId ? structuredClone(this.lobby) : undefined;
  }

  async unlock(lobbyId: string): Promise<void> {
    if (this.lobby?.id === lobbyId) this.lobby.locked = false;
  }

  async close(lobbyId: string): Promise<void> {
    if (this.lobby?.id !== lobbyId) return;
    this.lobby = undefined;
    this.timeline.push(`close ${lobbyId}`);
  }

  /** What LobbiesService does before it announces `lobby.memberLeft`. */
  removeMember(clientId: string): void {
    this.lobby!.members = this.lobby!.members.filter((member) => member.clientId !== clientId);
  }
}

const fakeClients: Pick<ClientsService, 'resolveToken'> = {
  async resolveToken(token: string) {
    const member = everyone.find((candidate) => tokenOf(candidate) === token);
    if (!member) throw Errors.clientUnregistered();
    return member.clientId;
  },
};

const advertisedPort: AdvertisedUdpPort = { advertisedPort: UDP_PORT };

describe('MediationService', () => {
  let timeline: string[];
  let messenger: RecordingMessenger;
  let lobbies: FakeLobbies;
  let service: MediationService;
  let events: RecordingEventBus;

  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  beforeEach(() => {
    // Leave setImmediate real so `settle` can let pending promise chains finish.
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    });
    timeline = [];
    messenger = new RecordingMessenger(timeline);
    lobbies = new FakeLobbies(timeline);
    events = new RecordingEventBus();
    service = new MediationService(
      new InMemoryMediationStore(lobbies),
      messenger,
      lobbies as unknown as LobbiesService,
      fakeClients as ClientsService,
      advertisedPort,
      buildConfig({
        ptpmServerConnectTimeoutMs: COLLECT_TIMEOUT_MS,
        ptpmConnectRequestIntervalMs: REMINDER_INTERVAL_MS,
        ptpmConnectTimeoutMs: CONNECT_TIMEOUT_MS,
      }),
      events as unknown as OrionEventBus,
      new LocalTimerHome(),
    );
  });

  afterEach(() => {
    service.onApplicationShutdown();
    vi.useRealTimers();
  });

  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  const elapse = async (ms: number) => {
    await vi.advanceTimersByTimeAsync(ms);
    await settle();
  };
  const sent = (method: ServerMethod) => messenger.sent.filter((m) => m.method === method);
  const recipients = (method: ServerMethod) => sent(method).map((message) => message.to);
  const payloadFor = (member: LobbyMember, method: ServerMethod) =>
    sent(method).find((message) => message.to === member.clientId)?.payload;
  const udpFrom = (member: LobbyMember, endpoint = endpointOf(member)) =>
    service.captureEndpoint(tokenOf(member), endpoint);
  const reachPeersPhase = async () => {
    await service.start(host.clientId, LOBBY_ID);
    for (const member of everyone) await udpFrom(member);
  };

  /** Every ending must leave no timer behind and nothing more for clients, ever. */
  const expectEndedForGood = async () => {
    expect(vi.getTimerCount()).toBe(0);
    expect(service.activeTimerCount).toBe(0);
    const count = messenger.sent.length;
    await elapse(LONG_AFTER_MS);
    expect(messenger.sent.slice(count)).toEqual([]);
  };

  describe('lifecycle events', () => {
    it('announces the start, the end of the UDP phase and a success, with phase durations', async () => {
      await service.start(host.clientId, LOBBY_ID);
      await elapse(120);
      for (const member of everyone) await udpFrom(member);
      await elapse(80);
      for (const member of everyone) await service.reportPeersConnected(member.clientId);

      expect(events.of('mediation.started')).toEqual([{ lobbyId: LOBBY_ID, members: 3 }]);
      expect(events.of('mediation.phaseEnded')).toEqual([
        { lobbyId: LOBBY_ID, phase: 'collecting', durationMs: 120 },
      ]);
      expect(events.of('mediation.ended')).toEqual([
        { lobbyId: LOBBY_ID, reason: 'succeeded', phase: 'connecting', phaseDurationMs: 80 },
      ]);
    });

    it('says what became of each datagram: recorded, already recorded, unknown token, not mediating', async () => {
      const outcomes = [
        await udpFrom(ann),
        await service.captureEndpoint('nobody', { ip: '10.0.0.9', port: 9 }),
      ];
      await service.start(host.clientId, LOBBY_ID);
      outcomes.push(await udpFrom(ann), await udpFrom(ann));

      expect(outcomes).toEqual(['not_mediating', 'unknown_token', 'recorded', 'already_recorded']);
    });

    it('names the reason when mediation ends early', async () => {
      await service.start(host.clientId, LOBBY_ID);
      await elapse(COLLECT_TIMEOUT_MS);
      await reachPeersPhase();
      await elapse(CONNECT_TIMEOUT_MS);
      await service.start(host.clientId, LOBBY_ID);
      await service.onLobbyClosed({ lobbyId: LOBBY_ID });

      expect(events.of('mediation.ended').map((e) => [e.reason, e.phase])).toEqual([
        ['udp_timeout', 'collecting'],
        ['connect_timeout', 'connecting'],
        ['lobby_closed', 'collecting'],
      ]);
    });
  });

  describe('collecting endpoints', () => {
    it('asks every member for a UDP packet on the server port when the host starts', async () => {
      await service.start(host.clientId, LOBBY_ID);

      expect(sent('ptpMediation_send')).toEqual(
        everyone.map((member) => ({
          to: member.clientId,
          method: 'ptpMediation_send',
          payload: { port: UDP_PORT },
        })),
      );
      expect(lobbies.lobby?.locked).toBe(true);
      expect(service.activeTimerCount).toBe(1);
    });

    it('reminds, every interval, only the members it has not heard from', async () => {
      await service.start(host.clientId, LOBBY_ID);
      await udpFrom(ann);
      messenger.sent.length = 0;

      await elapse(REMINDER_INTERVAL_MS - 1);
      expect(sent('ptpMediation_send')).toEqual([]);

      await elapse(1);
      expect(recipients('ptpMediation_send')).toEqual([host.clientId, bob.clientId]);

      await udpFrom(host);
      await elapse(REMINDER_INTERVAL_MS);
      expect(recipients('ptpMediation_send')).toEqual([host.clientId, bob.clientId, bob.clientId]);
      for (const reminder of sent('ptpMediation_send')) {
        expect(reminder.payload).toEqual({ port: UDP_PORT });
      }
    });

    it('aborts when a UDP packet is still missing at the timeout, and unlocks the lobby', async () => {
      await service.start(host.clientId, LOBBY_ID);
      await udpFrom(host);
      await udpFrom(ann);

      await elapse(COLLECT_TIMEOUT_MS);

      expect(sent('ptpMediation_aborted')).toEqual(
        everyone.map((member) => ({
          to: member.clientId,
          method: 'ptpMediation_aborted',
          payload: { abortReason: ABORT_REASONS.udpTimeout },
        })),
      );
      expect(sent('ptpMediation_peersConnection_start')).toEqual([]);
      expect(lobbies.lobby?.locked).toBe(false);
      await expectEndedForGood();
    });

    it('ignores a repeated UDP packet: the first endpoint stands and nothing is re-sent', async () => {
      await service.start(host.clientId, LOBBY_ID);
      await udpFrom(ann);
      const count = messenger.sent.length;

      await udpFrom(ann, { ip: '198.51.100.99', port: 1 });

      expect(messenger.sent.length).toBe(count);
      await udpFrom(host);
      await udpFrom(bob);
      expect(payloadFor(host, 'ptpMediation_peersConnection_start')).toEqual({
        peers: [
          { ...endpointOf(ann), name: 'Ann' },
          { ...endpointOf(bob), name: 'Bob' },
        ],
      });
    });

    it('ignores a UDP packet whose token belongs to nobody', async () => {
      await service.start(host.clientId, LOBBY_ID);
      const count = messenger.sent.length;

      await expect(
        service.captureEndpoint('not-a-token', { ip: '10.0.0.1', port: 1 }),
      ).resolves.toBe('unknown_token');

      expect(messenger.sent.length).toBe(count);
      await elapse(REMINDER_INTERVAL_MS);
      expect(recipients('ptpMediation_send').slice(count)).toEqual(
        everyone.map((member) => member.clientId),
      );
    });
  });

  describe('connecting peers', () => {
    it('sends peersConnection_start once every endpoint is in: the host gets the others, members get the host', async () => {
      await reachPeersPhase();

      expect(recipients('ptpMediation_peersConnection_start')).toEqual(
        everyone.map((member) => member.clientId),
      );
      expect(payloadFor(host, 'ptpMediation_peersConnection_start')).toEqual({
        peers: [
          { ...endpointOf(ann), name: 'Ann' },
          { ...endpointOf(bob), name: 'Bob' },
        ],
      });
      for (const member of [ann, bob]) {
        expect(payloadFor(member, 'ptpMediation_peersConnection_start')).toEqual({
          peers: [{ ...endpointOf(host), name: 'Host' }],
        });
      }
    });

    it('stops the reminders and the collect timeout once every endpoint is in', async () => {
      await reachPeersPhase();
      const reminders = sent('ptpMediation_send').length;

      expect(vi.getTimerCount()).toBe(1);
      await elapse(CONNECT_TIMEOUT_MS - 1);

      expect(sent('ptpMediation_send').length).toBe(reminders);
      expect(sent('ptpMediation_aborted')).toEqual([]);
    });

    it('ignores a UDP packet after the endpoint phase and re-sends nothing', async () => {
      await reachPeersPhase();
      const count = messenger.sent.length;

      await udpFrom(bob, { ip: '198.51.100.99', port: 1 });

      expect(messenger.sent.length).toBe(count);
    });

    it('aborts when someone has not reported success by the connect timeout', async () => {
      await reachPeersPhase();
      await service.reportPeersConnected(host.clientId);
      await service.reportPeersConnected(ann.clientId);

      await elapse(CONNECT_TIMEOUT_MS);

      expect(sent('ptpMediation_aborted').map((m) => [m.to, m.payload])).toEqual(
        everyone.map((member) => [member.clientId, { abortReason: ABORT_REASONS.connectTimeout }]),
      );
      expect(sent('ptpMediation_success')).toEqual([]);
      expect(lobbies.lobby?.locked).toBe(false);
      await expectEndedForGood();
    });

    it('sends ptpMediation_success to everyone, then closes the lobby, once all report success', async () => {
      await reachPeersPhase();
      await service.reportPeersConnected(bob.clientId);
      await service.reportPeersConnected(host.clientId);
      expect(sent('ptpMediation_success')).toEqual([]);

      await service.reportPeersConnected(ann.clientId);

      expect(timeline.slice(-4)).toEqual([
        ...everyone.map((member) => `ptpMediation_success -> ${member.clientId}`),
        `close ${LOBBY_ID}`,
      ]);
      expect(payloadFor(host, 'ptpMediation_success')).toEqual({});
      await expectEndedForGood();
    });

    it('counts a success report once per member', async () => {
      await reachPeersPhase();
      await service.reportPeersConnected(host.clientId);
      await service.reportPeersConnected(ann.clientId);

      await expect(service.reportPeersConnected(ann.clientId)).rejects.toMatchObject({
        code: 'NO_MEDIATION',
      });
      expect(sent('ptpMediation_success')).toEqual([]);
    });

    it('refuses a success report while endpoints are still being collected', async () => {
      await service.start(host.clientId, LOBBY_ID);

      const report = service.reportPeersConnected(ann.clientId);

      await expect(report).rejects.toBeInstanceOf(OrionError);
      await expect(report).rejects.toMatchObject({ code: 'NO_MEDIATION' });
    });
  });

  describe('a member that resumed (opt-in reconnection)', () => {
    it('gets ptpMediation_send again while its packet is awaited, and nothing once it is in', async () => {
      await service.start(host.clientId, LOBBY_ID);
      await udpFrom(host);
      messenger.sent.length = 0;

      await service.resendTo(ann.clientId);
      await service.resendTo(host.clientId);

      expect(messenger.sent).toEqual([
        { to: ann.clientId, method: 'ptpMediation_send', payload: { port: UDP_PORT } },
      ]);
      expect(await service.phaseOf(LOBBY_ID)).toBe('collecting');
    });

    it('gets its peers again while its success report is awaited, and nothing once it reported', async () => {
      await reachPeersPhase();
      await service.reportPeersConnected(ann.clientId);
      const first = payloadFor(bob, 'ptpMediation_peersConnection_start');
      messenger.sent.length = 0;

      await service.resendTo(bob.clientId);
      await service.resendTo(ann.clientId);

      expect(messenger.sent).toEqual([
        { to: bob.clientId, method: 'ptpMediation_peersConnection_start', payload: first },
      ]);
      expect(first).toEqual({ peers: [{ ...endpointOf(host), name: 'Host' }] });
      expect(await service.phaseOf(LOBBY_ID)).toBe('connecting');
    });

    it('changes neither the phase nor its timers, and sends nothing without a mediation', async () => {
      await service.resendTo(ann.clientId);
      expect(messenger.sent).toEqual([]);
      expect(await service.phaseOf(LOBBY_ID)).toBeUndefined();

      await service.start(host.clientId, LOBBY_ID);
      await elapse(COLLECT_TIMEOUT_MS - 1);
      await service.resendTo(ann.clientId);
      await elapse(1);
      expect(sent('ptpMediation_aborted')).toHaveLength(everyone.length);
      await expectEndedForGood();
    });
  });

  describe('a host that moved to another replica (opt-in reconnection)', () => {
    it('takes its timers along: they stop here, and a phase change that arrives late arms none', async () => {
      await service.start(host.clientId, LOBBY_ID);
      expect(service.activeTimerCount).toBe(1);
      await service.releaseTimersOf(host.clientId);
      expect(service.activeTimerCount).toBe(0);

      // The start reached here a moment before the host moved: it must not arm here.
      await service.onChangedElsewhere({ lobbyId: LOBBY_ID });
      expect(service.activeTimerCount).toBe(0);

      // The host comes back through this replica: its timers run here again.
      await service.resendTo(host.clientId);
      expect(service.activeTimerCount).toBe(1);
      await service.onChangedElsewhere({ lobbyId: LOBBY_ID });
      expect(service.activeTimerCount).toBe(1);
      await elapse(COLLECT_TIMEOUT_MS);
      expect(sent('ptpMediation_aborted')).toHaveLength(everyone.length);
    });

    it("keeps a mediation's timers when a member, not its host, moves away", async () => {
      await service.start(host.clientId, LOBBY_ID);
      await service.releaseTimersOf(ann.clientId);
      await service.onChangedElsewhere({ lobbyId: LOBBY_ID });
      expect(service.activeTimerCount).toBe(1);
    });
  });

  describe('endings from the lobby', () => {
    it.each(['collecting', 'connecting'])(
      'a member leaving while %s aborts, naming the peer, and unlocks the lobby',
      async (phase) => {
        await service.start(host.clientId, LOBBY_ID);
        if (phase === 'connecting') for (const member of everyone) await udpFrom(member);

        lobbies.removeMember(bob.clientId);
        await service.onMemberLeft({
          lobbyId: LOBBY_ID,
          clientId: bob.clientId,
          peerName: bob.name,
        });

        expect(sent('ptpMediation_aborted')).toEqual(
          [host, ann].map((member) => ({
            to: member.clientId,
            method: 'ptpMediation_aborted',
            payload: { abortReason: expect.stringContaining('Bob') },
          })),
        );
        expect(lobbies.lobby?.locked).toBe(false);
        await expectEndedForGood();
      },
    );

    it('a member who left while the start was under way aborts it at once', async () => {
      // The lock has happened, the mediation record not yet: the leave found nothing to abort.
      const lock = lobbies.lockForMediation.bind(lobbies);
      lobbies.lockForMediation = async (clientId, lobbyId) => {
        const locked = await lock(clientId, lobbyId);
        lobbies.removeMember(bob.clientId);
        return locked;
      };

      await service.start(host.clientId, LOBBY_ID);

      expect(sent('ptpMediation_send')).toEqual([]);
      expect(sent('ptpMediation_aborted').map((m) => [m.to, m.payload])).toEqual([
        [host.clientId, { abortReason: 'Bob left the lobby.' }],
        [ann.clientId, { abortReason: 'Bob left the lobby.' }],
      ]);
      expect(lobbies.lobby?.locked).toBe(false);
      await expectEndedForGood();
    });

    it('a lobby closed while the start was under way leaves no mediation behind', async () => {
      const lock = lobbies.lockForMediation.bind(lobbies);
      lobbies.lockForMediation = async (clientId, lobbyId) => {
        const locked = await lock(clientId, lobbyId);
        lobbies.lobby = undefined;
        return locked;
      };

      await expect(service.start(host.clientId, LOBBY_ID)).rejects.toMatchObject({
        code: 'LOBBY_NOT_FOUND',
      });
      expect(messenger.sent).toEqual([]);
      await expectEndedForGood();
    });

    it('a member leaving a lobby that is not mediating sends nothing', async () => {
      lobbies.removeMember(bob.clientId);

      await service.onMemberLeft({ lobbyId: LOBBY_ID, clientId: bob.clientId, peerName: 'Bob' });

      expect(messenger.sent).toEqual([]);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('ends silently when the lobby closes', async () => {
      await service.start(host.clientId, LOBBY_ID);
      await udpFrom(ann);
      const count = messenger.sent.length;

      await service.onLobbyClosed({ lobbyId: LOBBY_ID });

      expect(messenger.sent.slice(count)).toEqual([]);
      await expectEndedForGood();
    });

    it('lets the host start again after an abort', async () => {
      await service.start(host.clientId, LOBBY_ID);
      await elapse(COLLECT_TIMEOUT_MS);
      messenger.sent.length = 0;

      await service.start(host.clientId, LOBBY_ID);

      expect(recipients('ptpMediation_send')).toEqual(everyone.map((member) => member.clientId));
      expect(service.activeTimerCount).toBe(1);
    });
  });
});
