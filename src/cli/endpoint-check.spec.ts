import { describe, expect, it } from 'vitest';
import { compareEndpoints } from './endpoint-check.js';

const OWN = ['127.0.0.1', '192.0.2.10', '::1', 'fe80::1'];

describe('compareEndpoints: the UDP source Orion saw vs the local socket', () => {
  it('matches a socket bound to all interfaces when Orion saw loopback and the same port', () => {
    expect(
      compareEndpoints({ ip: '127.0.0.1', port: 4000 }, { address: '0.0.0.0', port: 4000 }, OWN),
    ).toEqual({
      sameAddress: true,
      samePort: true,
    });
    expect(
      compareEndpoints({ ip: '::1', port: 4000 }, { address: '::', port: 4000 }, OWN).sameAddress,
    ).toBe(true);
  });

  it('matches a socket bound to all interfaces when Orion saw one of our own addresses', () => {
    const seen = { ip: '192.0.2.10', port: 4000 };
    expect(compareEndpoints(seen, { address: '0.0.0.0', port: 4000 }, OWN).sameAddress).toBe(true);
  });

  it('matches exact and IPv4-mapped addresses, and any loopback pair', () => {
    expect(
      compareEndpoints(
        { ip: '192.0.2.10', port: 1 },
        { address: '::ffff:192.0.2.10', port: 1 },
        OWN,
      ).sameAddress,
    ).toBe(true);
    expect(
      compareEndpoints({ ip: '127.0.0.1', port: 1 }, { address: '127.0.0.2', port: 1 }, OWN)
        .sameAddress,
    ).toBe(true);
  });

  it('flags a rewritten address: a NAT in between', () => {
    const seen = { ip: '203.0.113.7', port: 4000 };
    expect(compareEndpoints(seen, { address: '0.0.0.0', port: 4000 }, OWN)).toEqual({
      sameAddress: false,
      samePort: true,
    });
    expect(compareEndpoints(seen, { address: '192.0.2.10', port: 4000 }, OWN).sameAddress).toBe(
      false,
    );
  });

  it('flags a rewritten port even on loopback', () => {
    expect(
      compareEndpoints({ ip: '127.0.0.1', port: 4001 }, { address: '0.0.0.0', port: 4000 }, OWN),
    ).toEqual({
      sameAddress: true,
      samePort: false,
    });
  });
});
