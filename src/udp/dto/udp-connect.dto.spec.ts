import {
  describeTokenOnlyDto,
  describeWithEachValidator,
} from '../../common/testing/dto-validators.js';
import { UdpConnectDto } from './udp-connect.dto.js';

describeWithEachValidator((expectOutcome) => {
  describeTokenOnlyDto('UdpConnectDto', UdpConnectDto, expectOutcome);
});
