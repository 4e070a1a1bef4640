import type {
  CreateLobbyResponse,
  JoinLobbyResponse,
  LobbySummary as OriginalLobbySummary,
} from '@orion/protocol';
import { OrionRequestError } from './errors.js';

/**
 * A lobby's own data, set by its host: at most 16 entries, keys of 1 to 32 letters, digits,
 * `_` or `-`, values strings of at most 128 characters or finite numbers.
 */
export type LobbyData = Record<string, string | number>;

/**
 * One entry of `GET /lobbies` as {@link OrionHttpApi.listLobbies} gives it: the original
 * four fields, and `hasPassword` and `data` only on lobbies that have a password or data.
 */
export interface LobbySummary extends OriginalLobbySummary {
  hasPassword?: boolean;
  data?: LobbyData;
}

/** One lobby as {@link OrionHttpApi.findLobbies} gives it: every field always there. */
export interface ListedLobby extends OriginalLobbySummary {
  hasPassword: boolean;
  /** `{}` for a lobby without data. */
  data: LobbyData;
}

/** What to list: every filter given must match; leave one out not to filter on it. */
export interface LobbyFilters {
  /** Exact values: a string matches that string, a number that number. */
  data?: LobbyData;
  /** Bounds on number values, inclusive; a lobby whose value is not a number never matches. */
  dataRange?: Record<string, { min?: number; max?: number }>;
  /** true: only lobbies that need a password; false: only those that do not. */
  hasPassword?: boolean;
  /** true: only lobbies with a free seat; false: only full ones. */
  notFull?: boolean;
  /** Lobbies per page, 1 to 100; Orion's default is 50. */
  limit?: number;
  /** The `next` of the previous page. */
  after?: string;
}

/** A page of {@link OrionHttpApi.findLobbies}: `next` is null on the last one. */
export interface LobbyPage {
  lobbies: ListedLobby[];
  next: string | null;
}

export interface HostOptions {
  hostName: string;
  lobbyName: string;
  isPublic?: boolean;
  maxMembers?: number;
  /** Joining then needs it (1 to 64 characters). Orion keeps only a salted hash of it. */
  password?: string;
  /** Shown in the lobby list and filtered on (see {@link LobbyFilters}). */
  data?: LobbyData;
  /**
   * Host hand-over: when the host leaves (or disconnects) while no mediation runs, the member
   * present longest becomes host (`lobby_hostChanged`) instead of the lobby closing.
   */
  hostMigration?: boolean;
}

/** What {@link OrionHttpApi.quickJoin} picks from: the filters of a listing, without paging. */
export type QuickJoinFilters = Omit<LobbyFilters, 'limit' | 'after'>;

export interface KickOptions {
  /** For how long (0 to 600000 ms) the kicked client may not rejoin the lobby. */
  banMs?: number;
}

/** A change to a lobby (host only): give at least one; `data: null` (or `{}`) clears it. */
export interface LobbyUpdate {
  lobbyName?: string;
  isPublic?: boolean;
  data?: LobbyData | null;
}

/** What `PATCH /lobbies/:lobbyId` answers: the lobby's settings as they are now. */
export interface LobbySettings {
  lobbyId: string;
  lobbyName: string;
  isPublic: boolean;
  /** `{}` for a lobby without data. */
  data: LobbyData;
}

export interface JoinOptions {
  /** The lobby's password, when it has one (`hasPassword`); ignored by a lobby without. */
  password?: string;
}

/** What `POST /lobbies` answers. */
export type HostedLobby = CreateLobbyResponse;

/** What `POST /lobbies/:lobbyId/join` answers. */
export type JoinedLobby = JoinLobbyResponse;

/**
 * Defaults for the `POST /lobbies` fields Orion requires but the SDK makes optional.
 * Private unless asked: a lobby should not show up in everyone's list by surprise.
 */
const DEFAULT_IS_PUBLIC = false;
const DEFAULT_MAX_MEMBERS = 8;
/** Sent when the caller gives no limit, so that the answer always has `next`: Orion's own default. */
const DEFAULT_PAGE_SIZE = 50;

/**
 * Orion's HTTP routes as plain calls. A 4xx/5xx answer becomes {@link OrionRequestError}
 * with the body's `errors`; a server that cannot be reached, or does not answer within
 * `timeoutMs`, becomes an Error naming the URL. Tokens only ever travel in bodies, so no
 * message built here can contain one.
 */
export class OrionHttpApi {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {}

  /** `GET /ping`: true when Orion answered `pong`. */
  async ping(): Promise<boolean> {
    return (await this.request('GET', '/ping', undefined, 'text')) === 'pong';
  }

  /** Every public lobby, oldest first: the original listing, unfiltered and unpaged. */
  async listLobbies(): Promise<LobbySummary[]> {
    const body = (await this.request('GET', '/lobbies')) as { lobbies: LobbySummary[] };
    return body.lobbies;
  }

  /**
   * One page of the public lobbies that match `filters`, oldest first. Pass the page's
   * `next` as `after` for the following one. A lobby named by `after` that closed meanwhile
   * answers 409 ({@link OrionRequestError}): list again from the start.
   */
  async findLobbies(filters: LobbyFilters = {}): Promise<LobbyPage> {
    const path = `/lobbies?${lobbyQuery(filters).toString()}`;
    return (await this.request('GET', path)) as LobbyPage;
  }

