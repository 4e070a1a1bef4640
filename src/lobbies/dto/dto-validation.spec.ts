import { describe, expect, it } from 'vitest';
import {
  accepted,
  describeTokenOnlyDto,
  describeWithEachValidator,
  rejected,
  TOKEN,
  TOKEN_CASES,
  type Case,
} from '../../common/testing/dto-validators.js';
import { validatePayload } from '../../common/validate-payload.js';
import { createValidationPipe } from '../../common/validation.pipe.js';
import { LOBBY_DATA_RULES } from '../lobby-data.js';
import { CreateLobbyDto } from './create-lobby.dto.js';
import { JoinLobbyDto } from './join-lobby.dto.js';
import { KickMemberDto, QuickJoinDto, UpdateLobbyDto } from './lobby-actions.dto.js';
import { TokenOnlyDto } from './token-only.dto.js';

const validCreate = {
  token: TOKEN,
  hostName: 'Host',
  lobbyName: 'Friday Night',
  isPublic: true,
  maxMembers: 4,
};
const validJoin = { token: TOKEN, peerName: 'Guest' };

const sixteen = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, i]));

const PASSWORD_CASES: Case[] = [
  accepted('one character', 'p'),
  accepted('64 characters', 'p'.repeat(64)),
  accepted('spaces, punctuation and non-ASCII letters', ' pässwörd $ 🚀 '),
  accepted('null, which counts as none', null),
  rejected('no characters', ''),
  rejected('65 characters', 'p'.repeat(65)),
  rejected('a number', 1234),
  rejected('true', true),
  rejected('an object', { password: 'x' }),
];

const DATA_CASES: Case[] = [
  accepted('an empty object', {}),
  accepted('strings and numbers', { version: '1.4.2', mode: 'ctf', players: 4, ratio: -0.25 }),
  accepted('16 entries', sixteen),
  accepted('a 32-character key with _ and -', { ['a_b-C9'.padEnd(32, 'x')]: 'v' }),
  accepted('a 128-character value', { motd: 'm'.repeat(128) }),
  accepted('128 characters beyond the BMP', { motd: '🚀'.repeat(128) }),
  accepted('an empty string value', { note: '' }),
  accepted('null, which counts as none', null),
  rejected('17 entries', { ...sixteen, k16: 16 }),
  rejected('a 33-character key', { ['k'.repeat(33)]: 'v' }),
  rejected('a key with a dot', { 'a.b': 'v' }),
  rejected('a key with a space', { 'a b': 'v' }),
  rejected('an empty key', { '': 'v' }),
  rejected('a 129-character value', { motd: 'm'.repeat(129) }),
  rejected('a boolean value', { ranked: true }),
  rejected('a null value', { map: null }),
  rejected('a nested object', { map: { name: 'harbor' } }),
  rejected('an array value', { maps: ['harbor'] }),
  rejected('an array', ['ctf']),
  rejected('a string', 'mode=ctf'),
  rejected('a number', 4),
];

const NAME_CASES: Case[] = [
  accepted('a single character', 'a'),
  accepted('exactly 50 characters', 'n'.repeat(50)),
  rejected('51 characters', 'n'.repeat(51)),
  rejected('a leading space', ' Host'),
  accepted('inner spaces', 'Big Bad Host'),
  accepted('a trailing space', 'Host '),
  accepted('underscores and digits', '_player_42'),
  rejected('no characters', ''),
  rejected('punctuation', 'Host!'),
  rejected('a hyphen', 'host-1'),
  rejected('non-ASCII letters', 'Zoë'),
  rejected('an emoji', 'Host 🚀'),
  rejected('a number instead of a string', 42),
];

