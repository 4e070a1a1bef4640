import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';

/** This process among the replicas sharing one store: where its clients' sockets live. */
@Injectable()
export class ReplicaIdentity {
  private current = randomUUID();

  get id(): string {
    return this.current;
  }

  /**
   * A new id, for a replica that was presumed dead (its heartbeat lapsed): survivors may
   * be cleaning up under the old id, so what it registers from now on must not be mixed
   * with that.
   */
  renew(): string {
    this.current = randomUUID();
    return this.current;
  }
}
