import type {
  CreateLobbyResponse,
  JoinLobbyResponse,
  ListLobbiesResponse,
  LobbySummary,
} from '@orion/protocol';
import { OrionRequestError } from './errors.js';

export type { LobbySummary };

export interface HostOptions {
  hostName: string;
  lobbyName: string;
  isPublic?: boolean;
  maxMembers?: number;
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

  async listLobbies(): Promise<LobbySummary[]> {
    const body = (await this.request('GET', '/lobbies')) as ListLobbiesResponse;
    return body.lobbies;
  }

  async host(token: string, options: HostOptions): Promise<HostedLobby> {
    return (await this.request('POST', '/lobbies', {
      token,
      hostName: options.hostName,
      lobbyName: options.lobbyName,
      isPublic: options.isPublic ?? DEFAULT_IS_PUBLIC,
      maxMembers: options.maxMembers ?? DEFAULT_MAX_MEMBERS,
    })) as HostedLobby;
  }

  async join(token: string, lobbyId: string, peerName: string): Promise<JoinedLobby> {
    const path = `/lobbies/${encodeURIComponent(lobbyId)}/join`;
    return (await this.request('POST', path, { token, peerName })) as JoinedLobby;
  }

  async startMediation(token: string, lobbyId: string): Promise<void> {
    await this.request('POST', `/lobbies/${encodeURIComponent(lobbyId)}/ptp/start`, { token });
  }

  private async request(
    method: 'GET' | 'POST',
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
