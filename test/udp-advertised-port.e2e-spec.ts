import { afterEach, describe, expect, it } from 'vitest';
import { ClientPool, openParty, postStart } from './support/flows/mediation-flows.js';
import { startOrion, type OrionTestApp } from './support/orion/orion-test-app.js';

describe('--udpAdvertisedPort', () => {
  let orion: OrionTestApp | undefined;
  const pool = new ClientPool();

  afterEach(async () => {
    await pool.closeAll();
    await orion?.close();
    orion = undefined;
  });

  it('is the port ptpMediation_send names, while the socket stays on --udpPort', async () => {
    orion = await startOrion({ udpAdvertisedPort: 31_990 });
    const party = await openParty(orion, pool, ['Host', 'Ann']);
    expect((await postStart(orion, party.host.client, party.lobbyId)).status).toBe(200);
    for (const peer of party.everyone) {
      expect(await peer.client.next('ptpMediation_send')).toEqual({ port: 31_990 });
    }
    // Packets still arrive on the bound port (as a NodePort or balancer would forward them).
    expect(orion.udpPort).not.toBe(31_990);
    for (const peer of party.everyone) await peer.client.sendUdp(orion.udpPort);
    for (const peer of party.everyone) await peer.client.next('ptpMediation_peersConnection_start');
  });

  it('defaults to the bound UDP port', async () => {
    orion = await startOrion();
    const party = await openParty(orion, pool, ['Host', 'Ann']);
    expect((await postStart(orion, party.host.client, party.lobbyId)).status).toBe(200);
    expect(await party.host.client.next('ptpMediation_send')).toEqual({ port: orion.udpPort });
  });
});
