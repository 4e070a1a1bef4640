/** A wall-clock budget shared by several steps, so that a whole run stays bounded. */
export class Deadline {
  private readonly endsAt: number;

  constructor(readonly totalMs: number) {
    this.endsAt = Date.now() + totalMs;
  }

  /** Milliseconds left, at least 1 so that it can always be handed to a timer. */
  leftMs(): number {
    return Math.max(1, this.endsAt - Date.now());
  }

  /** `promise`, or a rejection naming `what` once the budget is spent. */
  race<T>(promise: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no ${what} within ${this.totalMs} ms`)),
        this.endsAt - Date.now(),
      );
    });
    return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
  }
}
