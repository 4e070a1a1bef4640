import { Inject, Injectable } from '@nestjs/common';
import {
  CLIENT_MESSENGER,
  sendToMembers,
  type ClientMessenger,
} from '../common/client-messenger.js';
import { OnOrionEvent, type OrionEvents } from '../common/orion-events.js';
import { LobbiesService } from './lobbies.service.js';
import { memberOf } from './lobby.js';

/**
 * Opt-in reconnection: tells a lobby's other members when one of them is away (its
 * connection dropped; it keeps its seat for the grace period) and when it is back. The
 * departure that may follow is the usual `lobby_peerDisconnect` or `lobby_closed`.
 */
@Injectable()
export class LobbyPresenceService {
  constructor(
    private readonly lobbies: LobbiesService,
    @Inject(CLIENT_MESSENGER) private readonly messenger: ClientMessenger,
  ) {}

  @OnOrionEvent('client.away')
  async onAway({ clientId }: OrionEvents['client.away']): Promise<void> {
    await this.tellOthers(clientId, 'lobby_peerAway');
  }

  @OnOrionEvent('client.back')
  async onBack({ clientId }: OrionEvents['client.back']): Promise<void> {
    await this.tellOthers(clientId, 'lobby_peerBack');
  }

  private async tellOthers(
    clientId: string,
    method: 'lobby_peerAway' | 'lobby_peerBack',
  ): Promise<void> {
    const lobbyId = await this.lobbies.lobbyIdOf(clientId);
    const lobby = lobbyId === undefined ? undefined : await this.lobbies.get(lobbyId);
    const peer = lobby && memberOf(lobby, clientId);
    if (!lobby || !peer) return;
    const others = lobby.members.filter((member) => member.clientId !== clientId);
    sendToMembers(this.messenger, lobby.hostId, others, method, {
      lobbyId: lobby.id,
      peerName: peer.name,
    });
  }
}
