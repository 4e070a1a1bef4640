import { describe, expect, it } from 'vitest';
import type { OrionSettings } from '../config/orion-config.js';
import { buildConfig } from '../config/settings.js';
import { DrainState, SHUTTING_DOWN } from '../shutdown/drain-state.js';
import {
  ConnectionAdmission,
  SERVER_FULL,
  TOO_MANY_CONNECTIONS,
  type Admission,
} from './connection-admission.js';

function admissionWith(settings: Partial<OrionSettings>) {
  const drain = new DrainState();
  return { admission: new ConnectionAdmission(buildConfig(settings), drain), drain };
}

/** An upgrade request from `address`, optionally through a proxy that names `forwardedFor`. */
const from = (address: string, forwardedFor?: string) =>
  ({
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    socket: { remoteAddress: address },
  }) as Parameters<ConnectionAdmission['admit']>[0];

function released(admission: Admission): () => void {
  if (!admission.admitted) throw new Error(`refused: ${admission.refusal.reason}`);
  return admission.release;
}

describe('ConnectionAdmission', () => {
  it('admits maxClients connections, refuses the next with 503, and admits again after a release', () => {
    const { admission } = admissionWith({ maxClients: 2 });
    const first = released(admission.admit(from('10.0.0.1')));
    released(admission.admit(from('10.0.0.2')));
    expect(admission.admit(from('10.0.0.3'))).toEqual({
      admitted: false,
      refusal: { status: 503, reason: SERVER_FULL },
    });
    expect(admission.openConnections).toBe(2);
    first();
    expect(admission.openConnections).toBe(1);
    expect(admission.admit(from('10.0.0.3')).admitted).toBe(true);
  });

  it('refuses a further connection from one address with 429, other addresses still welcome', () => {
    const { admission } = admissionWith({ maxConnectionsPerIp: 2 });
    const first = released(admission.admit(from('10.0.0.1')));
    released(admission.admit(from('::ffff:10.0.0.1')));
    expect(admission.admit(from('10.0.0.1'))).toEqual({
      admitted: false,
      refusal: { status: 429, reason: TOO_MANY_CONNECTIONS },
    });
    expect(admission.admit(from('10.0.0.2')).admitted).toBe(true);
    first();
    expect(admission.admit(from('10.0.0.1')).admitted).toBe(true);
  });

  it('counts a release once, however often it is called', () => {
    const { admission } = admissionWith({ maxConnectionsPerIp: 1 });
    const release = released(admission.admit(from('10.0.0.1')));
    released(admission.admit(from('10.0.0.2')));
    release();
    release();
    expect(admission.openConnections).toBe(1);
    released(admission.admit(from('10.0.0.1')));
    expect(admission.admit(from('10.0.0.1')).admitted).toBe(false);
  });

  it('forgets an address once its last connection is released', () => {
    const { admission } = admissionWith({});
    const releases = ['10.0.0.1', '10.0.0.1', '10.0.0.2'].map((a) =>
      released(admission.admit(from(a))),
    );
    expect(admission.addressCount).toBe(2);
    for (const release of releases) release();
    expect(admission.addressCount).toBe(0);
    expect(admission.openConnections).toBe(0);
  });

  it('counts by X-Forwarded-For only with trustProxy', () => {
    const trusting = admissionWith({ maxConnectionsPerIp: 1, trustProxy: true }).admission;
    expect(trusting.admit(from('127.0.0.1', '203.0.113.1')).admitted).toBe(true);
    expect(trusting.admit(from('127.0.0.1', '203.0.113.2, 10.0.0.9')).admitted).toBe(true);
    expect(trusting.admit(from('127.0.0.1', '203.0.113.1')).admitted).toBe(false);

    const direct = admissionWith({ maxConnectionsPerIp: 1 }).admission;
    expect(direct.admit(from('127.0.0.1', '203.0.113.1')).admitted).toBe(true);
    expect(direct.admit(from('127.0.0.1', '203.0.113.2')).admitted).toBe(false);
  });

  it('refuses every upgrade with 503 while draining, without counting it', () => {
    const { admission, drain } = admissionWith({});
    drain.begin();
    expect(admission.admit(from('10.0.0.1'))).toEqual({
      admitted: false,
      refusal: { status: 503, reason: SHUTTING_DOWN },
    });
    expect(admission.openConnections).toBe(0);
    expect(admission.addressCount).toBe(0);
  });
});
