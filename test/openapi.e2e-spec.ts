import SwaggerParser from '@apidevtools/swagger-parser';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrion, type OrionTestApp } from './support/orion-test-app.js';

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
}

describe('OpenAPI document at /docs/openapi.json', () => {
  let orion: OrionTestApp;
  let document: OpenApiDocument;

  beforeAll(async () => {
    orion = await startOrion();
    const response = await request(orion.httpUrl).get('/docs/openapi.json');
    expect(response.status).toBe(200);
    document = response.body as OpenApiDocument;
  });

  afterAll(async () => {
    await orion.close();
  });

  it('is a valid OpenAPI 3 document', async () => {
    expect(document.openapi).toMatch(/^3\./);
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();
  });

  it('lists every route with its status codes', () => {
    const statuses = (path: string, method: string) =>
      Object.keys(document.paths[path]?.[method]?.responses ?? {}).sort();
    expect(statuses('/lobbies', 'get')).toEqual(['200', '503']);
    expect(statuses('/lobbies', 'post')).toEqual(['201', '400', '409', '413', '429', '500', '503']);
    expect(statuses('/lobbies/{lobbyId}/join', 'post')).toEqual([
      '200',
      '400',
      '409',
      '413',
      '429',
      '500',
      '503',
    ]);
    expect(statuses('/lobbies/{lobbyId}/ptp/start', 'post')).toEqual([
      '200',
      '400',
      '409',
      '413',
      '429',
      '500',
      '503',
    ]);
    expect(statuses('/ping', 'get')).toEqual(['200']);
    expect(statuses('/healthz', 'get')).toEqual(['200']);
    expect(statuses('/readyz', 'get')).toEqual(['200', '503']);
  });

  it('describes the error body as { errors: string[] }', () => {
    const conflict = document.paths['/lobbies']!.post!.responses['409'] as {
      content: { 'application/json': { schema: { $ref: string } } };
    };
    const ref = conflict.content['application/json'].schema.$ref;
    const name = ref.split('/').pop()!;
    const schemas = (document as unknown as { components: { schemas: Record<string, unknown> } })
      .components.schemas;
    expect(schemas[name]).toMatchObject({
      properties: { errors: { type: 'array', items: { type: 'string' } } },
      required: ['errors'],
    });
  });

  it('documents the Retry-After header of every 429', () => {
    for (const path of ['/lobbies', '/lobbies/{lobbyId}/join', '/lobbies/{lobbyId}/ptp/start']) {
      const tooMany = document.paths[path]!.post!.responses['429'] as {
        headers?: Record<string, { schema?: { type?: string } }>;
      };
      expect(tooMany.headers?.['Retry-After']?.schema?.type, path).toBe('integer');
    }
  });

  it('serves the Swagger UI at /docs', async () => {
    const response = await request(orion.httpUrl).get('/docs');
    expect(response.status).toBe(200);
    expect(response.text).toContain('swagger');
  });
});
