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
} from './dto/lobby-responses.js';
import { hostOf, memberOf, type Lobby } from './lobby.js';
import {
  LOBBY_STORE,
  MemberInAnotherLobby,
  type AddMemberResult,
  type LobbyStore,
  type LockResult,
} from './lobby-store.js';

const LOBBY_ID_ATTEMPTS = 20;
export const MIN_MEDIATION_MEMBERS = 2;

export interface CreateLobbyCommand {
  hostName: string;
  lobbyName: string;
  isPublic: boolean;
  maxMembers: number;
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

  async listPublic(): Promise<ListLobbiesResponse> {
    const lobbies = await this.store.listPublic();
    return {
      lobbies: lobbies
        .sort((a, b) => a.createdAt - b.createdAt)
        .map((lobby) => ({
          name: lobby.name,
          id: lobby.id,
          currentMembers: lobby.members.length,
          maxMembers: lobby.maxMembers,
        })),
    };
  }

  /** A client already in a lobby is refused by the store's insert (no read before it). */
  async create(clientId: string, command: CreateLobbyCommand): Promise<CreateLobbyResponse> {
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
      };
      if (await this.store.insert(lobby).catch(refuseSecondLobby)) {
        this.logger.log({ lobbyId: lobby.id, clientId, isPublic: lobby.isPublic }, 'Lobby created');
        await this.refuseIfGone(clientId);
        return { lobbyName: lobby.name, lobbyId: lobby.id };
      }
    }
    throw Errors.lobbyIdExhausted();
  }

  async join(clientId: string, rawLobbyId: string, peerName: string): Promise<JoinLobbyResponse> {
    const lobbyId = normalizeLobbyId(rawLobbyId);
    // One atomic step checks the seat, the lock, the capacity and the name (see nameKey),
    // so two racing look-alikes cannot both join.
    const seated = await this.store
      .addMember(lobbyId, { clientId, name: peerName })
      .catch(refuseSecondLobby);
    if (seated.outcome !== 'added') throw JOIN_REFUSALS[seated.outcome]();
    const joined = seated.lobby;
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
    const lobby = await this.store.findByMember(clientId);
    if (!lobby) return;
    if (lobby.hostId === clientId) {
      await this.close(lobby.id, `host ${clientId} left`, clientId);
      return;
    }
    // Two clean-ups of one client (its socket's close and a join's refuseIfGone) may
    // race: only the one that removes the member goes on to tell the lobby.
    const leaving = memberOf(lobby, clientId);
    if (!leaving) return;
    const remaining = await this.store.removeMember(lobby.id, clientId);
    if (!remaining) return;
    this.logger.debug({ lobbyId: lobby.id, clientId }, 'Client left lobby');
    sendToMembers(this.messenger, remaining.hostId, remaining.members, 'lobby_peerDisconnect', {
      lobbyId: lobby.id,
      peerName: leaving.name,
    });
    await this.events.emitAndWait('lobby.memberLeft', {
      lobbyId: lobby.id,
      clientId,
      peerName: leaving.name,
    });
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

/** The domain error for each reason the store refused a seat. */
const JOIN_REFUSALS: Record<Exclude<AddMemberResult['outcome'], 'added'>, () => OrionError> = {
  missing: Errors.lobbyNotFound,
  already_member: Errors.alreadyInLobby,
  locked: Errors.lobbyLocked,
  full: Errors.lobbyFull,
  name_taken: Errors.nameTaken,
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
