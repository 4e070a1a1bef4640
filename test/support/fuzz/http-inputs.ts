import fc from 'fast-check';
import { Live, resolveLive, templateJson, type LiveContext, type Template } from './refs.js';
import { anyJson, booleanValue, countValue, nameValue, shaped, tokenValue } from './values.js';

/**
 * Generated HTTP requests: every route (and some that do not exist), mostly with the
 * right verb, random path parameters, random or broken bodies and odd content types.
 */
export type Route = 'create' | 'join' | 'start' | 'list' | 'ping' | 'elsewhere';

export type HttpBody =
  | { kind: 'none' }
  | { kind: 'json'; value: Template }
  | { kind: 'brokenJson'; value: Template; cut: number }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'oversize'; length: number };

export interface HttpInput {
  route: Route;
  verb: string;
  /** The `:lobbyId` segment: a live lobby id or a raw, already-escaped path segment. */
  lobbyId: Live | string;
  /** The path for `elsewhere`. */
  otherPath: string;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  body: HttpBody;
  /** Whose token `own` means. */
  from: number;
}

/** A request ready for the wire. */
export interface HttpRequestSpec {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

const VERBS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'] as const;
const RIGHT_VERB: Record<Route, string | undefined> = {
  create: 'POST',
  join: 'POST',
  start: 'POST',
  list: 'GET',
  ping: 'GET',
  elsewhere: undefined,
};

/** Path segments that are already valid on the wire yet odd: bad escapes, dots, slashes. */
const rawSegment = fc.constantFrom(
  '',
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%80',
  '%00',
  '%FF',
  '.',
  '..',
  '%2F',
  '%2e%2e',
  '%20',
  '+',
  ';x',
  '?a=1',
  '#x',
);

const lobbyIdSegment: fc.Arbitrary<Live | string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .record({ pick: fc.nat(), twist: fc.constantFrom('none', 'none', 'lower', 'suffixed') })
      .map(({ pick, twist }) => new Live({ ref: 'lobby', pick, twist })),
  },
  { weight: 2, arbitrary: fc.constant(new Live({ ref: 'ownLobby', twist: 'none' })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map(encodeURIComponent) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }).map(encodeURIComponent) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9]{1,8}$/) },
  { weight: 1, arbitrary: rawSegment },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 3_000 }).map((n) => 'A'.repeat(n)) },
);

const otherPath = fc.oneof(
  fc.constantFrom(
    '/',
    '/lobbies/',
    '/lobbies//join',
    '/lobbies/ABCDE',
    '/lobbies/ABCDE/ptp',
    '/lobbies/ABCDE/join/x',
    '/lobbies/ABCDE/ptp/start/x',
    '/LOBBIES',
    '/ping/',
    '/healthz',
    '/readyz',
    '/metrics',
    '/docs/openapi.json',
    '/%',
    '/..%2F..%2Fetc%2Fpasswd',
    '/*',
  ),
  fc
    .array(fc.oneof(fc.string({ maxLength: 12 }).map(encodeURIComponent), rawSegment), {
      maxLength: 4,
    })
    .map((segments) => `/${segments.join('/')}`),
);

const contentType = fc.oneof(
  { weight: 14, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      undefined,
      'application/json; charset=utf-8',
      'application/json; charset=utf-16',
      'application/json; charset=bogus',
      'APPLICATION/JSON',
      'application/vnd.api+json',
      'text/plain',
      'text/html',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=fuzz',
      'application/octet-stream',
      '*/*',
      'application/json, text/plain',
      ';;;',
    ),
  },
  { weight: 1, arbitrary: fc.stringMatching(/^[\x21-\x7e]{0,40}$/) },
);

const contentEncoding = fc.oneof(
  { weight: 20, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-bogus', '') },
);

const BODY_FIELDS: Record<Route, fc.Arbitrary<Template>> = {
  create: shaped({
    token: tokenValue,
    hostName: nameValue,
    lobbyName: nameValue,
    isPublic: booleanValue,
    maxMembers: countValue,
  }),
  join: shaped({ token: tokenValue, peerName: nameValue }),
  start: shaped({ token: tokenValue }),
  list: anyJson,
  ping: anyJson,
  elsewhere: shaped({ token: tokenValue }),
};

function bodyFor(route: Route): fc.Arbitrary<HttpBody> {
  const value = BODY_FIELDS[route];
  return fc.oneof(
    { weight: 20, arbitrary: value.map((v) => ({ kind: 'json' as const, value: v })) },
    { weight: 2, arbitrary: fc.constant({ kind: 'none' as const }) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(value, fc.nat())
        .map(([v, cut]) => ({ kind: 'brokenJson' as const, value: v, cut })),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(fc.string({ maxLength: 300 }), fc.constantFrom('null', '"x"', '42', '[]', 'true'))
        .map((text) => ({ kind: 'text' as const, text })),
    },
    {
      weight: 1,
      arbitrary: fc
        .uint8Array({ maxLength: 1_000 })
        .map((bytes) => ({ kind: 'bytes' as const, bytes })),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 15_000, max: 20_000 })
        .map((length) => ({ kind: 'oversize' as const, length })),
    },
  );
}

export const httpInputs: fc.Arbitrary<HttpInput> = fc
  .constantFrom<Route>(
    'create',
    'create',
    'join',
    'join',
    'join',
    'start',
    'start',
    'list',
    'ping',
    'elsewhere',
  )
  .chain((route) =>
    fc.record({
      route: fc.constant(route),
      verb: RIGHT_VERB[route]
        ? fc.oneof(
            { weight: 6, arbitrary: fc.constant(RIGHT_VERB[route]!) },
            { weight: 1, arbitrary: fc.constantFrom(...VERBS) },
          )
        : fc.constantFrom(...VERBS),
      lobbyId: lobbyIdSegment,
      otherPath,
      contentType,
      contentEncoding,
      body: bodyFor(route),
      from: fc.nat(),
    }),
  );

/** The request `input` describes, its placeholders filled from `context`. */
export function httpRequest(input: HttpInput, context: LiveContext): HttpRequestSpec {
  const lobbyId =
    input.lobbyId instanceof Live
      ? encodeURIComponent(resolveLive(input.lobbyId.target, context))
      : input.lobbyId;
  const path = {
    create: '/lobbies',
    join: `/lobbies/${lobbyId}/join`,
    start: `/lobbies/${lobbyId}/ptp/start`,
    list: '/lobbies',
    ping: '/ping',
    elsewhere: input.otherPath,
  }[input.route];
  const headers: Record<string, string> = {};
  if (input.contentType !== undefined) headers['content-type'] = input.contentType;
  if (input.contentEncoding !== undefined) headers['content-encoding'] = input.contentEncoding;
  const body = bodyBytes(input.body, context);
  if (body !== undefined) headers['content-length'] = String(body.length);
  return { method: input.verb, path, headers, body };
}

function bodyBytes(body: HttpBody, context: LiveContext): Buffer | undefined {
  switch (body.kind) {
    case 'none':
      return undefined;
    case 'json':
      return Buffer.from(templateJson(body.value, context), 'utf8');
    case 'brokenJson': {
      const json = templateJson(body.value, context);
      const at = body.cut % (json.length + 1);
      return Buffer.from(json.slice(0, at) + '\u0001' + json.slice(at + 1), 'utf8');
    }
    case 'text':
      return Buffer.from(body.text, 'utf8');
    case 'bytes':
      return Buffer.from(body.bytes);
    case 'oversize':
      return Buffer.from(
        JSON.stringify({ token: context.ownToken, hostName: 'x'.repeat(body.length) }),
      );
  }
}
