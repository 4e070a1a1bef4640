import 'reflect-metadata';
import { MESSAGE_METADATA } from '@nestjs/websockets/constants.js';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  decodeFrame,
  encodeFrame,
  MAX_RELAY_PEERS,
  RELAY_BIND_METHOD,
  RELAY_BOUND_METHOD,
  SERVER_MESSAGE_FIELDS,
  UDP_CONNECT_METHOD,
} from '@orion/protocol';
import { newLobbyId } from '../src/common/random-ids.js';
import { CLIENT_MESSAGE_DTOS } from '../src/gateway/client-messages.js';
import { OrionGateway } from '../src/gateway/orion.gateway.js';
import { normalizeLobbyId } from '../src/lobbies/lobbies.service.js';
import { SENT_LOBBY_ID_PATTERN } from '../src/lobbies/lobby-id.pipe.js';
import { BOUND_DATAGRAM, tokenOfBind } from '../src/relay/relay-datagrams.js';
import { UdpConnectDto } from '../src/udp/dto/udp-connect.dto.js';

interface Schema {
  $ref?: string;
  type?: string;
  pattern?: string;
  maxItems?: number;
  description?: string;
  required?: string[];
  properties?: Record<string, Schema>;
}
interface AsyncApiDocument {
  asyncapi: string;
  channels: Record<string, { messages: Record<string, { $ref: string }> }>;
  operations: Record<
    string,
    { action: 'send' | 'receive'; channel: { $ref: string }; messages: { $ref: string }[] }
  >;
  components: {
    schemas: Record<string, Schema>;
    messages: Record<string, { name: string; summary?: string; payload: Schema }>;
  };
}

const doc = parse(
  readFileSync(fileURLToPath(new URL('../docs/asyncapi.yaml', import.meta.url)), 'utf8'),
) as AsyncApiDocument;

/** Message names the document's operations say the server sends or receives on a channel. */
function operationMessages(action: 'send' | 'receive', channel: string): string[] {
  return Object.values(doc.operations)
    .filter((op) => op.action === action && op.channel.$ref === `#/channels/${channel}`)
    .flatMap((op) => op.messages.map((ref) => ref.$ref.split('/').pop()!))
    .sort();
}

function documentedFields(method: string): { required: string[]; properties: string[] } {
  const payload = doc.components.messages[method]?.payload;
  return {
    required: [...(payload?.required ?? [])].sort(),
    properties: Object.keys(payload?.properties ?? {}).sort(),
  };
}

/** The properties a DTO validates, read from class-validator's own metadata. */
function dtoFields(dto: new () => object): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  return [...new Set(metadata.map((entry) => entry.propertyName))].sort();
}

/** The DTO's fields without `@IsOptional()`. */
function requiredDtoFields(dto: new () => object): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  const optional = new Set(
    metadata
      .filter((entry) => entry.type === ValidationTypes.CONDITIONAL_VALIDATION)
      .map((entry) => entry.propertyName),
  );
  return dtoFields(dto).filter((field) => !optional.has(field));
}

/** The methods OrionGateway subscribes to, read from Nest's decorator metadata. */
function gatewayMethods(): string[] {
  const prototype = OrionGateway.prototype as unknown as Record<string, unknown>;
  return Object.getOwnPropertyNames(prototype)
    .map((name) => Reflect.getMetadata(MESSAGE_METADATA, prototype[name] as object) as unknown)
    .filter((message): message is string => typeof message === 'string')
    .sort();
}

