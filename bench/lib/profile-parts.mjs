import { readFileSync } from 'node:fs';

/**
 * The parts of a server that a CPU profile's samples are charged to. A sample goes to the
 * innermost frame of its stack that matches a part, so a log line written from a service
 * counts as logging, not as the service; Node's own frames count for the part that called
 * them (a log line's write() is logging). Frames are matched by their script's path, with
 * `node_modules/` shortened to `nm/` and the checkout's own path removed.
 */
export const PARTS = [
  {
    part: 'logging (pino, request lines)',
    match:
      /^nm\/(pino|sonic-boom|pino-std-serializers|quick-format-unescaped|fast-redact)\/|^dist\/logging\//,
  },
  { part: 'metrics (prom-client)', match: /^nm\/prom-client\/|^dist\/metrics\// },
  {
    part: 'validation (class-validator, -transformer, pipes)',
    match:
      /^nm\/class-(validator|transformer)\/|^nm\/@nestjs\/common\/pipes\/|^dist\/common\/validat|^dist\/lobbies\/lobby-id\.pipe/,
  },
  {
    part: 'rate limits (throttler, join misses)',
    match: /^nm\/@nestjs\/throttler\/|^dist\/rate-limits\//,
  },
  {
    part: 'CORS and security headers',
    match:
      /^nm\/(cors|helmet|vary|object-assign)\/|^dist\/common\/(security-headers|allowed-origins)/,
  },
  {
    part: 'connection limits',
    match: /^dist\/(http-edge|shutdown)\/|^dist\/gateway\/connection-admission/,
  },
  {
    part: 'JSON body parser',
    match:
      /^nm\/(body-parser|raw-body|type-is|content-type|iconv-lite|bytes|media-typer|mime-types)\//,
  },
  {
    part: 'events (event-emitter)',
    match: /^nm\/(eventemitter2|@nestjs\/event-emitter)\/|^dist\/common\/orion-events/,
  },
  { part: 'WebSocket library (ws)', match: /^nm\/ws\// },
  {
    part: 'frames and messaging (gateway, registry, codec)',
    match:
      /^dist\/(gateway|connections|replication)\/|^dist\/common\/client-messenger|^packages\/protocol\//,
  },
  {
    part: 'domain (lobbies, clients, mediation, UDP, relay)',
    match:
      /^dist\/(lobbies|clients|mediation|udp|relay|redis|backends)\/|^bench\/(floor|baseline)\//,
  },
  {
    part: 'Nest (core, common, platform, rxjs)',
    match: /^nm\/(@nestjs\/|rxjs\/|reflect-metadata\/)/,
  },
  {
    part: 'Express (express, router)',
    match:
      /^nm\/(express|router|finalhandler|send|path-to-regexp|statuses|on-finished|encodeurl|escape-html|parseurl|qs|cookie|etag|fresh|range-parser|proxy-addr|accepts|negotiator|debug|depd)\//,
  },
];

/** Node's own modules are charged to whoever called them; only what nobody did is Node's. */
const NODE_PART = 'Node (http, net, streams, timers)';

const VM_PARTS = {
  '(garbage collector)': 'garbage collector',
  '(program)': 'V8 and native (program)',
  '(idle)': null,
};

/** A frame's script path as PARTS match it. */
function pathOf(callFrame, root) {
  return (callFrame.url || '')
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, 'nm/')
    .replace(root, '');
}

/**
 * Reads a `.cpuprofile` and returns `charge(fromUs, toUs)`: CPU µs per part for the samples
 * taken in that span of the monotonic clock (the clock of `process.hrtime` in every process),
 * plus `total`, the busy µs in the span. Idle samples are left out.
 */
export function readProfile(file, root) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  const partOfNode = new Map();
  // The part of the innermost matching frame at or above `id`; undefined when none matches.
  const matchedAbove = (id) => {
    if (id === undefined) return undefined;
    if (partOfNode.has(id)) return partOfNode.get(id);
    const { callFrame } = nodes.get(id);
    const path = pathOf(callFrame, root);
    let part = PARTS.find(({ match }) => match.test(path))?.part;
    part ??= matchedAbove(parentOf.get(id));
    partOfNode.set(id, part);
    return part;
  };
  const partOf = (id) => {
    const { callFrame } = nodes.get(id);
    if (Object.hasOwn(VM_PARTS, callFrame.functionName)) return VM_PARTS[callFrame.functionName];
    return matchedAbove(id) ?? (isUnderNode(id) ? NODE_PART : 'other');
  };
  const isUnderNode = (id) => {
    for (let at = id; at !== undefined; at = parentOf.get(at)) {
      if ((nodes.get(at).callFrame.url || '').startsWith('node:')) return true;
    }
    return false;
  };
  const times = [];
  let at = profile.startTime;
  for (const delta of profile.timeDeltas) times.push((at += delta));
  return (fromUs, toUs) => {
    const charged = { total: 0 };
    profile.samples.forEach((id, index) => {
      if (times[index] < fromUs || times[index] > toUs) return;
      // A sample stands for the time until the next one.
      const us = index + 1 < times.length ? times[index + 1] - times[index] : 0;
      const part = partOf(id);
      if (part === null) return;
      charged[part] = (charged[part] ?? 0) + us;
      charged.total += us;
    });
    return charged;
  };
}
