import { describe, expect, it } from 'vitest';
import { relayedDatagramProblem, relayEntryFor, unansweredBindMessage } from './relay-check.js';

const RELAY = { ip: '198.51.100.20', port: 40000 };

describe('relayEntryFor: the relay endpoint a side was given for its peer', () => {
  it('takes the entry for the named peer among several', () => {
    const allocated = {
      relays: [
        { peerName: 'Ann', ip: '198.51.100.20', port: 40002 },
        { peerName: 'Bob', ...RELAY },
      ],
    };
    expect(relayEntryFor(allocated, 'Bob', 'probe host')).toEqual(RELAY);
  });

  it.each([
    ['no entry for the peer', { relays: [{ peerName: 'Ann', ...RELAY }] }],
    ['no relays at all', { relays: [] }],
    ['an ip that is not an address', { relays: [{ peerName: 'Bob', ip: 'relay', port: 1 }] }],
    ['port 0', { relays: [{ peerName: 'Bob', ip: '198.51.100.20', port: 0 }] }],
    ['a port past 65535', { relays: [{ peerName: 'Bob', ip: '198.51.100.20', port: 65_536 }] }],
  ])('refuses an allocation with %s, naming who received it and for whom', (_, allocated) => {
    expect(() => relayEntryFor(allocated, 'Bob', 'probe host')).toThrow(
      /ptpMediation_relay_allocated sent to the probe host has no usable relay endpoint for the Bob/,
    );
  });
});

describe('relayedDatagramProblem: did the datagram come through the relay untouched', () => {
  const sent = Buffer.from('orion probe 0123456789abcdef');

  it('accepts the same bytes from the relay endpoint', () => {
    const received = { data: Buffer.from(sent), address: RELAY.ip, port: RELAY.port };
    expect(relayedDatagramProblem(received, sent, RELAY)).toBeUndefined();
  });

  it('accepts an IPv6 relay endpoint however the address is spelled', () => {
    const relay = { ip: '2001:DB8:0:0::1', port: 40000 };
    const received = { data: Buffer.from(sent), address: '2001:db8::1', port: 40000 };
    expect(relayedDatagramProblem(received, sent, relay)).toBeUndefined();
  });

  it('names the source when the datagram came from elsewhere', () => {
    const received = { data: Buffer.from(sent), address: '198.51.100.21', port: 40000 };
    expect(relayedDatagramProblem(received, sent, RELAY)).toBe(
      'arrived from 198.51.100.21:40000 instead of the relay endpoint 198.51.100.20:40000',
    );
    const otherPort = { ...received, address: RELAY.ip, port: 40001 };
    expect(relayedDatagramProblem(otherPort, sent, RELAY)).toMatch(/^arrived from .*:40001 /);
  });

  it('reports bytes changed or cut on the way', () => {
    const changed = Buffer.from(sent);
    changed[3] ^= 0xff;
    const from = { address: RELAY.ip, port: RELAY.port };
    expect(relayedDatagramProblem({ data: changed, ...from }, sent, RELAY)).toBe(
      `arrived changed (${sent.length} bytes sent, ${sent.length} bytes received)`,
    );
    expect(relayedDatagramProblem({ data: sent.subarray(0, 5), ...from }, sent, RELAY)).toBe(
      `arrived changed (${sent.length} bytes sent, 5 bytes received)`,
    );
  });
});

describe('unansweredBindMessage: a relay whose ports do not answer', () => {
  it('names each silent relay endpoint and points at the firewall and --relayHost', () => {
    const message = unansweredBindMessage([RELAY, { ip: '2001:db8::1', port: 40001 }], 3000);
    expect(message).toMatch(
      /^relay 198\.51\.100\.20:40000 and \[2001:db8::1\]:40001 did not answer ptpMediation_relay_bind within 3000 ms \(Orion allocated them,/,
    );
    expect(message).toContain('--relayPorts');
    expect(message).toContain('--relayHost');
    expect(unansweredBindMessage([RELAY], 10)).toContain('(Orion allocated it,');
  });
});
