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
import { CreateLobbyDto } from './create-lobby.dto.js';
import { JoinLobbyDto } from './join-lobby.dto.js';
import { TokenOnlyDto } from './token-only.dto.js';

const validCreate = {
  token: TOKEN,
  hostName: 'Host',
  lobbyName: 'Friday Night',
  isPublic: true,
  maxMembers: 4,
};
const validJoin = { token: TOKEN, peerName: 'Guest' };

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

    it('strips extra properties instead of rejecting the body', async () => {
      const outcome = await expectOutcome(JoinLobbyDto, { ...validJoin, isHost: true }, 'accepted');
      expect(outcome.accepted && outcome.value).toEqual(validJoin);
    });
  });

  describeTokenOnlyDto('TokenOnlyDto', TokenOnlyDto, expectOutcome);
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
