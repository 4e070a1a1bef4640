/**
 * Generated inputs are drawn before the test knows any token or lobby id, so they name
 * live state symbolically ({@link Live}) and are resolved against the running server
 * just before they are sent. The same seed then yields the same inputs on every run.
 */

/** How a sender's own token is bent before it is sent: only `none` may pass the token check. */
export type TokenTwist = 'none' | 'padded' | 'upper' | 'truncated' | 'doubled';

/** How a live lobby id is bent: the server trims and upper-cases ids, so most still match. */
export type LobbyTwist = 'none' | 'lower' | 'padded' | 'suffixed';

export type LiveTarget =
  | { ref: 'own'; twist: TokenTwist }
  | { ref: 'fuzzer'; pick: number }
  | { ref: 'observer'; pick: number }
  | { ref: 'lobby'; pick: number; twist: LobbyTwist }
  | { ref: 'ownLobby'; twist: LobbyTwist };

/** A place in a generated value that is filled from the live server when the input is sent. */
export class Live {
  constructor(readonly target: LiveTarget) {}
}

/**
 * JSON text spliced in as is: nesting thousands of levels deep, which would be costly
 * (and, past a point, impossible) to build and serialise as objects.
 */
export class RawJson {
  constructor(readonly text: string) {}
}

/** A JSON value that may hold {@link Live} placeholders and {@link RawJson} anywhere. */
export type Template =
  null | boolean | number | string | Live | RawJson | Template[] | TemplateObject;
export interface TemplateObject {
  // Optional keys: a partial record leaves some out.
  [key: string]: Template | undefined;
}

/** The live state placeholders resolve against. */
export interface LiveContext {
  ownToken: string;
  fuzzerTokens: readonly string[];
  observerTokens: readonly string[];
  lobbyIds: readonly string[];
  /** The lobby the sender is a member of, if any. */
  ownLobbyId: string | undefined;
}

const NO_LOBBY = 'ZZZZZ';

/** The template as JSON text, placeholders filled from `context`. */
export function templateJson(template: Template, context: LiveContext): string {
  if (template instanceof RawJson) return template.text;
  if (template instanceof Live) return JSON.stringify(resolveLive(template.target, context));
  if (Array.isArray(template)) {
    return `[${template.map((item) => templateJson(item, context)).join(',')}]`;
  }
  if (template !== null && typeof template === 'object') {
    const members = Object.entries(template).flatMap(([key, value]) =>
      value === undefined ? [] : [`${JSON.stringify(key)}:${templateJson(value, context)}`],
    );
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(template);
}

/** The token or lobby id a placeholder stands for, bent as the target asks. */
export function resolveLive(target: LiveTarget, context: LiveContext): string {
  switch (target.ref) {
    case 'own':
      return twistToken(context.ownToken, target.twist);
    case 'fuzzer':
      return pick(context.fuzzerTokens, target.pick) ?? context.ownToken;
    case 'observer':
      return pick(context.observerTokens, target.pick) ?? context.ownToken;
    case 'lobby':
      return twistLobbyId(pick(context.lobbyIds, target.pick) ?? NO_LOBBY, target.twist);
    case 'ownLobby':
      return twistLobbyId(context.ownLobbyId ?? NO_LOBBY, target.twist);
  }
}

function twistToken(token: string, twist: TokenTwist): string {
  switch (twist) {
    case 'none':
      return token;
    case 'padded':
      return ` ${token} `;
    case 'upper':
      return token.toUpperCase();
    case 'truncated':
      return token.slice(0, -1);
    case 'doubled':
      return token + token;
  }
}

function twistLobbyId(lobbyId: string, twist: LobbyTwist): string {
  switch (twist) {
    case 'none':
      return lobbyId;
    case 'lower':
      return lobbyId.toLowerCase();
    case 'padded':
      return ` ${lobbyId}\t`;
    case 'suffixed':
      return `${lobbyId}X`;
  }
}

const pick = <T>(items: readonly T[], index: number): T | undefined =>
  items.length === 0 ? undefined : items[index % items.length];
