import { Refusal } from './state.mjs';

const MAX_BODY_BYTES = 16 * 1024;

/** The HTTP routes of the protocol on plain `node:http`: /ping and /lobbies. */
export function httpHandler(state) {
  return (request, response) => {
    const chunks = [];
    let size = 0;
    request.on('data', (chunk) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      try {
        route(state, request, response, chunks.length ? Buffer.concat(chunks) : undefined);
      } catch (error) {
        if (error instanceof Refusal) reply(response, error.status, { errors: [error.message] });
        else reply(response, 400, { errors: ['The request is invalid.'] });
      }
    });
  };
}

function route(state, request, response, rawBody) {
  const path = request.url.split('?')[0].split('/').filter(Boolean);
  const { method } = request;
  if (method === 'GET' && path.length === 1 && path[0] === 'ping') {
    response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('pong');
    return;
  }
  if (path[0] !== 'lobbies') return reply(response, 404, { errors: ['Not found.'] });
  if (method === 'GET' && path.length === 1) return reply(response, 200, state.listPublic());
  if (method !== 'POST') return reply(response, 404, { errors: ['Not found.'] });
  const body = rawBody ? JSON.parse(rawBody.toString('utf8')) : {};
  if (typeof body !== 'object' || body === null) throw new Refusal(400, 'The body is invalid.');
  if (path.length === 1) return reply(response, 201, state.create(body));
  if (path.length === 3 && path[2] === 'join')
    return reply(response, 200, state.join(path[1], body));
  if (path.length === 4 && path[2] === 'ptp' && path[3] === 'start') {
    state.startMediation(path[1], body);
    response.writeHead(200, { 'Content-Length': 0 });
    response.end();
    return;
  }
  reply(response, 404, { errors: ['Not found.'] });
}

function reply(response, status, body) {
  const json = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
  });
  response.end(json);
}
