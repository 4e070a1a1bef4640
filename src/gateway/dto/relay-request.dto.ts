import { DISPLAY_NAME_PATTERN, MAX_RELAY_PEERS, type ClientMessages } from '@orion/protocol';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, Matches } from 'class-validator';
import { IsClientToken } from '../../common/validation-rules.js';

type RelayRequest = ClientMessages['ptpMediation_relay_request'];

/** Payload of `ptpMediation_relay_request`: the peers a client could not punch through to. */
export class RelayRequestDto implements RelayRequest {
  @IsClientToken()
  token: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_RELAY_PEERS)
  @IsString({ each: true })
  @Matches(DISPLAY_NAME_PATTERN, { each: true })
  peerNames: string[];
}
