import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  CLIENT_MESSENGER,
  sendToMembers,
  type ClientMessenger,
} from '../common/client-messenger.js';
import { OnOrionEvent, OrionEventBus, type OrionEvents } from '../common/orion-events.js';
import { ClientsService } from '../clients/clients.service.js';
import { Errors, type OrionError } from '../common/orion-error.js';
import { newLobbyId } from '../common/random-ids.js';
import type {
  CreateLobbyResponse,
  JoinLobbyResponse,
  ListLobbiesResponse,
  LobbySummary,
} from './dto/lobby-responses.js';
import { hostOf, memberOf, type Lobby, type LobbyData } from './lobby.js';
import { lobbyDataToStore } from './lobby-data.js';
import {
  compareListed,
  lobbyPage,
  matchesLobbyQuery,
  type LobbyListQuery,
} from './lobby-list-query.js';
import { hashLobbyPassword, verifyLobbyPassword } from './lobby-password.js';
import {
  LOBBY_STORE,
  MemberInAnotherLobby,
  type AddMemberResult,
  type KickResult,
  type LobbyStore,
  type LockResult,
  type UpdateResult,
} from './lobby-store.js';
import { nameKey } from './name-key.js';

const LOBBY_ID_ATTEMPTS = 20;
export const MIN_MEDIATION_MEMBERS = 2;

export interface CreateLobbyCommand {
  hostName: string;
  lobbyName: string;
  isPublic: boolean;
  maxMembers: number;
  /** Joining then needs it; only its salted hash is kept. Null is none. */
  password?: string | null;
  /** Null or `{}` is none. */
  data?: LobbyData | null;
  /** Host hand-over (see {@link LobbiesService.leave}); null or absent is false. */
  hostMigration?: boolean | null;
}

/** A change to a lobby's settings: absent (or null name and visibility) keeps them. */
export interface UpdateLobbyCommand {
  lobbyName?: string | null;
  isPublic?: boolean | null;
  /** Replaces the whole map; null or `{}` clears it. */
  data?: LobbyData | null;
}

/** A lobby's settings as `PATCH /lobbies/:lobbyId` answers them and `lobby_updated` tells them. */
export interface LobbySettings {
  lobbyId: string;
  lobbyName: string;
  isPublic: boolean;
  data: Record<string, string | number>;
}

/** Owns the lobby rules: who may create, join, chat in, lock and close a lobby. */
@Injectable()
export class LobbiesService {
  private readonly logger = new Logger(LobbiesService.name);

  constructor(
    @Inject(LOBBY_STORE) private readonly store: LobbyStore,
    @Inject(CLIENT_MESSENGER) private readonly messenger: ClientMessenger,
    private readonly events: OrionEventBus,
    private readonly clients: ClientsService,
  ) {}

  /**
   * The public lobbies. Without a query, the original listing: every one, oldest first.
   * With one, the page it asks for, every lobby with `hasPassword` and `data`, and `next`.
   */
  async listPublic(query?: LobbyListQuery): Promise<ListLobbiesResponse> {
    const lobbies = await this.store.listPublic();
    if (query === undefined) {
      return {
        lobbies: lobbies
          .sort((a, b) => a.createdAt - b.createdAt)
          .map((lobby) => summaryOf(lobby, false)),
      };
    }
    const page = lobbyPage(lobbies, query);
    if (page.outcome === 'cursor_gone') throw Errors.cursorNotListed();
    return { lobbies: page.lobbies.map((lobby) => summaryOf(lobby, true)), next: page.next };
  }

