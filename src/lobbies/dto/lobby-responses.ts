import { ApiProperty } from '@nestjs/swagger';

export class LobbySummary {
  @ApiProperty({ example: 'Friday Night' })
  name: string;

  @ApiProperty({ example: 'K3Z9Q', pattern: '^[A-Z0-9]{5}$' })
  id: string;

  @ApiProperty({ type: 'integer', example: 3 })
  currentMembers: number;

  @ApiProperty({ type: 'integer', example: 8 })
  maxMembers: number;
}

export class ListLobbiesResponse {
  @ApiProperty({ type: [LobbySummary], description: 'Public lobbies, oldest first.' })
  lobbies: LobbySummary[];
}

export class CreateLobbyResponse {
  @ApiProperty({ example: 'Friday Night' })
  lobbyName: string;

  @ApiProperty({ example: 'K3Z9Q', description: 'The code others use to join.' })
  lobbyId: string;
}

export class JoinLobbyResponse {
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
