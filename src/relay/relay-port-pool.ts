import type { PortRange } from '../config/port-range.js';

/**
 * The relay's ports: hands out free ones, oldest-freed first, so that a port just released
 * (whose peer may still be sending to it) is the last to be reused.
 */
export class RelayPortPool {
  private readonly free: number[] = [];
  private readonly taken = new Set<number>();

  constructor(range: PortRange) {
    for (let port = range.first; port <= range.last; port++) this.free.push(port);
  }

  get inUse(): number {
    return this.taken.size;
  }

  get available(): number {
    return this.free.length;
  }

  take(): number | undefined {
    const port = this.free.shift();
    if (port !== undefined) this.taken.add(port);
    return port;
  }

  give(port: number): void {
    if (this.taken.delete(port)) this.free.push(port);
  }
}