  /** A client already in a lobby is refused by the store's insert (no read before it). */
  async create(clientId: string, command: CreateLobbyCommand): Promise<CreateLobbyResponse> {
    const data = lobbyDataToStore(command.data);
    const passwordHash =
      command.password === undefined || command.password === null
        ? undefined
        : await hashLobbyPassword(command.password);
    for (let attempt = 0; attempt < LOBBY_ID_ATTEMPTS; attempt++) {
      const lobby: Lobby = {
        id: newLobbyId(),
        name: command.lobbyName,
        isPublic: command.isPublic,
        maxMembers: command.maxMembers,
        hostId: clientId,
        members: [{ clientId, name: command.hostName }],
        locked: false,
        createdAt: Date.now(),
        ...(data && { data }),
        ...(passwordHash && { passwordHash }),
        ...(command.hostMigration === true && { hostMigration: true }),
      };
      if (await this.store.insert(lobby).catch(refuseSecondLobby)) {
        const hasPassword = passwordHash !== undefined;
        this.logger.log(
          { lobbyId: lobby.id, clientId, isPublic: lobby.isPublic, hasPassword },
          'Lobby created',
        );
        await this.refuseIfGone(clientId);
        return { lobbyName: lobby.name, lobbyId: lobby.id };
      }
    }
    throw Errors.lobbyIdExhausted();
  }

  /**
   * Seats the client. A lobby with a password needs `password`: missing, it answers
   * PASSWORD_REQUIRED, wrong, WRONG_PASSWORD (both count as join misses); a lobby without
   * one ignores it.
   */
  async join(
    clientId: string,
    rawLobbyId: string,
    peerName: string,
    password?: string | null,
  ): Promise<JoinLobbyResponse> {
    const lobbyId = normalizeLobbyId(rawLobbyId);
    const member = { clientId, name: peerName };
    // One atomic step checks the seat, the password, the lock, the capacity and the name
    // (see nameKey), so two racing look-alikes cannot both join.
    let seated = await this.store.addMember(lobbyId, member).catch(refuseSecondLobby);
    if (seated.outcome === 'password') {
      // The store cannot run scrypt: it hands back the hash, and takes the seat only if the
      // hash is still the lobby's when the checked password comes back with it.
      const passwordHash = seated.passwordHash;
      if (password === undefined || password === null) throw Errors.passwordRequired();
      if (!(await verifyLobbyPassword(password, passwordHash))) throw Errors.wrongPassword();
      seated = await this.store.addMember(lobbyId, member, passwordHash).catch(refuseSecondLobby);
      // Another hash now: the lobby closed and its code went to a new one meanwhile.
      if (seated.outcome === 'password') throw Errors.wrongPassword();
    }
    if (seated.outcome !== 'added') throw JOIN_REFUSALS[seated.outcome]();
    return this.seated(clientId, seated.lobby, peerName);
  }

  /**
   * Seats the client in the oldest public lobby that matches `query` (its filters; paging
   * is refused before this) and has no password, is not locked and not full. Each is tried
   * with the store's atomic seat, in order, so one that filled up, locked or took the name
   * meanwhile is passed over; NO_MATCHING_LOBBY when none seats the client.
   */
  async quickJoin(
    clientId: string,
    peerName: string,
    query: LobbyListQuery | undefined,
  ): Promise<JoinLobbyResponse> {
    const now = Date.now();
    const candidates = (await this.store.listPublic())
      .filter(
        (lobby) =>
          lobby.passwordHash === undefined &&
          !lobby.locked &&
          lobby.members.length < lobby.maxMembers &&
          (query === undefined || matchesLobbyQuery(lobby, query)),
      )
      .sort(compareListed);
    const member = { clientId, name: peerName };
    for (const candidate of candidates) {
      const seated = await this.store
        .addMember(candidate.id, member, undefined, now)
        .catch(refuseSecondLobby);
      if (seated.outcome === 'added') return this.seated(clientId, seated.lobby, peerName);
      if (seated.outcome === 'already_member') throw Errors.alreadyInLobby();
    }
    // With no candidate, the store never looked at the client's own seat.
    if ((await this.store.lobbyIdOf(clientId)) !== undefined) throw Errors.alreadyInLobby();
    throw Errors.noMatchingLobby();
  }

