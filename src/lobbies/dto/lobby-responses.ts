import { ApiProperty } from '@nestjs/swagger';
import { LOBBY_ID_PATTERN } from '@orion/protocol';
import type * as Protocol from '@orion/protocol';

// Each class implements the protocol package's shape, so the two cannot drift apart.

export class LobbySummary implements Protocol.LobbySummary {
  @ApiProperty({ example: 'Friday Night' })
  name: string;

  @ApiProperty({ example: 'K3Z9Q', pattern: LOBBY_ID_PATTERN.source })
  id: string;

  @ApiProperty({ type: 'integer', example: 3 })
  currentMembers: number;

  @ApiProperty({ type: 'integer', example: 8 })
  maxMembers: number;
}

export class ListLobbiesResponse implements Protocol.ListLobbiesResponse {
  @ApiProperty({ type: [LobbySummary], description: 'Public lobbies, oldest first.' })
  lobbies: LobbySummary[];
}

export class CreateLobbyResponse implements Protocol.CreateLobbyResponse {
  @ApiProperty({ example: 'Friday Night' })
  lobbyName: string;

  @ApiProperty({ example: 'K3Z9Q', description: 'The code others use to join.' })
  lobbyId: string;
}

export class JoinLobbyResponse implements Protocol.JoinLobbyResponse {
  @ApiProperty({ example: 'K3Z9Q' })
  lobbyId: string;

  @ApiProperty({ example: 'Friday Night' })
  lobbyName: string;

  @ApiProperty({
    type: [String],
    description: 'Every member in join order: the host first, you last.',
    example: ['Alice', 'Bob'],
  })
  lobbyMembers: string[];

  @ApiProperty({ description: "The host's name.", example: 'Alice' })
  host: string;
}
