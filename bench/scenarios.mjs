import { freeUdpPortRange } from './lib/port-range.mjs';

/**
 * The six scenarios: generator parameters (full run, or BENCH_QUICK=1), how the
 * figures are computed from the generator's result and the server samples, and which
 * rows the table shows. Every server sample is { t, ticks, rssKb } taken at a mark.
 * A scenario may add `serverFlags()`, resolving to flags every server gets on top, and
 * `floor: true` to run on the framework floor (bench/floor/) too.
 */
const FLOW_LEVELS = [16, 64];
const RELAY_PAIRS = 64;
const HTTP_IN_FLIGHT = 16;
const HTTP_PUBLIC_LOBBIES = 16;
/** The HTTP scenario's routes: `id` names the generator's marks, `key` the figures. */
const HTTP_ROUTES = [
  { id: 'list', key: 'List', title: 'GET /lobbies' },
  { id: 'create', key: 'Create', title: 'POST /lobbies' },
  { id: 'join', key: 'Join', title: 'POST /lobbies/:id/join' },
];

const cpuMs = (s, begin, end, ticksPerSecond) =>
  ((s[end].ticks - s[begin].ticks) * 1000) / ticksPerSecond;

/** How busy the server's and the generator's cores were between two marks, in %. */
function busy(s, begin, end, ticksPerSecond, suffix = '') {
  const wallMs = s[end].t - s[begin].t;
  const generatorMs = ((s[end].generatorTicks - s[begin].generatorTicks) * 1000) / ticksPerSecond;
  return {
    [`serverBusyPct${suffix}`]: (100 * cpuMs(s, begin, end, ticksPerSecond)) / wallMs,
    [`generatorBusyPct${suffix}`]: (100 * generatorMs) / wallMs,
  };
}

const busyRows = (suffix = '') => [
  { label: 'server core busy %', key: `serverBusyPct${suffix}`, digits: 0, noRatio: true },
  { label: 'generator core busy %', key: `generatorBusyPct${suffix}`, digits: 0, noRatio: true },
];

