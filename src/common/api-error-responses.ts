import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiInternalServerErrorResponse,
  ApiPayloadTooLargeResponse,
} from '@nestjs/swagger';
import { ErrorBody } from './http-exception.filter.js';

/** The error answers every POST route can give, each with the `{ errors }` body. */
export const ApiErrorResponses = () =>
  applyDecorators(
    ApiBadRequestResponse({
      type: ErrorBody,
      description: 'The body failed validation, was not JSON, or the token is unknown.',
    }),
    ApiConflictResponse({
      type: ErrorBody,
      description: "The request conflicts with the server's state; errors say why.",
    }),
    ApiPayloadTooLargeResponse({ type: ErrorBody, description: 'The body is too large.' }),
    ApiInternalServerErrorResponse({ type: ErrorBody, description: 'A server fault.' }),
  );
