import { describe, expect, it } from 'vitest';
import {
  accepted,
  describeWithEachValidator,
  rejected,
  TOKEN,
  TOKEN_CASES,
} from '../../common/testing/dto-validators.js';
import { ChatMessageDto } from './chat-message.dto.js';

const validChat = { token: TOKEN, lobbyId: 'K3X9Q', message: 'hello' };

describeWithEachValidator((expectOutcome) => {
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
