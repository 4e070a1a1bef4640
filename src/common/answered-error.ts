import type { OrionErrorCode } from './orion-error.js';

const ANSWERED_ERROR = Symbol('orion.answeredError');

type Marked = { [ANSWERED_ERROR]?: OrionErrorCode };

/** Notes on the response which domain error it answers, for hooks that run once it is sent. */
export function recordAnsweredError(response: object, code: OrionErrorCode): void {
  (response as Marked)[ANSWERED_ERROR] = code;
}

/** The domain error the response answered, if it answered one. */
export function answeredErrorOf(response: object): OrionErrorCode | undefined {
  return (response as Marked)[ANSWERED_ERROR];
}