describe('docs/asyncapi.yaml matches the code', () => {
  it('is an AsyncAPI 3.0 document whose references all resolve', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    for (const [name, channel] of Object.entries(doc.channels)) {
      for (const ref of Object.values(channel.messages)) {
        const target = ref.$ref.split('/').pop()!;
        expect(doc.components.messages[target], `${name} -> ${ref.$ref}`).toBeDefined();
      }
    }
    for (const operation of Object.values(doc.operations)) {
      const channel = operation.channel.$ref.split('/').pop()!;
      for (const ref of operation.messages) {
        expect(doc.channels[channel]?.messages[ref.$ref.split('/').pop()!]).toBeDefined();
      }
    }
  });

  it('documents exactly the messages the server sends, with their payload fields', () => {
    expect(operationMessages('send', 'client')).toEqual(Object.keys(SERVER_MESSAGE_FIELDS).sort());
    for (const [method, fields] of Object.entries(SERVER_MESSAGE_FIELDS)) {
      const documented = documentedFields(method);
      expect(documented.properties, method).toEqual([...fields].sort());
      expect(documented.required, method).toEqual([...fields].sort());
    }
  });

  it('documents exactly the WebSocket messages the gateway accepts, with their DTO fields', () => {
    const methods = Object.keys(CLIENT_MESSAGE_DTOS).sort();
    expect(gatewayMethods()).toEqual(methods);
    expect(operationMessages('receive', 'client')).toEqual(methods);
    for (const [method, dto] of Object.entries(CLIENT_MESSAGE_DTOS)) {
      const documented = documentedFields(method);
      expect(documented.properties, method).toEqual(dtoFields(dto));
      expect(documented.required, method).toEqual(requiredDtoFields(dto));
    }
  });

  it('documents the UDP datagram with its DTO fields', () => {
    expect(operationMessages('receive', 'mediationUdp')).toEqual([UDP_CONNECT_METHOD]);
    expect(documentedFields(UDP_CONNECT_METHOD).required).toEqual(dtoFields(UdpConnectDto));
  });

  it('documents the relay datagrams: the bind the relay reads and the bound it answers with', () => {
    expect(operationMessages('receive', 'relayUdp')).toEqual([RELAY_BIND_METHOD]);
    expect(operationMessages('send', 'relayUdp')).toEqual([RELAY_BOUND_METHOD]);

    // A bind built from the documented fields is one the relay accepts; one missing any is not.
    const bind = documentedFields(RELAY_BIND_METHOD);
    expect(bind.properties).toEqual(bind.required);
    const payload = Object.fromEntries(bind.required.map((field) => [field, 'tok123']));
    expect(tokenOfBind(Buffer.from(encodeFrame(RELAY_BIND_METHOD, payload)))).toBe('tok123');
    for (const field of bind.required) {
      const { [field]: _left, ...without } = payload;
      expect(tokenOfBind(Buffer.from(encodeFrame(RELAY_BIND_METHOD, without))), field).toBe(
        undefined,
      );
    }

    const bound = decodeFrame(BOUND_DATAGRAM.toString('utf8'));
    expect(bound?.method).toBe(RELAY_BOUND_METHOD);
    expect(documentedFields(RELAY_BOUND_METHOD)).toEqual({
      required: [],
      properties: Object.keys(bound!.payload).sort(),
    });
  });
});

describe('docs/asyncapi.yaml says what the server does', () => {
  const readDoc = (path: string) =>
    readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8');

  it('gives the lobby ids Orion sends in upper case, and accepts any case where clients send one', () => {
    const sent = new RegExp(doc.components.schemas.lobbyId.pattern!);
    for (let i = 0; i < 20; i++) expect(sent.test(newLobbyId())).toBe(true);
    expect(sent.test('k3z9q')).toBe(false);
    expect(doc.components.schemas.lobbyId.description).toMatch(/upper case/);

    const chat = doc.components.messages.lobby_messaging_send.payload.properties!.lobbyId;
    expect(chat.pattern).toBe(SENT_LOBBY_ID_PATTERN.source);
    const received = new RegExp(chat.pattern!);
    // Every id the server normalises to a lobby's id matches, and nothing else could.
    for (const id of ['K3Z9Q', 'k3z9q', ' K3z9Q ']) {
      expect(received.test(id), id).toBe(true);
      expect(normalizeLobbyId(id)).toMatch(sent);
    }
    for (const id of ['ab!', 'K3Z9', 'K3Z9QQ', '']) expect(received.test(id), id).toBe(false);
  });

  it('caps peerNames in ptpMediation_relay_request as the server does', () => {
    const peerNames =
      doc.components.messages.ptpMediation_relay_request.payload.properties!.peerNames;
    expect(peerNames.maxItems).toBe(MAX_RELAY_PEERS);
  });

  it('says the bound answer is smaller than any bind, as docs/protocol.md does', () => {
    const shortestBind = Buffer.byteLength(encodeFrame(RELAY_BIND_METHOD, { token: 'x' }));
    expect(BOUND_DATAGRAM.length).toBeLessThan(shortestBind);
    expect(doc.components.messages.ptpMediation_relay_bound.summary).toMatch(
      /smaller than the bind/,
    );
    expect(readDoc('../docs/protocol.md')).toContain('The answer is always smaller than the bind');
  });

  it('says the same as docs/protocol.md about the port in ptpMediation_send', () => {
    const port = doc.components.messages.ptpMediation_send.payload.properties!.port;
    const row = readDoc('../docs/protocol.md')
      .split('\n')
      .find((line) => line.startsWith('| `ptpMediation_send`'));
    for (const text of [port.description!, row!]) {
      expect(text).toMatch(/--udpAdvertisedPort/);
      expect(text).toMatch(/otherwise the port Orion's UDP socket is bound to/);
    }
  });
});
