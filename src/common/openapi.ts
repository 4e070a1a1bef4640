import { Logger, type INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { readFileSync } from 'node:fs';

export const OPENAPI_UI_PATH = 'docs';
export const OPENAPI_JSON_PATH = 'docs/openapi.json';
export const ASYNCAPI_PATH = '/docs/asyncapi.yaml';

/**
 * The repository's docs/asyncapi.yaml, from src/common or dist/common alike. The container
 * image copies it to the same place beside dist/.
 */
const ASYNCAPI_FILE = new URL('../../docs/asyncapi.yaml', import.meta.url);

/** The OpenAPI document built from the controllers and DTOs. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Orion')
    .setDescription(
      "HTTP API of Orion's lobby and peer-to-peer mediation server. WebSocket and UDP " +
        `messages are described by the AsyncAPI document at ${ASYNCAPI_PATH} ` +
        '(docs/asyncapi.yaml in the repository); docs/protocol.md walks through the flow.',
    )
    .setVersion('0.1.0')
    .build();
  return SwaggerModule.createDocument(app, config);
}

/**
 * Serves the Swagger UI at /docs, the OpenAPI document at /docs/openapi.json (and .yaml),
 * and the AsyncAPI document at /docs/asyncapi.yaml.
 */
export function serveOpenApi(app: INestApplication): void {
  SwaggerModule.setup(OPENAPI_UI_PATH, app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    yamlDocumentUrl: 'docs/openapi.yaml',
  });
  serveAsyncApi(app);
}

function serveAsyncApi(app: INestApplication): void {
  let document: string;
  try {
    document = readFileSync(ASYNCAPI_FILE, 'utf8');
  } catch (error) {
    // Documentation is not worth refusing to serve players over.
    new Logger('OpenApi').warn(`${ASYNCAPI_PATH} is not served: ${(error as Error).message}`);
    return;
  }
  app.getHttpAdapter().get(ASYNCAPI_PATH, (_request: Request, response: Response) => {
    response.type('application/yaml; charset=utf-8').send(document);
  });
}
