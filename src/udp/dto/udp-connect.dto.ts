import { IsClientToken } from '../../lobbies/dto/validation-rules.js';

/** Payload of the `ptpMediation_connect` datagram. */
export class UdpConnectDto {
  @IsClientToken()
  token: string;
}
