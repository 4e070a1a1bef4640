import { BadRequestException } from '@nestjs/common';
import type { ClassConstructor } from 'class-transformer';
import { describe, expect, it } from 'vitest';
import { validatePayload } from '../../common/validate-payload.js';
import { createValidationPipe } from '../../common/validation.pipe.js';
import { ChatMessageDto } from '../../gateway/dto/chat-message.dto.js';
import { UdpConnectDto } from '../../udp/dto/udp-connect.dto.js';
import { CreateLobbyDto } from './create-lobby.dto.js';
import { JoinLobbyDto } from './join-lobby.dto.js';
import { TokenOnlyDto } from './token-only.dto.js';

type Outcome = { accepted: true; value: object } | { accepted: false };

interface Validator {
  name: string;
  check(dto: ClassConstructor<object>, body: unknown): Promise<Outcome>;
}

/** The WebSocket/UDP path: `validatePayload` returns the instance or undefined. */
const payloadValidator: Validator = {
  name: 'validatePayload',
  async check(dto, body) {
    const value = validatePayload(dto, body);
    return value === undefined ? { accepted: false } : { accepted: true, value };
  },
};

/** The HTTP path: the global pipe returns the instance or throws 400 `{ errors: string[] }`. */
const pipeValidator: Validator = {
  name: 'the HTTP validation pipe',
  async check(dto, body) {
    try {
      const value = (await createValidationPipe().transform(body, {
        type: 'body',
        metatype: dto,
      })) as object;
      return { accepted: true, value };
    } catch (error) {
      expect(error).toBeInstanceOf(BadRequestException);
      const response = (error as BadRequestException).getResponse() as { errors: unknown };
      expect(Object.keys(response)).toEqual(['errors']);
      expect(Array.isArray(response.errors)).toBe(true);
      expect((response.errors as unknown[]).length).toBeGreaterThan(0);
      for (const message of response.errors as unknown[]) expect(typeof message).toBe('string');
      return { accepted: false };
    }
  },
};

const TOKEN = 'a-client-token';
const validCreate = {
  token: TOKEN,
  hostName: 'Host',
  lobbyName: 'Friday Night',
  isPublic: true,
  maxMembers: 4,
};
const validJoin = { token: TOKEN, peerName: 'Guest' };
const validChat = { token: TOKEN, lobbyId: 'K3X9Q', message: 'hello' };

interface Case {
  label: string;
  value: unknown;
  verdict: 'accepted' | 'rejected';
}
const accepted = (label: string, value: unknown): Case => ({ label, value, verdict: 'accepted' });
const rejected = (label: string, value: unknown): Case => ({ label, value, verdict: 'rejected' });

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

const TOKEN_CASES: Case[] = [
  accepted('256 characters', 't'.repeat(256)),
  rejected('257 characters', 't'.repeat(257)),
  rejected('no characters', ''),
  rejected('a number instead of a string', 12345),
  rejected('null instead of a string', null),
];

for (const validator of [payloadValidator, pipeValidator]) {
  describe(`DTO validation with ${validator.name}`, () => {
    const expectOutcome = async (
      dto: ClassConstructor<object>,
      body: unknown,
      verdict: Case['verdict'],
    ) => {
      const outcome = await validator.check(dto, body);
      expect(outcome.accepted).toBe(verdict === 'accepted');
      return outcome;
    };

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
        const outcome = await expectOutcome(
          JoinLobbyDto,
          { ...validJoin, isHost: true },
          'accepted',
        );
        expect(outcome.accepted && outcome.value).toEqual(validJoin);
      });
    });

    describe.each([
      ['TokenOnlyDto', TokenOnlyDto],
      ['UdpConnectDto', UdpConnectDto],
    ] as const)('%s', (_name, dto) => {
      for (const { label, value, verdict } of TOKEN_CASES) {
        it(`a token of ${label} is ${verdict}`, async () => {
          await expectOutcome(dto, { token: value }, verdict);
        });
      }

      it('rejects a body without a token', async () => {
        await expectOutcome(dto, {}, 'rejected');
      });

      it('strips extra properties instead of rejecting the body', async () => {
        const outcome = await expectOutcome(dto, { token: TOKEN, lobbyId: 'K3X9Q' }, 'accepted');
        expect(outcome.accepted && outcome.value).toEqual({ token: TOKEN });
      });
    });

    describe('ChatMessageDto', () => {
      for (const { label, value, verdict } of [
        accepted('1 character', 'x'),
        accepted('250 characters', 'm'.repeat(250)),
        rejected('0 characters', ''),
        rejected('251 characters', 'm'.repeat(251)),
        rejected('a number instead of a string', 7),
      ]) {
        it(`a message of ${label} is ${verdict}`, async () => {
          await expectOutcome(ChatMessageDto, { ...validChat, message: value }, verdict);
        });
      }

      for (const { label, value, verdict } of TOKEN_CASES) {
        it(`a token of ${label} is ${verdict}`, async () => {
          await expectOutcome(ChatMessageDto, { ...validChat, token: value }, verdict);
        });
      }

      it('rejects a message without a lobbyId', async () => {
        const { lobbyId: _omitted, ...withoutLobbyId } = validChat;
        await expectOutcome(ChatMessageDto, withoutLobbyId, 'rejected');
      });

      it('strips extra properties instead of rejecting the message', async () => {
        const outcome = await expectOutcome(
          ChatMessageDto,
          { ...validChat, senderName: 'X' },
          'accepted',
        );
        expect(outcome.accepted && outcome.value).toEqual(validChat);
      });
    });
  });
}
describe('validatePayload', () => {
  it.each([
    ['null', null],
    ['an array', [{ token: TOKEN }]],
    ['a string', TOKEN],
  ])('rejects %s instead of an object', (_label, payload) => {
    expect(validatePayload(TokenOnlyDto, payload)).toBeUndefined();
  });
});
