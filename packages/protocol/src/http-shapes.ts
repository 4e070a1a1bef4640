/** Request and response bodies of Orion's HTTP routes. */

/** Every 4xx and 5xx answer. */
export interface ErrorResponse {
  errors: string[];
}

/** One entry of `GET /lobbies`. */
export interface LobbySummary {
  name: string;
  id: string;
  currentMembers: number;
  maxMembers: number;
}

/** `GET /lobbies`: public lobbies, oldest first. */
export interface ListLobbiesResponse {
  lobbies: LobbySummary[];
}

/** `POST /lobbies`. */
export interface CreateLobbyRequest {
  token: string;
  hostName: string;
  lobbyName: string;
  isPublic: boolean;
  maxMembers: number;
}

export interface CreateLobbyResponse {
  lobbyName: string;
  lobbyId: string;
}

/** `POST /lobbies/:lobbyId/join`. */
export interface JoinLobbyRequest {
  token: string;
  peerName: string;
}

export interface JoinLobbyResponse {
  lobbyId: string;
  lobbyName: string;
  /** Every member in join order: the host first, the joiner last. */
  lobbyMembers: string[];
  host: string;
}

/** `POST /lobbies/:lobbyId/ptp/start` carries only the token. */
export interface TokenOnlyRequest {
  token: string;
}
