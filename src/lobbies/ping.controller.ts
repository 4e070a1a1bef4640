import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';

@ApiTags('health')
@Controller('ping')
export class PingController {
  @Get()
  @ApiOperation({ summary: 'Check that the server is up' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'The text `pong`.', schema: { type: 'string', example: 'pong' } })
  @Header('Content-Type', 'text/plain; charset=utf-8')
  ping(): string {
    return 'pong';
  }
}
