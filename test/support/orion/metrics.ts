import request from 'supertest';
import type { OrionAddress } from './orion-test-app.js';

/** The value of one sample (`name{labels}`) in Orion's /metrics text, 0 when absent. */
export async function metricValue(orion: OrionAddress, sample: string): Promise<number> {
  const text = (await request(orion.httpUrl).get('/metrics')).text;
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${sample} `));
  return line === undefined ? 0 : Number(line.slice(sample.length + 1));
}
