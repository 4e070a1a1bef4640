import type { Lobby } from './lobby.js';
import { LOBBY_DATA_KEY_PATTERN, LOBBY_DATA_MAX_STRING_LENGTH } from './lobby-data.js';
import { SENT_LOBBY_ID_PATTERN } from './lobby-id.pipe.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;
export const MAX_DATA_FILTERS = 16;

/** One `data.` parameter: an exact value, or a bound on a number (both inclusive). */
export type DataFilter =
  | { key: string; kind: 'equals'; text: string }
  | { key: string; kind: 'min' | 'max'; bound: number };

/** A `GET /lobbies` that asked for filters or paging: every lobby it lists must match. */
export interface LobbyListQuery {
  data: DataFilter[];
  hasPassword?: boolean;
  notFull?: boolean;
  limit: number;
  /** The id of the last lobby of the previous page, upper case. */
  after?: string;
}

export type ParsedLobbyListQuery =
  { ok: true; query: LobbyListQuery | undefined } | { ok: false; errors: string[] };

const NEW_PARAMETERS = new Set(['limit', 'after', 'hasPassword', 'notFull']);
const DATA_PREFIX = 'data.';
/** A number as JSON writes it: no spaces, no hex, no `Infinity`, no empty text. */
const NUMBER_TEXT = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const BOOLEAN_TEXT: Record<string, boolean> = { true: true, false: false };
const MAX_ERRORS = 16;

export const LIST_QUERY_RULES = {
  limit: `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}.`,
  after: 'after must be a lobby id: 5 letters or digits.',
  boolean: (name: string) => `${name} must be true or false.`,
  repeated: (name: string) => `${name} may be given only once.`,
  dataName:
    'Filters on data are named data.<key>, data.<key>.min or data.<key>.max, where a key is 1 to 32 letters, digits, underscores or hyphens.',
  tooManyFilters: `At most ${MAX_DATA_FILTERS} data filters may be given.`,
  bound: (name: string) => `${name} must be a number.`,
  value: (name: string) =>
    `${name} must be at most ${LOBBY_DATA_MAX_STRING_LENGTH} characters: no lobby could match it.`,
} as const;

/**
 * Reads the query of `GET /lobbies`. With none of the parameters below the query is
 * undefined: the original listing. Other parameters are ignored, as they always were.
 *
 * - `data.<key>=<text>`: the value is that string, or a number that `<text>` writes;
 * - `data.<key>.min=<n>`, `data.<key>.max=<n>`: the value is a number within the bound;
 * - `hasPassword=true|false`, `notFull=true|false`;
 * - `limit=<1..100>` (50 unless given) and `after=<lobbyId>`.
 */
export function parseLobbyListQuery(raw: Readonly<Record<string, unknown>>): ParsedLobbyListQuery {
  const errors: string[] = [];
  const query: LobbyListQuery = { data: [], limit: DEFAULT_PAGE_SIZE };
  let asked = false;
  for (const [name, given] of Object.entries(raw)) {
    const isData = name.startsWith(DATA_PREFIX);
    if (!isData && !NEW_PARAMETERS.has(name)) continue;
    asked = true;
    if (typeof given !== 'string') {
      errors.push(isData && !dataFilterOf(name, '') ? LIST_QUERY_RULES.dataName : repeated(name));
      continue;
    }
    const problem = isData ? addDataFilter(query, name, given) : setParameter(query, name, given);
    if (problem) errors.push(problem);
  }
  if (query.data.length > MAX_DATA_FILTERS) errors.push(LIST_QUERY_RULES.tooManyFilters);
  if (errors.length > 0) return { ok: false, errors: [...new Set(errors)].slice(0, MAX_ERRORS) };
  return { ok: true, query: asked ? query : undefined };
}

function repeated(name: string): string {
  return LIST_QUERY_RULES.repeated(name);
}

