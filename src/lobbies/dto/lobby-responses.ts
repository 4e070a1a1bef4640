export interface LobbySummary {
  name: string;
  id: string;
  currentMembers: number;
  maxMembers: number;
}

export interface ListLobbiesResponse {
  lobbies: LobbySummary[];
}

export interface CreateLobbyResponse {
  lobbyName: string;
  lobbyId: string;
}

export interface JoinLobbyResponse {
  lobbyId: string;
  lobbyName: string;
  lobbyMembers: string[];
  host: string;
}
