import { describe, expect, it } from 'vitest';
import { hashLobbyPassword, verifyLobbyPassword } from './lobby-password.js';

describe('lobby passwords', () => {
  it('verifies the password a hash was made from, and no other', async () => {
    const hash = await hashLobbyPassword('hunter2');
    expect(await verifyLobbyPassword('hunter2', hash)).toBe(true);
    for (const wrong of ['hunter3', 'Hunter2', 'hunter2 ', '', 'hunter']) {
      expect(await verifyLobbyPassword(wrong, hash), wrong).toBe(false);
    }
  });

  it('keeps neither the password nor anything it could be read back from', async () => {
    const password = 'correct horse battery staple';
    const hash = await hashLobbyPassword(password);
    expect(hash).not.toContain(password);
    expect(hash).not.toContain(Buffer.from(password).toString('base64'));
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
  });

  it('salts every hash: the same password never hashes the same twice', async () => {
    const [first, second] = await Promise.all([
      hashLobbyPassword('same'),
      hashLobbyPassword('same'),
    ]);
    expect(first).not.toBe(second);
    expect(first.split('$')[4]).not.toBe(second.split('$')[4]);
    expect(await verifyLobbyPassword('same', first)).toBe(true);
    expect(await verifyLobbyPassword('same', second)).toBe(true);
  });

  it('treats a composed and a decomposed accent as the same password', async () => {
    const hash = await hashLobbyPassword('caf\u00e9');
    expect(await verifyLobbyPassword('cafe\u0301', hash)).toBe(true);
  });

  it('handles the longest passwords and any characters', async () => {
    for (const password of ['p'.repeat(64), '🚀 ünïcødé $$ \\ "quoted"', '$']) {
      expect(await verifyLobbyPassword(password, await hashLobbyPassword(password))).toBe(true);
    }
  });

  it('refuses, rather than throws, for a hash it cannot read', async () => {
    const hash = await hashLobbyPassword('pw');
    const parts = hash.split('$');
    const broken = [
      '',
      'pw',
      'bcrypt$16384$8$1$' + parts.slice(4).join('$'),
      parts.slice(0, 5).join('$'),
      [...parts.slice(0, 4), 'c2hvcnQ=', parts[5]].join('$'),
      [...parts.slice(0, 5), 'c2hvcnQ='].join('$'),
      ['scrypt', 'x', '8', '1', ...parts.slice(4)].join('$'),
      ['scrypt', '3', '8', '1', ...parts.slice(4)].join('$'), // N not a power of two
      ['scrypt', String(2 ** 30), '8', '1', ...parts.slice(4)].join('$'), // beyond maxmem
    ];
    for (const hashed of broken)
      expect(await verifyLobbyPassword('pw', hashed), hashed).toBe(false);
  });
});