describeWithEachValidator((expectOutcome) => {
  describe('CreateLobbyDto', () => {
    it('accepts a well-formed body and yields a CreateLobbyDto', async () => {
      const outcome = await expectOutcome(CreateLobbyDto, validCreate, 'accepted');
      expect(outcome.accepted && outcome.value).toBeInstanceOf(CreateLobbyDto);
      expect(outcome.accepted && outcome.value).toEqual(validCreate);
    });

    describe.each(['hostName', 'lobbyName'])('a %s', (field) => {
      for (const { label, value, verdict } of NAME_CASES) {
        it(`is ${verdict} with ${label}`, async () => {
          await expectOutcome(CreateLobbyDto, { ...validCreate, [field]: value }, verdict);
        });
      }
    });

    for (const { label, value, verdict } of [
      accepted('1', 1),
      accepted('64', 64),
      rejected('0', 0),
      rejected('65', 65),
      rejected('1.5', 1.5),
      rejected('the string "4"', '4'),
      rejected('null', null),
    ]) {
      it(`maxMembers is ${verdict} when it is ${label}`, async () => {
        await expectOutcome(CreateLobbyDto, { ...validCreate, maxMembers: value }, verdict);
      });
    }

    for (const { label, value, verdict } of [
      accepted('true', true),
      accepted('false', false),
      rejected('the string "true"', 'true'),
      rejected('the number 1', 1),
    ]) {
      it(`isPublic is ${verdict} when it is ${label}`, async () => {
        await expectOutcome(CreateLobbyDto, { ...validCreate, isPublic: value }, verdict);
      });
    }

    for (const { label, value, verdict } of TOKEN_CASES) {
      it(`a token of ${label} is ${verdict}`, async () => {
        await expectOutcome(CreateLobbyDto, { ...validCreate, token: value }, verdict);
      });
    }

    for (const { label, value, verdict } of PASSWORD_CASES) {
      it(`a password of ${label} is ${verdict}`, async () => {
        await expectOutcome(CreateLobbyDto, { ...validCreate, password: value }, verdict);
      });
    }

    for (const { label, value, verdict } of DATA_CASES) {
      it(`data of ${label} is ${verdict}`, async () => {
        await expectOutcome(CreateLobbyDto, { ...validCreate, data: value }, verdict);
      });
    }

    it('keeps data and password as sent, entries in order', async () => {
      const data = { version: '1.4.2', players: 4, zeta: 'z', alpha: 1.4 };
      const body = { ...validCreate, password: 'hunter2', data };
      const outcome = await expectOutcome(CreateLobbyDto, body, 'accepted');
      const value = outcome.accepted ? (outcome.value as CreateLobbyDto) : undefined;
      expect(value?.password).toBe('hunter2');
      expect(value?.data).toEqual(data);
      expect(Object.keys(value?.data ?? {})).toEqual(Object.keys(data));
    });

    it('rejects a body missing a field', async () => {
      const { maxMembers: _omitted, ...withoutMaxMembers } = validCreate;
      await expectOutcome(CreateLobbyDto, withoutMaxMembers, 'rejected');
    });

    it('strips extra properties instead of rejecting the body', async () => {
      const outcome = await expectOutcome(
        CreateLobbyDto,
        { ...validCreate, admin: true },
        'accepted',
      );
      expect(outcome.accepted && outcome.value).not.toHaveProperty('admin');
    });
  });

  describe('JoinLobbyDto', () => {
    it('accepts a well-formed body', async () => {
      const outcome = await expectOutcome(JoinLobbyDto, validJoin, 'accepted');
      expect(outcome.accepted && outcome.value).toEqual(validJoin);
    });

    for (const { label, value, verdict } of NAME_CASES) {
      it(`a peerName with ${label} is ${verdict}`, async () => {
        await expectOutcome(JoinLobbyDto, { ...validJoin, peerName: value }, verdict);
      });
    }

    for (const { label, value, verdict } of TOKEN_CASES) {
      it(`a token of ${label} is ${verdict}`, async () => {
        await expectOutcome(JoinLobbyDto, { ...validJoin, token: value }, verdict);
      });
    }

    for (const { label, value, verdict } of PASSWORD_CASES) {
      it(`a password of ${label} is ${verdict}`, async () => {
        await expectOutcome(JoinLobbyDto, { ...validJoin, password: value }, verdict);
      });
    }

    it('strips extra properties instead of rejecting the body', async () => {
      const outcome = await expectOutcome(JoinLobbyDto, { ...validJoin, isHost: true }, 'accepted');
      expect(outcome.accepted && outcome.value).toEqual(validJoin);
    });
  });

  describe('CreateLobbyDto hostMigration', () => {
    for (const { label, value, verdict } of [
      accepted('true', true),
      accepted('false', false),
      accepted('null, which counts as false', null),
      rejected('the string "true"', 'true'),
      rejected('the number 1', 1),
    ]) {
      it(`is ${verdict} when it is ${label}`, async () => {
        await expectOutcome(CreateLobbyDto, { ...validCreate, hostMigration: value }, verdict);
      });
    }
  });

  describe('KickMemberDto', () => {
    for (const { label, value, verdict } of [
      accepted('absent', undefined),
      accepted('0', 0),
      accepted('600000', 600_000),
      rejected('-1', -1),
      rejected('600001', 600_001),
      rejected('1.5', 1.5),
      rejected('the string "10"', '10'),
    ]) {
      it(`banMs is ${verdict} when it is ${label}`, async () => {
        await expectOutcome(KickMemberDto, { ...validJoin, banMs: value }, verdict);
      });
    }

    for (const { label, value, verdict } of NAME_CASES) {
      it(`a peerName with ${label} is ${verdict}`, async () => {
        await expectOutcome(KickMemberDto, { ...validJoin, peerName: value }, verdict);
      });
    }
  });

  describe('UpdateLobbyDto', () => {
    for (const { label, value, verdict } of NAME_CASES) {
      it(`a lobbyName with ${label} is ${verdict}`, async () => {
        await expectOutcome(UpdateLobbyDto, { token: TOKEN, lobbyName: value }, verdict);
      });
    }

    for (const { label, value, verdict } of DATA_CASES) {
      it(`data of ${label} is ${verdict}`, async () => {
        await expectOutcome(UpdateLobbyDto, { token: TOKEN, data: value }, verdict);
      });
    }

    it('rejects an isPublic that is not a boolean', async () => {
      await expectOutcome(UpdateLobbyDto, { token: TOKEN, isPublic: 'true' }, 'rejected');
      await expectOutcome(UpdateLobbyDto, { token: TOKEN, isPublic: false }, 'accepted');
    });
  });

  describe('QuickJoinDto', () => {
    for (const { label, value, verdict } of NAME_CASES) {
      it(`a peerName with ${label} is ${verdict}`, async () => {
        await expectOutcome(QuickJoinDto, { ...validJoin, peerName: value }, verdict);
      });
    }
  });

  describeTokenOnlyDto('TokenOnlyDto', TokenOnlyDto, expectOutcome);
});