  async host(token: string, options: HostOptions): Promise<HostedLobby> {
    return (await this.request('POST', '/lobbies', {
      token,
      hostName: options.hostName,
      lobbyName: options.lobbyName,
      isPublic: options.isPublic ?? DEFAULT_IS_PUBLIC,
      maxMembers: options.maxMembers ?? DEFAULT_MAX_MEMBERS,
      ...(options.password !== undefined && { password: options.password }),
      ...(options.data !== undefined && { data: options.data }),
      ...(options.hostMigration !== undefined && { hostMigration: options.hostMigration }),
    })) as HostedLobby;
  }

  async join(
    token: string,
    lobbyId: string,
    peerName: string,
    options: JoinOptions = {},
  ): Promise<JoinedLobby> {
    const path = `/lobbies/${encodeURIComponent(lobbyId)}/join`;
    const password = options.password !== undefined ? { password: options.password } : {};
    return (await this.request('POST', path, { token, peerName, ...password })) as JoinedLobby;
  }

  async startMediation(token: string, lobbyId: string): Promise<void> {
    await this.request('POST', `/lobbies/${encodeURIComponent(lobbyId)}/ptp/start`, { token });
  }

  /** `POST /lobbies/quick-join`: a seat in the oldest open public lobby without a password that matches. */
  async quickJoin(
    token: string,
    peerName: string,
    filters: QuickJoinFilters = {},
  ): Promise<JoinedLobby> {
    const query = filterQuery(filters).toString();
    const path = `/lobbies/quick-join${query === '' ? '' : `?${query}`}`;
    return (await this.request('POST', path, { token, peerName })) as JoinedLobby;
  }

  /** `POST /lobbies/:lobbyId/leave`: out of the lobby, still connected. */
  async leave(token: string, lobbyId: string): Promise<void> {
    await this.request('POST', `/lobbies/${encodeURIComponent(lobbyId)}/leave`, { token });
  }

  /** `POST /lobbies/:lobbyId/kick` (host only). */
  async kick(
    token: string,
    lobbyId: string,
    peerName: string,
    options: KickOptions = {},
  ): Promise<void> {
    const ban = options.banMs !== undefined ? { banMs: options.banMs } : {};
    await this.request('POST', `/lobbies/${encodeURIComponent(lobbyId)}/kick`, {
      token,
      peerName,
      ...ban,
    });
  }

  /** `PATCH /lobbies/:lobbyId` (host only, not during mediation). */
  async updateLobby(token: string, lobbyId: string, update: LobbyUpdate): Promise<LobbySettings> {
    return (await this.request('PATCH', `/lobbies/${encodeURIComponent(lobbyId)}`, {
      token,
      ...update,
    })) as LobbySettings;
  }

  private async request(
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    body?: object,
    answer: 'json' | 'text' = 'json',
  ): Promise<unknown> {
    const url = new URL(path, this.baseUrl);
    const described = `${method} ${url.pathname}`;
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        headers: body ? { 'content-type': 'application/json' } : undefined,
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new Error(`Orion at ${url.origin} did not answer ${described}: ${causeOf(error)}`, {
        cause: error,
      });
    }
    if (!response.ok) {
      throw new OrionRequestError(response.status, errorsOf(text, response), described);
    }
    if (answer === 'text') return text;
    return text === '' ? undefined : parseJson(text);
  }
}

/** The query of `GET /lobbies` for `filters`; always with a limit, so that it pages. */
function lobbyQuery(filters: LobbyFilters): URLSearchParams {
  const query = filterQuery(filters);
  query.append('limit', String(filters.limit ?? DEFAULT_PAGE_SIZE));
  if (filters.after !== undefined) query.append('after', filters.after);
  return query;
}

/** The filter parameters (no paging) for `filters`. */
function filterQuery(filters: QuickJoinFilters): URLSearchParams {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters.data ?? {})) {
    query.append(`data.${key}`, String(value));
  }
  for (const [key, { min, max }] of Object.entries(filters.dataRange ?? {})) {
    if (min !== undefined) query.append(`data.${key}.min`, String(min));
    if (max !== undefined) query.append(`data.${key}.max`, String(max));
  }
  if (filters.hasPassword !== undefined) query.append('hasPassword', String(filters.hasPassword));
  if (filters.notFull !== undefined) query.append('notFull', String(filters.notFull));
  return query;
}

/** The `errors` of an Orion error body, or one sentence saying what came back instead. */
function errorsOf(text: string, response: Response): string[] {
  const body = parseJson(text) as { errors?: unknown } | undefined;
  const errors = body?.errors;
  if (Array.isArray(errors) && errors.every((e) => typeof e === 'string') && errors.length > 0) {
    return errors;
  }
  return [`The server answered ${response.status} ${response.statusText} without Orion's errors.`];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** fetch hides the useful part (ECONNREFUSED, a timeout) in `cause`. */
function causeOf(error: unknown): string {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return 'no answer in time';
  return err.cause?.code ?? err.cause?.message ?? err.message;
}