export const SCENARIOS = [
  {
    id: 'flows',
    params: (quick) => ({
      warmupFlows: quick ? 16 : 64,
      warmupInFlight: 16,
      inFlight: FLOW_LEVELS,
      flows: quick ? { 16: 64, 64: 128 } : { 16: 480, 64: 960 },
      settleMs: 500,
      tailMs: 100,
      phaseMs: 120_000,
      deadlineMs: 300_000,
    }),
    figures(result, s, hz) {
      const figures = {};
      for (const level of FLOW_LEVELS) {
        const { flows, wallMs, p50Ms, p99Ms, udpResends } = result.levels[level];
        figures[`cpuMsPerFlow${level}`] =
          cpuMs(s, `flows${level}:begin`, `flows${level}:end`, hz) / flows;
        figures[`flowsPerSec${level}`] = (flows * 1000) / wallMs;
        figures[`p50Ms${level}`] = p50Ms;
        figures[`p99Ms${level}`] = p99Ms;
        figures[`udpResends${level}`] = udpResends;
        Object.assign(figures, busy(s, `flows${level}:begin`, `flows${level}:end`, hz, level));
      }
      return figures;
    },
    rows: FLOW_LEVELS.flatMap((level) => [
      {
        scenario: `1. lobby flow, ${level} in flight`,
        label: 'server CPU ms / flow',
        key: `cpuMsPerFlow${level}`,
        target: { kind: 'ratio', max: 1.5 },
      },
      { label: 'flows / s (wall)', key: `flowsPerSec${level}`, digits: 0 },
      { label: 'flow latency p50 ms', key: `p50Ms${level}`, digits: 1 },
      { label: 'flow latency p99 ms', key: `p99Ms${level}`, digits: 1 },
      { label: 'UDP packets re-sent', key: `udpResends${level}`, digits: 0, noRatio: true },
      ...busyRows(level),
    ]),
  },
  {
    id: 'idle',
    params: (quick) => ({
      clients: quick ? 2_000 : 10_000,
      warmupClients: 500,
      batch: 200,
      settleMs: 2_000,
      deadlineMs: 240_000,
    }),
    figures(result, s, hz) {
      return {
        rssKbPerClient: (s['idle:after'].rssKb - s['idle:before'].rssKb) / result.clients,
        cpuUsPerConnect: (cpuMs(s, 'idle:before', 'idle:connected', hz) * 1000) / result.clients,
        clients: result.clients,
        ...busy(s, 'idle:before', 'idle:connected', hz),
      };
    },
    rows: [
      {
        scenario: '2. idle clients',
        label: 'server RSS KiB / client',
        key: 'rssKbPerClient',
        target: { kind: 'ratio', max: 1.5 },
      },
      { label: 'server CPU µs / connect', key: 'cpuUsPerConnect', digits: 0 },
      { label: 'clients held open', key: 'clients', digits: 0, noRatio: true },
      ...busyRows(),
    ],
  },
  {
    id: 'chat',
    params: (quick) => ({
      members: 64,
      rate: 2_000,
      durationMs: quick ? 3_000 : 10_000,
      warmupRate: 500,
      warmupMs: 1_000,
      drainMs: 10_000,
      deadlineMs: 120_000,
    }),
    figures(result, s, hz) {
      const ms = cpuMs(s, 'chat:begin', 'chat:end', hz);
      return {
        p50Ms: result.p50Ms,
        p99Ms: result.p99Ms,
        cpuUsPerDelivery: (ms * 1000) / result.deliveries,
        completePct: (100 * result.complete) / result.offered,
        offeredPerSec: result.offeredPerSec,
        ...busy(s, 'chat:begin', 'chat:end', hz),
      };
    },
    rows: [
      {
        scenario: '3. chat fan-out, 64 members',
        label: 'latency to all, p50 ms',
        key: 'p50Ms',
        digits: 2,
      },
      {
        label: 'latency to all, p99 ms',
        key: 'p99Ms',
        digits: 2,
        target: { kind: 'orionMax', max: 5 },
      },
      { label: 'server CPU µs / delivery', key: 'cpuUsPerDelivery', digits: 2 },
      { label: 'messages offered / s', key: 'offeredPerSec', digits: 0, noRatio: true },
      { label: 'messages reaching all %', key: 'completePct', digits: 1, noRatio: true },
      ...busyRows(),
    ],
  },
  {
    id: 'udp',
    params: (quick) => ({
      members: 64,
      durationMs: quick ? 2_000 : 5_000,
      warmupMs: 1_000,
      drainMs: 5_000,
      deadlineMs: 60_000,
    }),
    figures(result, s, hz) {
      const ms = cpuMs(s, 'udp:begin', 'udp:end', hz);
      return {
        perCpuSecond: result.handled / (ms / 1000),
        cpuUsPerDatagram: (ms * 1000) / result.handled,
        perSecond: (result.handled * 1000) / result.windowMs,
        droppedPct: (100 * result.dropped) / result.sent,
        ...busy(s, 'udp:begin', 'udp:end', hz),
      };
    },
    rows: [
      {
        scenario: '4. UDP capture, 63 senders',
        label: 'datagrams / server CPU-second',
        key: 'perCpuSecond',
        digits: 0,
        target: { kind: 'orionMin', min: 50_000 },
      },
      { label: 'server CPU µs / datagram', key: 'cpuUsPerDatagram', digits: 2 },
      { label: 'datagrams / s handled (wall)', key: 'perSecond', digits: 0 },
      { label: 'dropped by the kernel %', key: 'droppedPct', digits: 1, noRatio: true },
      ...busyRows(),
    ],
  },
  {
    id: 'relay',
    params: (quick) => ({
      pairs: RELAY_PAIRS,
      setupInFlight: 16,
      rate: 60,
      durationMs: quick ? 5_000 : 20_000,
      warmupMs: quick ? 1_000 : 2_000,
      drainMs: 1_000,
      deadlineMs: 120_000,
    }),
    // Two ports per pair, and some spare for ports another program takes meanwhile.
    serverFlags: async () => [
      '--relayPorts',
      await freeUdpPortRange(2 * RELAY_PAIRS + 32),
      '--relayHost',
      '127.0.0.1',
    ],
    figures(result, s, hz) {
      const ms = cpuMs(s, 'relay:begin', 'relay:end', hz);
      return {
        cpuUsPerDatagram: (ms * 1000) / result.received,
        p50Ms: result.p50Ms,
        p99Ms: result.p99Ms,
        perSecond: (result.received * 1000) / result.windowMs,
        lost: result.lost,
        ...busy(s, 'relay:begin', 'relay:end', hz),
      };
    },
    rows: [
      {
        scenario: `5. relay, ${RELAY_PAIRS} pairs x 60/s each way`,
        label: 'server CPU µs / relayed datagram',
        key: 'cpuUsPerDatagram',
        digits: 2,
        target: { kind: 'ratio', max: 1.5 },
      },
      { label: 'latency p50 ms', key: 'p50Ms', digits: 3 },
      { label: 'latency p99 ms', key: 'p99Ms', digits: 3, target: { kind: 'orionMax', max: 1 } },
      { label: 'datagrams relayed / s (wall)', key: 'perSecond', digits: 0, noRatio: true },
      { label: 'datagrams lost', key: 'lost', digits: 0, noRatio: true },
      ...busyRows(),
    ],
  },
  {
    id: 'http',
    floor: true,
    params: (quick) => ({
      inFlight: HTTP_IN_FLIGHT,
      publicLobbies: HTTP_PUBLIC_LOBBIES,
      // GETs need no client each, so they can be many: the baseline's few ticks add up.
      listRequests: quick ? 4_000 : 20_000,
      postRequests: quick ? 2_000 : 4_000,
      warmupRequests: 300,
      batch: 200,
      settleMs: 500,
      tailMs: 100,
      deadlineMs: 300_000,
    }),
    figures(result, s, hz) {
      const figures = {};
      for (const { id, key } of HTTP_ROUTES) {
        const { requests, wallMs } = result.routes[id];
        const ms = cpuMs(s, `${id}:begin`, `${id}:end`, hz);
        figures[`cpuUsPerRequest${key}`] = (ms * 1000) / requests;
        figures[`perSecond${key}`] = (requests * 1000) / wallMs;
        Object.assign(figures, busy(s, `${id}:begin`, `${id}:end`, hz, key));
      }
      return figures;
    },
    rows: HTTP_ROUTES.flatMap(({ key, title }) => [
      {
        scenario: `6. HTTP, ${title}`,
        label: 'server CPU µs / request',
        key: `cpuUsPerRequest${key}`,
        digits: 1,
        target: { kind: 'floorRatio', max: 1.3 },
      },
      { label: 'requests / s (wall)', key: `perSecond${key}`, digits: 0 },
      ...busyRows(key),
    ]),
  },
];