describe('the 400 messages for a password and data', () => {
  async function errorsFor(body: object): Promise<string[]> {
    const error = await createValidationPipe()
      .transform(body, { type: 'body', metatype: CreateLobbyDto })
      .then(
        () => expect.fail('expected the body to be refused'),
        (reason: unknown) => reason,
      );
    return (error as { getResponse(): { errors: string[] } }).getResponse().errors;
  }

  it('say what is wrong with a password without quoting it', async () => {
    const secret = 's3cret-'.repeat(10);
    const errors = await errorsFor({ ...validCreate, password: secret });
    expect(errors).toEqual(['password must be 1 to 64 characters.']);
    expect(JSON.stringify(errors)).not.toContain('s3cret');
  });

  it.each([
    [{ a: 1, b: true }, LOBBY_DATA_RULES.badValue],
    [{ 'a.b': 1 }, LOBBY_DATA_RULES.badKey],
    [{ ...sixteen, more: 1 }, LOBBY_DATA_RULES.tooManyEntries],
    [[1, 2], LOBBY_DATA_RULES.notAnObject],
  ])('name the first data rule broken by %j', async (data, message) => {
    expect(await errorsFor({ ...validCreate, data })).toEqual([message]);
  });
});

describe('validatePayload', () => {
  it.each([
    ['null', null],
    ['an array', [{ token: TOKEN }]],
    ['a string', TOKEN],
  ])('rejects %s instead of an object', (_label, payload) => {
    expect(validatePayload(TokenOnlyDto, payload)).toBeUndefined();
  });
});
