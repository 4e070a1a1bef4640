import { randomBytes, randomInt, randomUUID } from 'node:crypto';

const LOBBY_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const LOBBY_ID_LENGTH = 5;

/** A secret bearer token: 256 bits from the CSPRNG, URL-safe. */
export function newClientToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A non-secret internal id, safe to log. */
export function newClientId(): string {
  return randomUUID();
}

/** A 5-character base-36 lobby code drawn from the CSPRNG. */
export function newLobbyId(): string {
  let id = '';
  for (let i = 0; i < LOBBY_ID_LENGTH; i++) {
    id += LOBBY_ID_ALPHABET[randomInt(LOBBY_ID_ALPHABET.length)];
  }
  return id;
}