  /** Tells the others of a new member and answers the join. */
  private async seated(
    clientId: string,
    joined: Lobby,
    peerName: string,
  ): Promise<JoinLobbyResponse> {
    const lobbyId = joined.id;
    // Per-client events log at debug; lobby creation and closing stay at `log`.
    this.logger.debug({ lobbyId, clientId }, 'Client joined lobby');

    const others = joined.members.filter((member) => member.clientId !== clientId);
    sendToMembers(this.messenger, joined.hostId, others, 'lobby_peerConnect', {
      lobbyId,
      peerName,
    });
    await this.refuseIfGone(clientId);
    return {
      lobbyId,
      lobbyName: joined.name,
      lobbyMembers: joined.members.map((member) => member.name),
      host: hostOf(joined).name,
    };
  }

  /**
   * `POST /lobbies/:lobbyId/leave`: the client leaves the lobby as if it had disconnected
   * (see {@link leave}), but stays connected. NOT_IN_LOBBY when it is not a member.
   */
  async leaveByRequest(clientId: string, rawLobbyId: string): Promise<{ lobbyId: string }> {
    const lobbyId = normalizeLobbyId(rawLobbyId);
    if (!(await this.leave(clientId, lobbyId))) throw Errors.notInLobby();
    await this.events.emitAndWait('lobby.left', { lobbyId });
    return { lobbyId };
  }

  /**
   * The host kicks the member named `peerName` (matched by {@link nameKey}): it hears
   * `lobby_kicked`, the others `lobby_peerDisconnect`, and a running mediation is aborted as
   * when a member leaves. With `banMs`, that client may not rejoin this lobby for so long.
   */
  async kick(
    clientId: string,
    rawLobbyId: string,
    peerName: string,
    banMs?: number | null,
  ): Promise<{ lobbyId: string; peerName: string }> {
    const lobbyId = normalizeLobbyId(rawLobbyId);
    const bannedUntil = banMs ? Date.now() + banMs : undefined;
    const result = await this.store.kick(lobbyId, clientId, nameKey(peerName), bannedUntil);
    if (result.outcome !== 'kicked') throw KICK_REFUSALS[result.outcome]();
    const { lobby, kicked } = result;
    this.logger.debug({ lobbyId, clientId: kicked.clientId, banned: !!banMs }, 'Member kicked');
    this.messenger.send(
      kicked.clientId,
      'lobby_kicked',
      { lobbyId, lobbyName: lobby.name },
      lobby.hostId,
    );
    sendToMembers(this.messenger, lobby.hostId, lobby.members, 'lobby_peerDisconnect', {
      lobbyId,
      peerName: kicked.name,
    });
    await this.events.emitAndWait('lobby.kicked', { lobbyId });
    await this.events.emitAndWait('lobby.memberLeft', {
      lobbyId,
      clientId: kicked.clientId,
      peerName: kicked.name,
    });
    return { lobbyId, peerName: kicked.name };
  }

  /**
   * The host changes the lobby's name, visibility or data (which `data` replaces whole;
   * null or `{}` clears it); not while mediation runs. Every member hears `lobby_updated`.
   */
  async update(
    clientId: string,
    rawLobbyId: string,
    command: UpdateLobbyCommand,
  ): Promise<LobbySettings> {
    const lobbyId = normalizeLobbyId(rawLobbyId);
    const result = await this.store.update(lobbyId, clientId, {
      ...(command.lobbyName != null && { name: command.lobbyName }),
      ...(command.isPublic != null && { isPublic: command.isPublic }),
      ...(command.data !== undefined && { data: lobbyDataToStore(command.data) ?? null }),
    });
    if (result.outcome !== 'updated') throw UPDATE_REFUSALS[result.outcome]();
    const { lobby } = result;
    const settings: LobbySettings = {
      lobbyId,
      lobbyName: lobby.name,
      isPublic: lobby.isPublic,
      data: { ...lobby.data },
    };
    this.logger.debug({ lobbyId, isPublic: lobby.isPublic }, 'Lobby updated');
    sendToMembers(this.messenger, lobby.hostId, lobby.members, 'lobby_updated', settings);
    return settings;
  }

