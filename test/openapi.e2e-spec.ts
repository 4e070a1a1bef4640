import SwaggerParser from '@apidevtools/swagger-parser';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';

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
    expect(statuses('/lobbies', 'get')).toEqual(['200', '400', '409', '503']);
    expect(statuses('/lobbies', 'post')).toEqual([
      '201',
      '400',
      '409',
      '413',
      '415',
      '429',
      '500',
      '503',
    ]);
    expect(statuses('/lobbies/{lobbyId}/join', 'post')).toEqual([
      '200',
      '400',
      '409',
      '413',
      '415',
      '429',
      '500',
      '503',
    ]);
    expect(statuses('/lobbies/{lobbyId}/ptp/start', 'post')).toEqual([
      '200',
      '400',
      '409',
      '413',
      '415',
      '429',
      '500',
      '503',
    ]);
    expect(statuses('/ping', 'get')).toEqual(['200']);
    expect(statuses('/healthz', 'get')).toEqual(['200']);
    expect(statuses('/readyz', 'get')).toEqual(['200', '503']);
    expect(statuses('/metrics', 'get')).toEqual(['200', '404']);
  });

  it('describes /metrics as Prometheus text, absent here when --metricsPort moves it', () => {
    const metrics = document.paths['/metrics']!.get! as unknown as {
      responses: Record<string, { description: string; content?: Record<string, unknown> }>;
    };
    expect(Object.keys(metrics.responses['200'].content ?? {})).toEqual(['text/plain']);
    expect(metrics.responses['200'].description).toMatch(/Prometheus/);
    expect(metrics.responses['404'].description).toMatch(/--metricsPort/);
  });

  it("gives people's names as examples of hostName and peerName, and a lobby name for lobbyName", () => {
    const schemas = (
      document as unknown as {
        components: {
          schemas: Record<string, { properties: Record<string, { example?: unknown }> }>;
        };
      }
    ).components.schemas;
    expect(schemas.CreateLobbyDto.properties.hostName.example).toBe('Alice');
    expect(schemas.CreateLobbyDto.properties.lobbyName.example).toBe('Friday Night');
    expect(schemas.JoinLobbyDto.properties.peerName.example).toBe('Bob');
  });

  it('gives the lobbyId path parameter the pattern the server accepts', () => {
    for (const path of ['/lobbies/{lobbyId}/join', '/lobbies/{lobbyId}/ptp/start']) {
      const operation = document.paths[path]!.post! as unknown as {
        parameters: { name: string; in: string; schema: { pattern: string } }[];
      };
      const lobbyId = operation.parameters.find((parameter) => parameter.name === 'lobbyId');
      const pattern = new RegExp(lobbyId!.schema.pattern);
      for (const id of ['K3Z9Q', 'k3z9q', ' K3Z9Q ']) expect(pattern.test(id), id).toBe(true);
      for (const id of ['ab!', 'K3Z9', 'A'.repeat(40)]) expect(pattern.test(id), id).toBe(false);
    }
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

  it('serves the AsyncAPI document its description names, at /docs/asyncapi.yaml', async () => {
    const info = (document as unknown as { info: { description: string } }).info;
    expect(info.description).toContain('/docs/asyncapi.yaml');
    const response = await request(orion.httpUrl).get('/docs/asyncapi.yaml');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/yaml/);
    expect(response.text).toBe(
      readFileSync(new URL('../docs/asyncapi.yaml', import.meta.url), 'utf8'),
    );
  });

  it('serves the Swagger UI at /docs', async () => {
    const response = await request(orion.httpUrl).get('/docs');
    expect(response.status).toBe(200);
    expect(response.text).toContain('swagger');
  });
});
