import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { LOBBY_ID_LENGTH } from '../common/random-ids.js';

/**
 * The lobby ids a client may send: five letters or digits in any case, surrounding spaces
 * ignored (`normalizeLobbyId` trims and upper-cases them).
 */
export const SENT_LOBBY_ID_PATTERN = new RegExp(`^\\s*[A-Za-z0-9]{${LOBBY_ID_LENGTH}}\\s*$`);

export const MALFORMED_LOBBY_ID = `lobbyId must be ${LOBBY_ID_LENGTH} letters or digits.`;

/**
 * Refuses a `:lobbyId` path parameter that no lobby could have, with 400 before the route
 * runs: such a request is malformed, not a guess at a code, so the join-miss limit does
 * not count it. The value passes on unchanged; the services normalise it.
 */
@Injectable()
export class LobbyIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!SENT_LOBBY_ID_PATTERN.test(value)) {
      throw new BadRequestException({ errors: [MALFORMED_LOBBY_ID] });
    }
    return value;
  }
}

/** The `:lobbyId` path parameter in the OpenAPI document. */
export const ApiLobbyIdParam = () =>
  ApiParam({
    name: 'lobbyId',
    description: 'The 5-character lobby code, any letter case. Anything else answers 400.',
    schema: { type: 'string', pattern: SENT_LOBBY_ID_PATTERN.source, example: 'K3Z9Q' },
  });