  async chat(clientId: string, rawLobbyId: string, message: string): Promise<void> {
    const lobby = await this.store.get(normalizeLobbyId(rawLobbyId));
    const sender = lobby && memberOf(lobby, clientId);
    if (!lobby || !sender) throw Errors.notInLobby();
    sendToMembers(this.messenger, lobby.hostId, lobby.members, 'lobby_messaging_received', {
      lobbyId: lobby.id,
      message: { timestamp: Date.now(), senderName: sender.name, message },
    });
  }

  async get(lobbyId: string): Promise<Lobby | undefined> {
    return this.store.get(normalizeLobbyId(lobbyId));
  }

  /** The id of the lobby `clientId` is a member of, if any. */
  lobbyIdOf(clientId: string): Promise<string | undefined> {
    return this.store.lobbyIdOf(clientId);
  }

  /** Locks the lobby for mediation, if `clientId` is its host and it can mediate. */
  async lockForMediation(clientId: string, rawLobbyId: string): Promise<Lobby> {
    const locked = await this.store.lock(
      normalizeLobbyId(rawLobbyId),
      clientId,
      MIN_MEDIATION_MEMBERS,
    );
    if (locked.outcome !== 'locked') throw LOCK_REFUSALS[locked.outcome]();
    return locked.lobby;
  }

  async unlock(lobbyId: string): Promise<void> {
    await this.store.unlock(lobbyId);
  }

  /** Closes the lobby: every member still present (all but `departedId`) hears `lobby_closed`. */
  async close(lobbyId: string, why: string, departedId?: string): Promise<void> {
    const lobby = await this.store.delete(lobbyId);
    if (!lobby) return;
    this.logger.log({ lobbyId, reason: why }, 'Lobby closed');
    const present = lobby.members.filter((member) => member.clientId !== departedId);
    sendToMembers(this.messenger, lobby.hostId, present, 'lobby_closed', {
      lobbyId: lobby.id,
      lobbyName: lobby.name,
    });
    await this.events.emitAndWait('lobby.closed', { lobbyId: lobby.id });
  }

  /** Closes every lobby (see {@link close}); returns how many were open. */
  async closeAll(why: string, only: (lobby: Lobby) => boolean = () => true): Promise<number> {
    const lobbies = (await this.store.list()).filter(only);
    await Promise.all(lobbies.map((lobby) => this.close(lobby.id, why)));
    return lobbies.length;
  }

  // A store failure reaches the departing client's clean-up, which tries again.
  @OnOrionEvent('client.disconnected', { failsEmitter: true })
  async onClientDisconnected({ clientId }: OrionEvents['client.disconnected']): Promise<void> {
    await this.leave(clientId);
  }

  /**
   * Takes the client out of its lobby (of `lobbyId`, when given); false when it is not in
   * it. A member's departure tells the others (`lobby_peerDisconnect`) and aborts a running
   * mediation (`lobby.memberLeft`). The host's closes the lobby, unless the lobby has
   * `hostMigration` and is not locked: then the store hands it to the member present
   * longest, and the others hear `lobby_peerDisconnect` then `lobby_hostChanged`.
   */
  async leave(clientId: string, lobbyId?: string): Promise<boolean> {
    const lobby =
      lobbyId === undefined
        ? await this.store.findByMember(clientId)
        : await this.store.get(lobbyId);
    if (!lobby || !memberOf(lobby, clientId)) return false;
    // Two clean-ups of one client (its socket's close and a join's refuseIfGone) may
    // race: only the one that removes the member (or closes the lobby) tells the lobby.
    const removed = await this.store.removeMember(lobby.id, clientId);
    if (removed.outcome === 'host') {
      await this.close(lobby.id, `host ${clientId} left`, clientId);
      return true;
    }
    if (removed.outcome !== 'removed') return true;
    const { lobby: remaining, left } = removed;
    this.logger.debug({ lobbyId: lobby.id, clientId }, 'Client left lobby');
    sendToMembers(this.messenger, remaining.hostId, remaining.members, 'lobby_peerDisconnect', {
      lobbyId: lobby.id,
      peerName: left.name,
    });
    if (remaining.hostId !== lobby.hostId && lobby.hostId === clientId) {
      this.logger.log({ lobbyId: lobby.id, hostId: remaining.hostId }, 'Lobby handed over');
      sendToMembers(this.messenger, remaining.hostId, remaining.members, 'lobby_hostChanged', {
        lobbyId: lobby.id,
        hostName: hostOf(remaining).name,
      });
      await this.events.emitAndWait('lobby.hostHandedOver', { lobbyId: lobby.id });
      return true;
    }
    await this.events.emitAndWait('lobby.memberLeft', {
      lobbyId: lobby.id,
      clientId,
      peerName: left.name,
    });
    return true;
  }

