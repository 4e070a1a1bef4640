import { IsClientToken } from '../../common/validation-rules.js';

/** Payload of the `ptpMediation_connect` datagram. */
export class UdpConnectDto {
  @IsClientToken()
  token: string;
}
