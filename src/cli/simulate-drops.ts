import type { OrionClient } from '@orion/sdk';

/** How `orion simulate` cuts sockets (`--dropRate`), and what came of it. */
export interface DropPlan {
  /** The share of clients whose socket is cut once, 0 to 1. */
  rate: number;
  /** Each cut comes at a random moment within this long after the client connected. */
  withinMs: number;
  /** Draws in [0, 1): Math.random, or a seeded generator in tests. */
  random?: () => number;
}

export interface DropCounts {
  /** Sockets cut on purpose. */
  dropped: number;
  /** Clients that resumed after a cut (the SDK's `back` event). */
  resumed: number;
}

/**
 * Cuts client sockets at random moments, the way phones switching networks do, so that a
 * simulation exercises reconnection (`--reconnectGraceMs` on the server). Each client drawn
 * is cut once, with no close frame; the SDK then reconnects and resumes it.
 */
export class ConnectionDrops {
  readonly counts: DropCounts = { dropped: 0, resumed: 0 };
  private readonly random: () => number;

  constructor(private readonly plan: DropPlan) {
    this.random = plan.random ?? Math.random;
  }

  /** True when clients should connect ready to reconnect. */
  get active(): boolean {
    return this.plan.rate > 0;
  }

  /**
   * Draws whether `client` is cut, and when; counts its resumes. Returns what cancels the
   * cut, for a flow that ends first.
   */
  schedule(client: OrionClient): () => void {
    if (!this.active) return () => undefined;
    client.on('back', () => this.counts.resumed++);
    if (this.random() >= this.plan.rate) return () => undefined;
    const timer = setTimeout(
      () => {
        this.counts.dropped++;
        client.dropConnection();
      },
      Math.floor(this.random() * this.plan.withinMs),
    );
    return () => clearTimeout(timer);
  }
}
