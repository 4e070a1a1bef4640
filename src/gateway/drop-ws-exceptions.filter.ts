import { Catch, Logger, type ArgumentsHost, type WsExceptionFilter } from '@nestjs/common';

/**
 * Nest's default WebSocket filter answers a failing handler with an `exception` event
 * that echoes the payload, token included, in a shape no Orion client knows. The
 * protocol drops bad messages silently, so this filter only logs, never the payload.
 */
@Catch()
export class DropWsExceptionsFilter implements WsExceptionFilter {
  private readonly logger = new Logger('OrionGateway');

  catch(exception: unknown, _host: ArgumentsHost): void {
    const reason = exception instanceof Error ? exception.message : String(exception);
    this.logger.error(`WebSocket handler failed: ${reason}`);
  }
}
