import { Controller, Get, Header } from '@nestjs/common';

@Controller('ping')
export class PingController {
  @Get()
  @Header('Content-Type', 'text/plain; charset=utf-8')
  ping(): string {
    return 'pong';
  }
}
