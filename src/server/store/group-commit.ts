/**
 * Coalesces durability requests: callers ask for "everything written so far is on disk",
 * and one fsync answers every caller that asked before it started. While an fsync runs,
 * new requests wait for the next one, so N concurrent writers cost about two fsyncs, not N.
 */
export class GroupCommit {
  readonly #sync: () => Promise<void>;
  #running: Promise<void> | undefined;
  #next: Promise<void> | undefined;
  #syncs = 0;

  /** @param sync makes every write issued before the call durable. */
  constructor(sync: () => Promise<void>) {
    this.#sync = sync;
  }

  /** Resolves once every write issued before this call is durable. */
  flush(): Promise<void> {
    if (this.#running === undefined) return this.#start();
    // A sync is under way but may have started before our write: queue one more, shared.
    this.#next ??= this.#running.then(
      () => this.#startQueued(),
      () => this.#startQueued(),
    );
    return this.#next;
  }

  /** How many syncs ran: for tests and the store's statistics. */
  get syncCount(): number {
    return this.#syncs;
  }

  #startQueued(): Promise<void> {
    this.#next = undefined;
    return this.#start();
  }

  #start(): Promise<void> {
    this.#syncs++;
    const running = this.#sync().finally(() => {
      if (this.#running === running) this.#running = undefined;
    });
    this.#running = running;
    return running;
  }
}
