import { Agent, request } from 'node:http';
import type { HttpRequestSpec, Route } from './http-inputs.js';

/** What came back for one request: enough to judge it and to report it. */
export interface HttpOutcome {
  status: number;
  contentType: string;
  text: string;
}

/**
 * Sends raw requests over a small pool of kept-alive connections. Plain `node:http`
 * rather than supertest, so that bodies, verbs, headers and paths go out exactly as
 * generated, and so that ten thousand requests do not cost ten thousand handshakes.
 */
export class RawHttpClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 8 });
  private readonly host: string;
  private readonly port: number;

  constructor(baseUrl: string) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
  }

  send(spec: HttpRequestSpec): Promise<HttpOutcome> {
    return new Promise((resolve, reject) => {
      const outgoing = request(
        {
          agent: this.agent,
          host: this.host,
          port: this.port,
          method: spec.method,
          path: spec.path,
          headers: spec.headers,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              contentType: String(response.headers['content-type'] ?? ''),
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end(spec.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * Why `outcome` breaks the HTTP contract, or undefined when it keeps it: never a 5xx;
 * every 4xx (bar HEAD, which has no body) answers JSON `{ errors }` with at least one
 * non-empty message and nothing else; a success of an Orion route has that route's shape.
 */
export function httpContractBreach(
  route: Route,
  spec: HttpRequestSpec,
  outcome: HttpOutcome,
): string | undefined {
  const { status } = outcome;
  if (status < 200 || status >= 500) return `status ${status}`;
  if (spec.method === 'HEAD') return undefined;
  if (status < 400) return successBreach(route, spec, outcome);
  const body = jsonBody(outcome);
  if (body === undefined) return `${status} that is not JSON: ${preview(outcome)}`;
  const errors = (body as { errors?: unknown } | null)?.errors;
  const wellFormed =
    body !== null &&
    typeof body === 'object' &&
    Object.keys(body).join() === 'errors' &&
    Array.isArray(errors) &&
    errors.length > 0 &&
    errors.every((error) => typeof error === 'string' && error.trim().length > 0);
  return wellFormed ? undefined : `${status} with body ${preview(outcome)}`;
}

/** The shape each Orion route promises on success; other paths (docs, probes) pass. */
function successBreach(route: Route, spec: HttpRequestSpec, outcome: HttpOutcome) {
  const body = jsonBody(outcome) as Record<string, unknown> | undefined;
  const expected: Record<Route, [string, number, boolean] | undefined> = {
    ping: ['GET', 200, outcome.text === 'pong'],
    list: ['GET', 200, Array.isArray(body?.lobbies)],
    create: ['POST', 201, /^[A-Z0-9]{5}$/.test(String(body?.lobbyId))],
    join: ['POST', 200, Array.isArray(body?.lobbyMembers) && typeof body?.host === 'string'],
    start: ['POST', 200, outcome.text === ''],
    elsewhere: undefined,
  };
  const promise = expected[route];
  if (promise === undefined || promise[0] !== spec.method) return undefined;
  const [, promisedStatus, shapeHolds] = promise;
  if (outcome.status !== promisedStatus) return `success ${outcome.status}, not ${promisedStatus}`;
  return shapeHolds ? undefined : `${outcome.status} with body ${preview(outcome)}`;
}

function jsonBody(outcome: HttpOutcome): unknown {
  if (!/application\/json/.test(outcome.contentType)) return undefined;
  try {
    return JSON.parse(outcome.text) as unknown;
  } catch {
    return undefined;
  }
}

const preview = (outcome: HttpOutcome) =>
  JSON.stringify(outcome.text.slice(0, 200)) + ` (${outcome.contentType || 'no content-type'})`;
