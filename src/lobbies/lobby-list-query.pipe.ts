import {
  applyDecorators,
  BadRequestException,
  Injectable,
  type PipeTransform,
} from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import {
  DEFAULT_PAGE_SIZE,
  MAX_DATA_FILTERS,
  MAX_PAGE_SIZE,
  parseLobbyListQuery,
  type LobbyListQuery,
} from './lobby-list-query.js';
import { SENT_LOBBY_ID_PATTERN } from './lobby-id.pipe.js';

/**
 * Reads the filters and paging of `GET /lobbies` (see {@link parseLobbyListQuery}):
 * undefined when the request has none, 400 with `errors` when one is malformed.
 */
@Injectable()
export class LobbyListQueryPipe implements PipeTransform<unknown, LobbyListQuery | undefined> {
  transform(value: unknown): LobbyListQuery | undefined {
    const raw = typeof value === 'object' && value !== null ? value : {};
    const parsed = parseLobbyListQuery(raw as Record<string, unknown>);
    if (!parsed.ok) throw new BadRequestException({ errors: parsed.errors });
    return parsed.query;
  }
}

/**
 * The filters of `POST /lobbies/quick-join`: those of `GET /lobbies` without paging
 * (`limit` or `after` answer 400).
 */
@Injectable()
export class QuickJoinQueryPipe implements PipeTransform<unknown, LobbyListQuery | undefined> {
  transform(value: unknown): LobbyListQuery | undefined {
    const raw = typeof value === 'object' && value !== null ? value : {};
    const paging = ['limit', 'after'].filter((name) => Object.hasOwn(raw, name));
    if (paging.length > 0) {
      throw new BadRequestException({
        errors: paging.map((name) => `${name} is not allowed here: quick join takes no paging.`),
      });
    }
    return new LobbyListQueryPipe().transform(value);
  }
}

const booleanFilter = (name: string, description: string) =>
  ApiQuery({ name, required: false, description, schema: { type: 'boolean' } });

/** The filter parameters of `GET /lobbies` (and quick join) in the OpenAPI document. */
export const ApiLobbyFilterQuery = () =>
  applyDecorators(
    ApiQuery({
      name: 'data filters',
      required: false,
      style: 'form',
      explode: true,
      description:
        `Filters on the lobbies' data, at most ${MAX_DATA_FILTERS}: \`data.<key>=<value>\` keeps lobbies whose value is that string, ` +
        'or the number the text writes (`data.players=4` matches 4); `data.<key>.min=<n>` and `data.<key>.max=<n>` keep lobbies ' +
        'whose value is a number within the bound (inclusive). A lobby without the key never matches.',
      schema: {
        type: 'object',
        additionalProperties: { type: 'string' },
        example: { 'data.version': '1.4.2', 'data.mode': 'ctf', 'data.players.min': '2' },
      },
    }),
    booleanFilter(
      'hasPassword',
      'true: only lobbies that need a password; false: only those that do not.',
    ),
    booleanFilter('notFull', 'true: only lobbies with a free seat; false: only full ones.'),
  );

/** The query parameters of `GET /lobbies` in the OpenAPI document. */
export const ApiLobbyListQuery = () =>
  applyDecorators(
    ApiLobbyFilterQuery(),
    ApiQuery({
      name: 'limit',
      required: false,
      description: `Lobbies per page (${DEFAULT_PAGE_SIZE} unless given). Any filter or paging parameter bounds the page and adds \`next\`.`,
      schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE },
    }),
    ApiQuery({
      name: 'after',
      required: false,
      description:
        'The `next` of the previous page: the id of its last lobby. 409 when that lobby is no longer listed.',
      schema: { type: 'string', pattern: SENT_LOBBY_ID_PATTERN.source, example: 'K3Z9Q' },
    }),
  );
