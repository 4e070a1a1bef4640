import { sleep } from '../lib/stats.mjs';
import { closeAll, connectMany } from './idle.mjs';
import { Http } from './protocol.mjs';

/**
 * Scenario 6, HTTP requests: server CPU per request on GET /lobbies, POST /lobbies and
 * POST /lobbies/:id/join, each in a window of its own, `inFlight` requests at a time over
 * keep-alive. GET /lobbies lists a fixed set of public lobbies. Every create needs a client
 * in no lobby and every join a lobby with room, so each create comes from a fresh client
 * and each join from another into one of the lobbies just created (one member there, so
 * one lobby_peerConnect). The clients connect before the window opens and stay connected
 * until the end, so registering and leaving stay outside the figures.
 */
export async function runHttp({ target, params, mark }) {
  const http = new Http(target.host, target.httpPort, params.inFlight);
  const open = [];
  const connect = async (count) => {
    const clients = await connectMany(target, count, params.batch);
    open.push(...clients);
    return clients;
  };
  try {
    const hosts = await connect(params.publicLobbies);
    await Promise.all(hosts.map((host, i) => createLobby(http, host, `listed ${i}`, true)));
    await warmUp(target, http, params);
    const listed = JSON.parse((await expectGet(http, '/lobbies')).text).lobbies.length;
    if (listed !== params.publicLobbies) throw new Error(`GET /lobbies listed ${listed} lobbies`);

    const routes = {};
    const window = async (id, count, request) => {
      await sleep(params.settleMs);
      // All keep-alive connections open now (idle ones may have timed out), none in the window.
      await Promise.all(Array.from({ length: params.inFlight }, () => expectGet(http, '/ping')));
      await mark(`${id}:begin`);
      const started = performance.now();
      const results = await inParallel(count, params.inFlight, request);
      const wallMs = performance.now() - started;
      // A short tail, so that frames the requests queued are written inside the window.
      await sleep(params.tailMs);
      await mark(`${id}:end`);
      routes[id] = { requests: count, wallMs };
      return results;
    };

    await window('list', params.listRequests, () => expectGet(http, '/lobbies'));
    const creators = await connect(params.postRequests);
    const lobbyIds = await window('create', params.postRequests, (i) =>
      createLobby(http, creators[i], `bench ${i}`, false),
    );
    const joiners = await connect(params.postRequests);
    await window('join', params.postRequests, (i) =>
      http.expect(200, `/lobbies/${lobbyIds[i]}/join`, {
        token: joiners[i].token,
        peerName: 'guest',
      }),
    );
    return { routes };
  } finally {
    http.close();
    await closeAll(open, params.batch);
  }
}

/** Each route a few hundred times; the warm-up's clients leave, so their lobbies close. */
async function warmUp(target, http, params) {
  const count = params.warmupRequests;
  const clients = await connectMany(target, 2 * count, params.batch);
  try {
    await inParallel(count, params.inFlight, () => expectGet(http, '/lobbies'));
    const ids = await inParallel(count, params.inFlight, (i) =>
      createLobby(http, clients[i], `warm ${i}`, false),
    );
    await inParallel(count, params.inFlight, (i) =>
      http.expect(200, `/lobbies/${ids[i]}/join`, {
        token: clients[count + i].token,
        peerName: 'guest',
      }),
    );
  } finally {
    await closeAll(clients, params.batch);
  }
}

async function createLobby(http, host, lobbyName, isPublic) {
  const body = { token: host.token, hostName: 'host', lobbyName, isPublic, maxMembers: 8 };
  return (await http.expect(201, '/lobbies', body)).lobbyId;
}

async function expectGet(http, path) {
  const response = await http.get(path);
  if (response.status !== 200) throw new Error(`GET ${path}: ${response.status}`);
  return response;
}

/** Runs `request(i)` for i in 0..count-1, `inFlight` at a time; resolves with the results. */
async function inParallel(count, inFlight, request) {
  const results = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await request(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
  return results;
}
