import { runChat } from './chat.mjs';
import { runFlows } from './flows.mjs';
import { runHttp } from './http.mjs';
import { runIdle } from './idle.mjs';
import { runRelay } from './relay.mjs';
import { runUdp } from './udp.mjs';

/**
 * The load generator process, started by bench/run.mjs (pinned to its own core) with
 * one JSON argument: { scenario, host, httpPort, udpPort, params }. It talks to the
 * orchestrator over IPC: `{type:'mark', name}` (answered by `{type:'ack', name}` once
 * the server's CPU and memory were sampled), then `{type:'result'}` or `{type:'error'}`.
 */
const SCENARIOS = {
  flows: runFlows,
  idle: runIdle,
  chat: runChat,
  udp: runUdp,
  relay: runRelay,
  http: runHttp,
};

const config = JSON.parse(process.argv[2] ?? '{}');
const run = SCENARIOS[config.scenario];
if (!run || !process.send) {
  process.stderr.write('usage: started by bench/run.mjs with an IPC channel\n');
  process.exit(2);
}

process.on('disconnect', () => process.exit(2));
const acks = new Map();
process.on('message', (message) => {
  if (message?.type === 'ack') acks.get(message.name)?.();
});

/** Asks the orchestrator to sample the server now; resolves once it has. */
function mark(name) {
  return new Promise((resolve) => {
    acks.set(name, () => {
      acks.delete(name);
      resolve();
    });
    process.send({ type: 'mark', name });
  });
}

const target = {
  host: config.host,
  httpPort: config.httpPort,
  udpPort: config.udpPort,
  wsUrl: `ws://${config.host}:${config.httpPort}/`,
};
const deadline = setTimeout(
  () => finish({ type: 'error', message: 'generator deadline' }, 1),
  config.params.deadlineMs,
);

function finish(message, code) {
  clearTimeout(deadline);
  process.send(message, () => process.exit(code));
}

try {
  const result = await run({ target, params: config.params, mark });
  finish({ type: 'result', result }, 0);
} catch (error) {
  finish({ type: 'error', message: error?.stack ?? String(error) }, 1);
}
