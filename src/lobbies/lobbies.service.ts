import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  CLIENT_MESSENGER,
  sendToMembers,
  type ClientMessenger,
} from '../common/client-messenger.js';
import { OnOrionEvent, OrionEventBus, type OrionEvents } from '../common/orion-events.js';
import { ClientsService } from '../clients/clients.service.js';
import { Errors } from '../common/orion-error.js';
import { newLobbyId } from '../common/random-ids.js';
import type {
  CreateLobbyResponse,
  JoinLobbyResponse,
  ListLobbiesResponse,
} from './dto/lobby-responses.js';
import { hostOf, memberOf, type Lobby } from './lobby.js';
import { LOBBY_STORE, MemberInAnotherLobby, type LobbyStore } from './lobby-store.js';
import { nameKey } from './name-key.js';

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

  async create(clientId: string, command: CreateLobbyCommand): Promise<CreateLobbyResponse> {
    if (await this.store.findByMember(clientId)) throw Errors.alreadyInLobby();
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
    if (await this.store.findByMember(clientId)) throw Errors.alreadyInLobby();
    const lobbyId = normalizeLobbyId(rawLobbyId);
    const peerKey = nameKey(peerName);
    const joined = await this.store
      .update(lobbyId, (lobby) => {
        if (memberOf(lobby, clientId)) throw Errors.alreadyInLobby();
        if (lobby.locked) throw Errors.lobbyLocked();
        if (lobby.members.length >= lobby.maxMembers) throw Errors.lobbyFull();
        // Checked inside the store's atomic update, so two racing look-alikes cannot both join.
        if (lobby.members.some((member) => nameKey(member.name) === peerKey)) {
          throw Errors.nameTaken();
        }
        return { ...lobby, members: [...lobby.members, { clientId, name: peerName }] };
      })
      .catch(refuseSecondLobby);
    if (!joined) throw Errors.lobbyNotFound();
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
    const locked = await this.store.update(normalizeLobbyId(rawLobbyId), (lobby) => {
      if (lobby.hostId !== clientId) throw Errors.notHost();
      if (lobby.locked) throw Errors.mediationUnderway();
      if (lobby.members.length < MIN_MEDIATION_MEMBERS) throw Errors.tooFewMembers();
      return { ...lobby, locked: true };
    });
    if (!locked) throw Errors.lobbyNotFound();
    return locked;
  }

  async unlock(lobbyId: string): Promise<void> {
    await this.store.update(lobbyId, (lobby) => ({ ...lobby, locked: false }));
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
    const alreadyGone = new Error('already left');
    const remaining = await this.store
      .update(lobby.id, (current) => {
        if (!memberOf(current, clientId)) throw alreadyGone;
        return { ...current, members: current.members.filter((m) => m.clientId !== clientId) };
      })
      .catch((error: unknown) => {
        if (error === alreadyGone) return undefined;
        throw error;
      });
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

export function normalizeLobbyId(raw: string): string {
  return raw.trim().toUpperCase();
}

/**
 * The checks before a create or join read the store first; when another request put the
 * client in a lobby in between, the store's own refusal arrives here instead.
 */
function refuseSecondLobby(error: unknown): never {
  if (error instanceof MemberInAnotherLobby) throw Errors.alreadyInLobby();
  throw error;
}
