import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Lobby passwords are kept only as `scrypt$<N>$<r>$<p>$<salt>$<key>` (salt and key in
 * base64): a random 16-byte salt per password, scrypt's cost written beside it so that a
 * later change of cost still verifies the hashes already stored. scrypt runs on libuv's
 * thread pool, so hashing never blocks the event loop.
 */
const SCHEME = 'scrypt';
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Node's defaults: about 16 MiB and a few tens of milliseconds per hash. */
const COST: Required<Pick<ScryptOptions, 'N' | 'r' | 'p'>> = { N: 16_384, r: 8, p: 1 };
/** The most scrypt may use for a stored cost: twice today's, so a hash stays verifiable. */
const MAX_MEMORY_BYTES = 64 * 1024 * 1024;

export async function hashLobbyPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, COST);
  return [SCHEME, COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join(
    '$',
  );
}

/** Whether `password` is the one `hash` was made from; false for a hash it cannot read. */
export async function verifyLobbyPassword(password: string, hash: string): Promise<boolean> {
  const parsed = parse(hash);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.cost).catch(() => undefined);
  return key !== undefined && timingSafeEqual(key, parsed.key);
}

function derive(password: string, salt: Buffer, cost: typeof COST): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      KEY_BYTES,
      { ...cost, maxmem: MAX_MEMORY_BYTES },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

function parse(hash: string): { cost: typeof COST; salt: Buffer; key: Buffer } | undefined {
  const parts = hash.split('$');
  if (parts.length !== 6 || parts[0] !== SCHEME) return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64');
  const key = Buffer.from(parts[5], 'base64');
  const whole = [N, r, p].every((n) => Number.isSafeInteger(n) && n > 0);
  if (!whole || salt.length !== SALT_BYTES || key.length !== KEY_BYTES) return undefined;
  return { cost: { N, r, p }, salt, key };
}
