/**
 * How long a host handed to another replica is remembered: far longer than a phase change
 * takes to reach this replica (a pub/sub message and a store read).
 */
const REMEMBERED_MS = 30_000;

/**
 * Hosts another replica took over lately (reconnection). A phase change routed here just
 * before the host moved may still arrive: for these hosts it arms nothing, since the
 * mediation's timers now run on the host's new replica.
 */
export class ReleasedHosts {
  private readonly until = new Map<string, NodeJS.Timeout>();

  add(clientId: string): void {
    this.delete(clientId);
    const timer = setTimeout(() => this.until.delete(clientId), REMEMBERED_MS);
    timer.unref();
    this.until.set(clientId, timer);
  }

  /** The host came back here: this replica is its home again. */
  delete(clientId: string): void {
    const timer = this.until.get(clientId);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.until.delete(clientId);
  }

  has(clientId: string): boolean {
    return this.until.has(clientId);
  }

  clear(): void {
    for (const clientId of [...this.until.keys()]) this.delete(clientId);
  }
}
