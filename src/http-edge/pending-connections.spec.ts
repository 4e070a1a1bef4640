import { describe, expect, it } from 'vitest';
import { PendingConnections, type PendingAdmission } from './pending-connections.js';

const pendingWith = (maxPendingConnections: number, maxPendingConnectionsPerIp: number) =>
  new PendingConnections({ maxPendingConnections, maxPendingConnectionsPerIp });

function releaseOf(admission: PendingAdmission): () => void {
  if (!admission.admitted) throw new Error(`refused: ${admission.reason}`);
  return admission.release;
}

describe('PendingConnections', () => {
  it('admits maxPendingConnectionsPerIp from one address, refuses the next, and still admits other addresses', () => {
    const pending = pendingWith(10, 2);
    releaseOf(pending.admit('10.0.0.1'));
    const second = releaseOf(pending.admit('10.0.0.1'));
    expect(pending.admit('10.0.0.1')).toEqual({ admitted: false, reason: 'pending_per_ip' });
    expect(pending.admit('10.0.0.2').admitted).toBe(true);
    second();
    expect(pending.admit('10.0.0.1').admitted).toBe(true);
  });

  it('admits maxPendingConnections in all, refuses the next whatever its address, and admits again after a release', () => {
    const pending = pendingWith(2, 10);
    const first = releaseOf(pending.admit('10.0.0.1'));
    releaseOf(pending.admit('10.0.0.2'));
    expect(pending.admit('10.0.0.3')).toEqual({ admitted: false, reason: 'pending_total' });
    expect(pending.count).toBe(2);
    first();
    expect(pending.admit('10.0.0.3').admitted).toBe(true);
  });

  it('counts a release once, however often it is called', () => {
    const pending = pendingWith(10, 1);
    const release = releaseOf(pending.admit('10.0.0.1'));
    releaseOf(pending.admit('10.0.0.2'));
    release();
    release();
    expect(pending.count).toBe(1);
    releaseOf(pending.admit('10.0.0.1'));
    expect(pending.admit('10.0.0.1').admitted).toBe(false);
    expect(pending.count).toBe(2);
  });

  it('does not count refused connections', () => {
    const pending = pendingWith(1, 1);
    releaseOf(pending.admit('10.0.0.1'));
    pending.admit('10.0.0.1');
    pending.admit('10.0.0.2');
    expect(pending.count).toBe(1);
    expect(pending.addressCount).toBe(1);
  });

  it('forgets an address once its last connection is released, so the map empties', () => {
    const pending = pendingWith(100, 100);
    const releases = ['10.0.0.1', '10.0.0.1', '::1', '10.0.0.2'].map((address) =>
      releaseOf(pending.admit(address)),
    );
    expect(pending.addressCount).toBe(3);
    for (const release of releases) release();
    expect(pending.addressCount).toBe(0);
    expect(pending.count).toBe(0);
  });

  it('never holds more addresses than pending connections, however many addresses come by', () => {
    const pending = pendingWith(8, 8);
    for (let i = 0; i < 1_000; i++) {
      const admission = pending.admit(`10.0.${i >> 8}.${i & 255}`);
      if (admission.admitted && i % 2 === 0) admission.release();
    }
    expect(pending.count).toBe(8);
    expect(pending.addressCount).toBe(8);
  });
});
