import fc from 'fast-check';
import { templateJson, type LiveContext, type Template } from './refs.js';
import { anyJson } from './values.js';

/**
 * Generated WebSocket frames and UDP datagrams. Both carry Orion's `method:base64(JSON)`
 * text, so one description serves both: raw bytes, arbitrary text, or a frame for a
 * method with a generated payload, possibly mangled on the way to the wire.
 */
export type FrameInput =
  | { kind: 'bytes'; from: number; bytes: Uint8Array }
  | { kind: 'text'; from: number; text: string }
  | { kind: 'frame'; from: number; method: string; payload: Template; mangle: Mangle };

/** Ways to spoil an otherwise well-formed frame; `none` and `spaced` still decode. */
export const MANGLES = [
  'none',
  'spaced',
  'unpadded',
  'urlSafe',
  'truncated',
  'rawJson',
  'noColon',
  'doubleColon',
  'spaceInMethod',
  'brokenJson',
] as const;
export type Mangle = (typeof MANGLES)[number];

/** A method the transport knows, with the payload shape that reaches its handler. */
export interface KnownMethod {
  method: string;
  payload: fc.Arbitrary<Template>;
}

/** Method names no transport handles, including ones that look like object internals. */
const unknownMethod = fc.oneof(
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,40}$/),
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    'client_registered',
    'lobby_closed',
    'ptpMediation_connect',
    'lobby_messaging_received',
    'LOBBY_MESSAGING_SEND',
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty',
  ),
);

/**
 * Frames for `known` methods (most of them, so the handlers see plenty), unknown methods,
 * arbitrary text and raw bytes, sent from sender number `from` (taken modulo the senders).
 */
export function frameInputs(known: KnownMethod[], maxBytes: number): fc.Arbitrary<FrameInput> {
  const from = fc.nat();
  const mangle = fc.oneof(
    { weight: 12, arbitrary: fc.constant<Mangle>('none') },
    { weight: 1, arbitrary: fc.constantFrom(...MANGLES) },
  );
  const knownFrame = fc.oneof(
    ...known.map(({ method, payload }) =>
      fc.record({
        kind: fc.constant('frame' as const),
        from,
        method: fc.constant(method),
        payload,
        mangle,
      }),
    ),
  );
  const unknownFrame = fc.record({
    kind: fc.constant('frame' as const),
    from,
    method: unknownMethod,
    payload: anyJson,
    mangle,
  });
  const text = fc.record({
    kind: fc.constant('text' as const),
    from,
    text: fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.constantFrom('', ':', 'a:', ':e30=', 'a:e30', 'a:====', 'a:e30=\n', 'a: e30= '),
    ),
  });
  const bytes = fc.record({
    kind: fc.constant('bytes' as const),
    from,
    // Short ones, and ones around `maxBytes` (which may pass a size limit on purpose).
    bytes: fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.uint8Array({ minLength: Math.floor(maxBytes / 2), maxLength: maxBytes }),
    ),
  });
  return fc.oneof(
    { weight: 14, arbitrary: knownFrame },
    { weight: 2, arbitrary: unknownFrame },
    { weight: 1, arbitrary: text },
    { weight: 1, arbitrary: bytes },
  );
}

/** What goes on the wire for `input`: text for text frames, bytes for binary ones. */
export function wireData(input: FrameInput, context: LiveContext): string | Buffer {
  switch (input.kind) {
    case 'bytes':
      return Buffer.from(input.bytes);
    case 'text':
      return input.text;
    case 'frame':
      return mangled(input.method, templateJson(input.payload, context), input.mangle);
  }
}

function mangled(method: string, json: string, mangle: Mangle): string {
  const base64 = Buffer.from(json, 'utf8').toString('base64');
  switch (mangle) {
    case 'none':
      return `${method}:${base64}`;
    case 'spaced':
      return `${method}: ${base64}\r\n`;
    case 'unpadded':
      return `${method}:${base64.replace(/=+$/, '')}`;
    case 'urlSafe':
      return `${method}:${base64.replaceAll('+', '-').replaceAll('/', '_')}`;
    case 'truncated':
      return `${method}:${base64.slice(0, Math.floor(base64.length / 2))}`;
    case 'rawJson':
      return `${method}:${json}`;
    case 'noColon':
      return `${method}${base64}`;
    case 'doubleColon':
      return `${method}::${base64}`;
    case 'spaceInMethod':
      return ` ${method}:${base64}`;
    case 'brokenJson':
      return `${method}:${Buffer.from(json.slice(0, -1), 'utf8').toString('base64')}`;
  }
}

/** Cuts `data` until it fits in `maxBytes`, so that no input trips the size limit. */
export function fitted(data: string | Buffer, maxBytes: number): string | Buffer {
  if (Buffer.isBuffer(data)) return data.subarray(0, maxBytes);
  let text = data;
  while (Buffer.byteLength(text, 'utf8') > maxBytes)
    text = text.slice(0, Math.floor(text.length * 0.9));
  return text;
}
