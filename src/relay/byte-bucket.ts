/**
 * A token bucket counted in bytes: refills at `bytesPerSecond` and holds one second's worth,
 * so a pair may burst up to its rate and no further.
 */
export class ByteBucket {
  private available: number;
  private refilledAt: number;

  constructor(
    private readonly bytesPerSecond: number,
    now = performance.now(),
  ) {
    this.available = bytesPerSecond;
    this.refilledAt = now;
  }

  /** Takes `bytes` if they are there; false (taking nothing) otherwise. */
  tryTake(bytes: number, now = performance.now()): boolean {
    const elapsedMs = now - this.refilledAt;
    if (elapsedMs > 0) {
      this.available = Math.min(
        this.bytesPerSecond,
        this.available + (elapsedMs * this.bytesPerSecond) / 1000,
      );
      this.refilledAt = now;
    }
    if (bytes > this.available) return false;
    this.available -= bytes;
    return true;
  }
}
