import type { LobbyData } from './lobby.js';

/** The bounds of a lobby's `data` and password, as POST /lobbies checks them. */
export const LOBBY_DATA_MAX_ENTRIES = 16;
export const LOBBY_DATA_KEY_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
export const LOBBY_DATA_MAX_STRING_LENGTH = 128;
export const LOBBY_PASSWORD_MAX_LENGTH = 64;

export const LOBBY_DATA_RULES = {
  notAnObject: `data must be a JSON object of at most ${LOBBY_DATA_MAX_ENTRIES} entries.`,
  tooManyEntries: `data may have at most ${LOBBY_DATA_MAX_ENTRIES} entries.`,
  badKey: 'data keys must be 1 to 32 letters, digits, underscores or hyphens.',
  badValue: `data values must be strings of at most ${LOBBY_DATA_MAX_STRING_LENGTH} characters or finite numbers.`,
} as const;

/** Why `value` cannot be a lobby's data, or undefined when it can. */
export function lobbyDataProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return LOBBY_DATA_RULES.notAnObject;
  }
  const entries = Object.entries(value);
  if (entries.length > LOBBY_DATA_MAX_ENTRIES) return LOBBY_DATA_RULES.tooManyEntries;
  for (const [key, item] of entries) {
    if (!LOBBY_DATA_KEY_PATTERN.test(key)) return LOBBY_DATA_RULES.badKey;
    if (!isLobbyDataValue(item)) return LOBBY_DATA_RULES.badValue;
  }
  return undefined;
}

function isLobbyDataValue(value: unknown): value is string | number {
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'string' && [...value].length <= LOBBY_DATA_MAX_STRING_LENGTH;
}

/**
 * The data to store: a copy with only its own entries, in the order sent, or undefined
 * when there is none (an empty object stores as no data).
 */
export function lobbyDataToStore(data: LobbyData | null | undefined): LobbyData | undefined {
  if (data === undefined || data === null) return undefined;
  const entries = Object.entries(data);
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}
