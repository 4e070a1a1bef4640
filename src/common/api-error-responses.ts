import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiInternalServerErrorResponse,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTooManyRequestsResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { ErrorBody } from './http-exception.filter.js';

/** The error answers every POST route can give, each with the `{ errors }` body. */
export const ApiErrorResponses = () =>
  applyDecorators(
    ApiBadRequestResponse({
      type: ErrorBody,
      description:
        'The body failed validation, was not JSON or not a JSON object, the lobby id in the path is malformed, or the token is unknown.',
    }),
    ApiConflictResponse({
      type: ErrorBody,
      description: "The request conflicts with the server's state; errors say why.",
    }),
    ApiPayloadTooLargeResponse({
      type: ErrorBody,
      description: 'The body is larger than the server accepts (--maxBodyBytes).',
    }),
    ApiUnsupportedMediaTypeResponse({
      type: ErrorBody,
      description: 'The request has a body whose Content-Type is not application/json.',
    }),
    ApiTooManyRequestsResponse({
      type: ErrorBody,
      description:
        'Too many POST requests from this address (--httpRateLimit), or, on join and start, too many requests for lobbies that do not exist, from this client (--joinMissLimit) or from this address (--joinMissLimitPerIp).',
      headers: {
        'Retry-After': {
          description: 'Seconds until a request from this client or address is accepted again.',
          schema: { type: 'integer', minimum: 1 },
        },
      },
    }),
    ApiServiceUnavailableResponse({
      type: ErrorBody,
      description:
        'The server is shutting down, or cannot reach its state store (with --redisUrl). Try again later.',
    }),
    ApiInternalServerErrorResponse({ type: ErrorBody, description: 'A server fault.' }),
  );

/** The one failure a read can meet: the state store (with --redisUrl) is out of reach. */
export const ApiStoreUnavailableResponse = () =>
  ApiServiceUnavailableResponse({
    type: ErrorBody,
    description: 'The server cannot reach its state store (with --redisUrl). Try again later.',
  });
