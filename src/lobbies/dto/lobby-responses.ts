import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LOBBY_ID_PATTERN } from '@orion/protocol';
import type * as Protocol from '@orion/protocol';
import type { LobbyData } from '../lobby.js';

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

  @ApiPropertyOptional({
    description:
      'Whether joining needs a password. On every lobby when the request has a filter or paging parameter; otherwise only on lobbies that have a password or data (absent means false).',
    example: false,
  })
  hasPassword?: boolean;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] },
    description: "The lobby's data as its host set it ({} for none). Present when hasPassword is.",
    example: { version: '1.4.2', mode: 'ctf', players: 4 },
  })
  data?: LobbyData;
}

export class ListLobbiesResponse implements Protocol.ListLobbiesResponse {
  @ApiProperty({
    type: [LobbySummary],
    description:
      'Public lobbies, oldest first (ties by id). With a filter or paging parameter, those that match, at most `limit` of them.',
  })
  lobbies: LobbySummary[];

  @ApiPropertyOptional({
    type: 'string',
    nullable: true,
    example: 'K3Z9Q',
    description:
      'Only when the request has a filter or paging parameter: pass it as `after` for the next page; null on the last page.',
  })
  next?: string | null;
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