function setParameter(query: LobbyListQuery, name: string, text: string): string | undefined {
  switch (name) {
    case 'limit': {
      const limit = /^\d{1,3}$/.test(text) ? Number(text) : 0;
      if (limit < 1 || limit > MAX_PAGE_SIZE) return LIST_QUERY_RULES.limit;
      query.limit = limit;
      return undefined;
    }
    case 'after':
      if (!SENT_LOBBY_ID_PATTERN.test(text)) return LIST_QUERY_RULES.after;
      query.after = text.trim().toUpperCase();
      return undefined;
    case 'hasPassword':
    case 'notFull': {
      const value = BOOLEAN_TEXT[text];
      if (value === undefined) return LIST_QUERY_RULES.boolean(name);
      query[name] = value;
      return undefined;
    }
    default:
      return undefined;
  }
}

function addDataFilter(query: LobbyListQuery, name: string, text: string): string | undefined {
  const filter = dataFilterOf(name, text);
  if (!filter) return LIST_QUERY_RULES.dataName;
  if (filter.kind !== 'equals' && !Number.isFinite(filter.bound)) {
    return LIST_QUERY_RULES.bound(name);
  }
  if (filter.kind === 'equals' && [...text].length > LOBBY_DATA_MAX_STRING_LENGTH) {
    return LIST_QUERY_RULES.value(name);
  }
  query.data.push(filter);
  return undefined;
}

/** The filter a `data.` parameter names, or undefined for a name of no known form. */
function dataFilterOf(name: string, text: string): DataFilter | undefined {
  const [key, suffix, ...rest] = name.slice(DATA_PREFIX.length).split('.');
  if (rest.length > 0 || !LOBBY_DATA_KEY_PATTERN.test(key)) return undefined;
  if (suffix === undefined) return { key, kind: 'equals', text };
  if (suffix !== 'min' && suffix !== 'max') return undefined;
  return { key, kind: suffix, bound: NUMBER_TEXT.test(text) ? Number(text) : Number.NaN };
}

/** Whether `lobby` passes every filter of `query` (paging aside). */
export function matchesLobbyQuery(lobby: Lobby, query: LobbyListQuery): boolean {
  if (query.hasPassword !== undefined && (lobby.passwordHash !== undefined) !== query.hasPassword) {
    return false;
  }
  if (query.notFull !== undefined && lobby.members.length < lobby.maxMembers !== query.notFull) {
    return false;
  }
  return query.data.every((filter) => matchesDataFilter(lobby, filter));
}

function matchesDataFilter(lobby: Lobby, filter: DataFilter): boolean {
  const data = lobby.data;
  // Own entries only: `data.constructor` must not find Object.prototype's.
  const value =
    data !== undefined && Object.hasOwn(data, filter.key) ? data[filter.key] : undefined;
  switch (filter.kind) {
    case 'equals':
      if (typeof value === 'string') return value === filter.text;
      return (
        typeof value === 'number' && NUMBER_TEXT.test(filter.text) && Number(filter.text) === value
      );
    case 'min':
      return typeof value === 'number' && value >= filter.bound;
    case 'max':
      return typeof value === 'number' && value <= filter.bound;
  }
}

/** Oldest first; lobbies created in the same millisecond by id. */
export function compareListed(a: Lobby, b: Lobby): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export type LobbyPage =
  { outcome: 'page'; lobbies: Lobby[]; next: string | null } | { outcome: 'cursor_gone' };

/**
 * The page `query` asks for, out of every public lobby: those after the `after` lobby in
 * {@link compareListed} order that match, at most `limit`. The `after` lobby itself need
 * not match the filters (it may have filled up since), only still be listed.
 */
export function lobbyPage(publicLobbies: readonly Lobby[], query: LobbyListQuery): LobbyPage {
  let candidates = publicLobbies;
  if (query.after !== undefined) {
    const cursor = publicLobbies.find((lobby) => lobby.id === query.after);
    if (!cursor) return { outcome: 'cursor_gone' };
    candidates = publicLobbies.filter((lobby) => compareListed(lobby, cursor) > 0);
  }
  const matching = candidates
    .filter((lobby) => matchesLobbyQuery(lobby, query))
    .sort(compareListed);
  const lobbies = matching.slice(0, query.limit);
  const next = matching.length > query.limit ? lobbies[lobbies.length - 1].id : null;
  return { outcome: 'page', lobbies, next };
}
