import { sleep } from '../lib/stats.mjs';
import { Client } from './protocol.mjs';

/**
 * Scenario 2, idle clients: registers `clients` WebSocket clients in batches and holds
 * them open; the orchestrator reads the server's RSS before and after.
 */
export async function runIdle({ target, params, mark }) {
  await closeAll(await connectMany(target, params.warmupClients, params.batch), params.batch);
  await sleep(params.settleMs);
  await mark('idle:before');
  const started = performance.now();
  const clients = await connectMany(target, params.clients, params.batch);
  const connectMs = performance.now() - started;
  await mark('idle:connected');
  await sleep(params.settleMs);
  await mark('idle:after');
  const open = clients.filter((client) => client.ws.readyState === client.ws.OPEN).length;
  await closeAll(clients, params.batch);
  if (open !== params.clients) throw new Error(`only ${open} of ${params.clients} stayed open`);
  return { clients: clients.length, connectMs };
}

/** Registers `count` clients, `batch` at a time. */
export async function connectMany(target, count, batch) {
  const clients = [];
  for (let i = 0; i < count; i += batch) {
    const n = Math.min(batch, count - i);
    clients.push(
      ...(await Promise.all(Array.from({ length: n }, () => Client.connect(target.wsUrl)))),
    );
  }
  return clients;
}

export async function closeAll(clients, batch) {
  for (let i = 0; i < clients.length; i += batch) {
    await Promise.all(clients.slice(i, i + batch).map((client) => client.close()));
  }
}
