import type { OrionConfig } from '../config/orion-config.js';
import { parsePortRange, type PortRange } from '../config/port-range.js';

/** The relay's settings once it is on; see the relay* settings. */
export interface RelaySettings {
  ports: PortRange;
  /** Named in every relay endpoint handed out. */
  host: string;
  bytesPerSecond: number;
  idleTimeoutMs: number;
  maxLifetimeMs: number;
  maxSessions: number;
}

/** Undefined when the relay is off (no `--relayPorts`); throws when it is on without a host. */
export function relaySettingsOf(config: OrionConfig): RelaySettings | undefined {
  if (config.relayPorts === undefined) return undefined;
  const ports = parsePortRange(config.relayPorts);
  if (!ports) throw new Error(`relayPorts is not a port range: ${config.relayPorts}`);
  if (config.relayHost === undefined) {
    throw new Error('relayHost is required when relayPorts is set');
  }
  return {
    ports,
    host: config.relayHost,
    bytesPerSecond: config.relayBytesPerSecond,
    idleTimeoutMs: config.relayIdleTimeoutMs,
    maxLifetimeMs: config.relayMaxLifetimeMs,
    maxSessions: config.relayMaxSessions,
  };
}
