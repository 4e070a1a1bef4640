/**
 * Domain failures raised by services: a code and a message, nothing about transports.
 * Each transport maps the code once: the HTTP exception filter picks the status, and
 * WebSocket and UDP drop the input.
 */
export type OrionErrorCode =
  | 'CLIENT_UNREGISTERED'
  | 'ALREADY_IN_LOBBY'
  | 'NOT_IN_LOBBY'
  | 'LOBBY_NOT_FOUND'
  | 'LOBBY_LOCKED'
  | 'LOBBY_FULL'
  | 'NAME_TAKEN'
  | 'NOT_HOST'
  | 'TOO_FEW_MEMBERS'
  | 'MEDIATION_UNDERWAY'
  | 'NO_MEDIATION'
  | 'LOBBY_ID_EXHAUSTED'
  | 'PASSWORD_REQUIRED'
  | 'WRONG_PASSWORD'
  | 'CURSOR_NOT_LISTED'
  | 'NO_SUCH_MEMBER'
  | 'CANNOT_KICK_SELF'
  | 'BANNED_FROM_LOBBY'
  | 'NO_MATCHING_LOBBY';

export class OrionError extends Error {
  constructor(
    readonly code: OrionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'OrionError';
  }
}

export const Errors = {
  clientUnregistered: () =>
    new OrionError('CLIENT_UNREGISTERED', 'The client is unregistered. Try reconnecting.'),
  alreadyInLobby: () =>
    new OrionError('ALREADY_IN_LOBBY', 'The client is already in a lobby. Leave it first.'),
  notInLobby: () => new OrionError('NOT_IN_LOBBY', 'The client is not a member of that lobby.'),
  lobbyNotFound: () => new OrionError('LOBBY_NOT_FOUND', 'The lobby does not exist.'),
  lobbyLocked: () =>
    new OrionError(
      'LOBBY_LOCKED',
      'The lobby is locked while peer-to-peer mediation is underway. Try again later.',
    ),
  lobbyFull: () => new OrionError('LOBBY_FULL', 'The lobby is full.'),
  nameTaken: () =>
    new OrionError('NAME_TAKEN', 'That name is already taken in this lobby. Pick another.'),
  notHost: () =>
    new OrionError('NOT_HOST', 'Only the host of the lobby can start peer-to-peer mediation.'),
  tooFewMembers: () =>
    new OrionError(
      'TOO_FEW_MEMBERS',
      'Peer-to-peer mediation needs at least 2 members in the lobby.',
    ),
  mediationUnderway: () =>
    new OrionError('MEDIATION_UNDERWAY', 'Peer-to-peer mediation is already underway.'),
  noMediation: () =>
    new OrionError('NO_MEDIATION', 'No peer-to-peer mediation is underway for that lobby.'),
  lobbyIdExhausted: () =>
    new OrionError('LOBBY_ID_EXHAUSTED', 'No free lobby code could be found. Try again.'),
  passwordRequired: () => new OrionError('PASSWORD_REQUIRED', 'The lobby requires a password.'),
  wrongPassword: () => new OrionError('WRONG_PASSWORD', 'The lobby password is wrong.'),
  cursorNotListed: () =>
    new OrionError(
      'CURSOR_NOT_LISTED',
      'The lobby given as after is no longer listed. List again from the start.',
    ),
  notHostToManage: () =>
    new OrionError('NOT_HOST', 'Only the host of the lobby can kick members or change the lobby.'),
  noSuchMember: () => new OrionError('NO_SUCH_MEMBER', 'No member of the lobby has that name.'),
  cannotKickSelf: () =>
    new OrionError('CANNOT_KICK_SELF', 'The host cannot kick itself. Leave the lobby instead.'),
  bannedFromLobby: () =>
    new OrionError('BANNED_FROM_LOBBY', 'The host removed you from this lobby. Try again later.'),
  noMatchingLobby: () =>
    new OrionError('NO_MATCHING_LOBBY', 'No open public lobby matches. Try again or create one.'),
} as const;
