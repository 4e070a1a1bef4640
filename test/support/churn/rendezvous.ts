/** One flow's place at a {@link Rendezvous}. */
export interface Attendee {
  /** Counts this flow in, and waits until the rendezvous opens. */
  arrive(): Promise<void>;
  /** Counts in a flow that will never arrive (it failed), so that nobody waits for it. */
  withdraw(): void;
}

/**
 * Where the flows of one wave meet, so the test can look at the server while every
 * flow holds still: `everyone` settles once all attendees arrived or withdrew, and
 * nobody moves on until `open()`.
 */
export class Rendezvous {
  readonly everyone: Promise<void>;
  private pending: number;
  private settle!: () => void;
  private release!: () => void;
  private readonly opened: Promise<void>;

  constructor(attendees: number) {
    this.pending = attendees;
    this.everyone = new Promise((resolve) => (this.settle = resolve));
    this.opened = new Promise((resolve) => (this.release = resolve));
    if (attendees === 0) this.settle();
  }

  join(): Attendee {
    let counted = false;
    const count = () => {
      if (counted) return;
      counted = true;
      if (--this.pending === 0) this.settle();
    };
    return {
      arrive: () => {
        count();
        return this.opened;
      },
      withdraw: count,
    };
  }

  open(): void {
    this.release();
  }
}
