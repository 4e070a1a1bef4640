import { describe, expect, it } from 'vitest';
import { startupLine } from './startup-line.js';

describe('startup line', () => {
  it('names the HTTP, WebSocket, UDP, docs and metrics addresses and the memory mode', () => {
    expect(startupLine({ host: '127.0.0.1', httpPort: 5980, udpPort: 5990 })).toBe(
      'Orion is serving HTTP http://127.0.0.1:5980, WebSocket ws://127.0.0.1:5980, ' +
        'UDP 127.0.0.1:5990, docs http://127.0.0.1:5980/docs, ' +
        'metrics http://127.0.0.1:5980/metrics, mode memory',
    );
  });

  it('puts an IPv6 host in brackets and /metrics on --metricsPort when set', () => {
    const line = startupLine({ host: '::', httpPort: 5980, udpPort: 5990, metricsPort: 9464 });
    expect(line).toContain('HTTP http://[::]:5980, WebSocket ws://[::]:5980, UDP [::]:5990');
    expect(line).toContain('metrics http://[::]:9464/metrics');
  });

  it('gives the Redis host and port in redis mode, never its user or password', () => {
    const line = startupLine({
      host: '0.0.0.0',
      httpPort: 5980,
      udpPort: 5990,
      redisUrl: 'redis://orion:s3cret-pass@redis.internal:6380/2',
    });
    expect(line).toMatch(/, mode redis redis\.internal:6380$/);
    expect(line).not.toContain('s3cret');
    expect(line).not.toContain('orion:');
    expect(startupLine({ host: '::1', httpPort: 1, udpPort: 2, redisUrl: 'rediss://h' })).toMatch(
      /mode redis h:6379$/,
    );
  });

  it('names the relay endpoint range last when the relay is on, and nothing of it when off', () => {
    const at = { host: '::', httpPort: 5980, udpPort: 5990 };
    expect(startupLine(at)).not.toContain('relay');
    expect(startupLine({ ...at, relay: { host: '203.0.113.7', ports: '40000-40999' } })).toMatch(
      /, mode memory, relay 203\.0\.113\.7:40000-40999$/,
    );
    expect(startupLine({ ...at, relay: { host: '2001:db8::7', ports: '1-2' } })).toMatch(
      /, relay \[2001:db8::7\]:1-2$/,
    );
  });
});
