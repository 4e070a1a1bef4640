import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';

/** This process among the replicas sharing one store: where its clients' sockets live. */
@Injectable()
export class ReplicaIdentity {
  readonly id = randomUUID();
}
