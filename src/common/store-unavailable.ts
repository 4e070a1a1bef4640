/**
 * The shared state store could not be reached. HTTP answers 503 so clients retry later;
 * WebSocket and UDP input is dropped, as for any message that cannot be served.
 */
export class StoreUnavailable extends Error {
  constructor(cause: unknown) {
    super('The server cannot reach its state store right now. Try again shortly.', { cause });
    this.name = 'StoreUnavailable';
  }
}