  /**
   * A client whose socket closed while its create or join was under way may have been
   * cleaned up before the lobby listed it. Its record is deleted before that clean-up
   * looks for its lobby, so checking the record after the write closes the gap: the
   * client leaves again, as if it had closed its socket now.
   */
  private async refuseIfGone(clientId: string): Promise<void> {
    if (await this.clients.isRegistered(clientId)) return;
    await this.onClientDisconnected({ clientId });
    throw Errors.clientUnregistered();
  }

  count(): Promise<number> {
    return this.store.count();
  }

  /** Every open lobby, public or private: for operators' metrics, never for clients. */
  all(): Promise<readonly Lobby[]> {
    return this.store.list();
  }
}

/** What `GET /lobbies` shows of a lobby: never its password or hash, only whether it has one. */
function summaryOf(lobby: Lobby, withOptions: boolean): LobbySummary {
  const summary: LobbySummary = {
    name: lobby.name,
    id: lobby.id,
    currentMembers: lobby.members.length,
    maxMembers: lobby.maxMembers,
  };
  // The original listing shows a lobby created the original way exactly as it always has.
  if (!withOptions && lobby.passwordHash === undefined && lobby.data === undefined) return summary;
  summary.hasPassword = lobby.passwordHash !== undefined;
  summary.data = lobby.data ?? {};
  return summary;
}

/** The domain error for each reason the store refused a seat. */
const JOIN_REFUSALS: Record<
  Exclude<AddMemberResult['outcome'], 'added' | 'password'>,
  () => OrionError
> = {
  missing: Errors.lobbyNotFound,
  already_member: Errors.alreadyInLobby,
  banned: Errors.bannedFromLobby,
  locked: Errors.lobbyLocked,
  full: Errors.lobbyFull,
  name_taken: Errors.nameTaken,
};

/** The domain error for each reason the store refused a kick. */
// A lobby that does not exist answers as one the caller is not in: kick and update must not
// tell which codes are taken (joins are limited for that; these routes are not).
const KICK_REFUSALS: Record<Exclude<KickResult['outcome'], 'kicked'>, () => OrionError> = {
  missing: Errors.notInLobby,
  not_member: Errors.notInLobby,
  not_host: Errors.notHostToManage,
  no_such_member: Errors.noSuchMember,
  self: Errors.cannotKickSelf,
};

/** The domain error for each reason the store refused an update. */
const UPDATE_REFUSALS: Record<Exclude<UpdateResult['outcome'], 'updated'>, () => OrionError> = {
  missing: Errors.notInLobby,
  not_member: Errors.notInLobby,
  not_host: Errors.notHostToManage,
  locked: Errors.mediationUnderway,
};

/** The domain error for each reason the store refused to lock a lobby for mediation. */
const LOCK_REFUSALS: Record<Exclude<LockResult['outcome'], 'locked'>, () => OrionError> = {
  missing: Errors.lobbyNotFound,
  not_host: Errors.notHost,
  already_locked: Errors.mediationUnderway,
  too_few: Errors.tooFewMembers,
};

export function normalizeLobbyId(raw: string): string {
  return raw.trim().toUpperCase();
}

/** The store refuses to put a client in a second lobby; clients hear it as ALREADY_IN_LOBBY. */
function refuseSecondLobby(error: unknown): never {
  if (error instanceof MemberInAnotherLobby) throw Errors.alreadyInLobby();
  throw error;
}
