import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const PHASE_BUCKETS_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const HTTP_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
const MEMBER_BUCKETS = [1, 2, 4, 8, 16, 32, 64];

/** Reads the current state at scrape time, for the gauges. */
export interface StateSnapshot {
  clients: number;
  /** Clients away from this process, their reconnection grace running. */
  awayClients: number;
  lobbies: { isPublic: boolean; hasPassword: boolean; locked: boolean; members: number }[];
}

/**
 * Every Prometheus metric Orion exposes, in a registry of its own (so that several
 * apps in one process, as in tests, never share counters).
 */
export class OrionMetrics {
  readonly registry = new Registry();

  readonly mediationsStarted = new Counter({
    name: 'orion_mediations_started_total',
    help: 'Mediations started by a host.',
    registers: [this.registry],
  });
  readonly mediationsEnded = new Counter({
    name: 'orion_mediations_ended_total',
    help: 'Mediations ended, by reason: succeeded, or aborted (member_left, udp_timeout, connect_timeout, lobby_closed, server_shutdown, relay_unavailable).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly phaseDuration = new Histogram({
    name: 'orion_mediation_phase_duration_seconds',
    help: 'How long each mediation phase lasted, by phase and how it ended.',
    labelNames: ['phase', 'outcome'] as const,
    buckets: PHASE_BUCKETS_SECONDS,
    registers: [this.registry],
  });
  readonly udpDatagrams = new Counter({
    name: 'orion_udp_datagrams_total',
    help: 'Datagrams received on the UDP port, by result.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly wsFrames = new Counter({
    name: 'orion_ws_frames_total',
    help: 'WebSocket frames received from clients, by result.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly wsClosed = new Counter({
    name: 'orion_ws_closed_total',
    help: 'WebSockets the server ended, by reason: send_buffer_full (the client stopped reading), heartbeat_timeout.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly timerSkipped = new Counter({
    name: 'orion_mediation_timer_skipped_total',
    help: 'Mediation reminders and timeouts skipped because the state store did not answer in time, or the previous one was still running.',
    registers: [this.registry],
  });
  readonly httpRequests = new Counter({
    name: 'orion_http_requests_total',
    help: 'HTTP requests answered, by method, route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'orion_http_request_duration_seconds',
    help: 'HTTP request latency, by method, route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS_SECONDS,
    registers: [this.registry],
  });
  readonly httpConnectionsRefused = new Counter({
    name: 'orion_http_connections_refused_total',
    help: 'Connections the HTTP server closed before a request was in, by reason: headers_timeout, request_timeout (answered 408), pending_per_ip, pending_total (too many still sending their request).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly relaySessions = new Gauge({
    name: 'orion_relay_sessions',
    help: 'Pairs relayed now (opt-in relay, --relayPorts).',
    registers: [this.registry],
  });
  readonly relayPortsInUse = new Gauge({
    name: 'orion_relay_ports_in_use',
    help: 'Relay ports held by open sessions (two per relayed pair).',
    registers: [this.registry],
  });
  readonly relaySessionsEnded = new Counter({
    name: 'orion_relay_sessions_total',
    help: 'Relay sessions ended, by reason: idle, lifetime, mediation_aborted, shutdown.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly relayDatagrams = new Counter({
    name: 'orion_relay_datagrams_total',
    help: 'Datagrams that reached relay ports, by result: relayed, bind, or dropped (stranger, wrong_member, peer_unbound, rate_limited, malformed).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly relayBytes = new Counter({
    name: 'orion_relay_bytes_total',
    help: 'Bytes relayed (each sent once, as received).',
    registers: [this.registry],
  });
  readonly relayRefused = new Counter({
    name: 'orion_relay_allocations_refused_total',
    help: 'Relay requests that found no free ports or sessions (their mediation was aborted).',
    registers: [this.registry],
  });
  readonly lobbyLeaves = new Counter({
    name: 'orion_lobby_leaves_total',
    help: 'Members (hosts included) that left a lobby by POST /lobbies/:lobbyId/leave (disconnects not counted).',
    registers: [this.registry],
  });
  readonly clientResumes = new Counter({
    name: 'orion_client_resumes_total',
    help: 'Answers to client_resume (opt-in reconnection), by outcome: resumed, or why it was refused.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly lobbyKicks = new Counter({
    name: 'orion_lobby_kicks_total',
    help: 'Members a host kicked out of its lobby.',
    registers: [this.registry],
  });
  readonly lobbyHostHandovers = new Counter({
    name: 'orion_lobby_host_handovers_total',
    help: 'Lobbies with hostMigration whose host left (or disconnected) and that went to another member.',
    registers: [this.registry],
  });

  /**
   * @param snapshot the state behind the gauges below, read once per scrape.
   * @param storeCommandsSent the count of commands sent to the shared store so far.
   */
  constructor(snapshot: () => Promise<StateSnapshot>, storeCommandsSent: () => number) {
    collectDefaultMetrics({ register: this.registry });
    // Before the gauges: their reads of the store count toward the next scrape.
    new Counter({
      name: 'orion_store_commands_total',
      help: 'Commands this process sent to the shared state store (Redis), a script run counting once; 0 with state in memory.',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(storeCommandsSent());
      },
    });
    // One read of the state per scrape feeds the state metrics below.
    let pending: Promise<StateSnapshot> | undefined;
    const read = () => (pending ??= snapshot().finally(() => (pending = undefined)));

    new Gauge({
      name: 'orion_connected_clients',
      help: 'Clients with an open WebSocket, and those away (held for reconnection).',
      registers: [this.registry],
      async collect() {
        this.set((await read()).clients);
      },
    });
    new Gauge({
      name: 'orion_away_clients',
      help: 'Clients whose socket dropped from this process and that are held for reconnection (--reconnectGraceMs).',
      registers: [this.registry],
      async collect() {
        this.set((await read()).awayClients);
      },
    });
    new Gauge({
      name: 'orion_lobbies',
      help: 'Open lobbies, by visibility (public, private), state (open, mediating) and password (yes, no).',
      labelNames: ['visibility', 'state', 'password'] as const,
      registers: [this.registry],
      async collect() {
        const { lobbies } = await read();
        for (const visibility of ['public', 'private']) {
          for (const state of ['open', 'mediating']) {
            for (const password of ['yes', 'no']) {
              const count = lobbies.filter(
                (lobby) =>
                  lobby.isPublic === (visibility === 'public') &&
                  lobby.locked === (state === 'mediating') &&
                  lobby.hasPassword === (password === 'yes'),
              ).length;
              this.set({ visibility, state, password }, count);
            }
          }
        }
      },
    });
    new Histogram({
      name: 'orion_lobby_members',
      help: 'Members per open lobby, recomputed at every scrape.',
      buckets: MEMBER_BUCKETS,
      registers: [this.registry],
      async collect() {
        const { lobbies } = await read();
        this.reset();
        for (const lobby of lobbies) this.observe(lobby.members);
      },
    });
  }
}
