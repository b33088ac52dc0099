import type { RelayClock } from './clock.ts';
import type { HostSession } from './host-session.ts';

export interface SessionPoolOptions {
  readonly clock: RelayClock;
  /** How long a kept session may stay unused, in ms (also kept under half the peer's IDLE). */
  readonly idleTimeoutMs: number;
  /** Most sessions kept at once; the one unused longest goes first. 0 keeps none. */
  readonly maxSessions: number;
}

interface Kept {
  readonly session: HostSession;
  readonly timer: unknown;
}

/**
 * Host sessions kept open between batches, one per destination domain, for peers the
 * trust settings call trusted ("sessions kept up between deliveries for trusted peers");
 * sessions to other peers are closed after their batch.
 */
export class SessionPool {
  readonly #options: SessionPoolOptions;
  /** Insertion order is the order of last use. */
  readonly #kept = new Map<string, Kept>();

  constructor(options: SessionPoolOptions) {
    this.#options = options;
  }

  /** Sessions kept now. */
  get size(): number {
    return this.#kept.size;
  }

  /** The kept session for `domain`, if it is still open; it leaves the pool. */
  take(domain: string): HostSession | undefined {
    const kept = this.#kept.get(domain);
    if (kept === undefined) return undefined;
    this.#kept.delete(domain);
    this.#options.clock.clearTimer(kept.timer);
    if (kept.session.isOpen()) return kept.session;
    kept.session.destroy();
    return undefined;
  }

  /** Done with `session` for now: kept if the peer is trusted and it is open, else closed. */
  async release(session: HostSession): Promise<void> {
    const idleMs = this.#idleMsFor(session);
    if (!session.trusted || !session.isOpen() || idleMs <= 0 || this.#options.maxSessions < 1) {
      await session.quit();
      return;
    }
    const previous = this.#kept.get(session.domain);
    if (previous !== undefined && previous.session !== session) await this.#drop(session.domain);
    const closing: Promise<void>[] = [];
    while (this.#kept.size >= this.#options.maxSessions) {
      const oldest = this.#kept.keys().next().value;
      if (oldest === undefined) break;
      closing.push(this.#drop(oldest));
    }
    const timer = this.#options.clock.setTimer(() => {
      if (this.#kept.get(session.domain)?.session === session) void this.#drop(session.domain);
    }, idleMs);
    this.#kept.set(session.domain, { session, timer });
    await Promise.all(closing);
  }

  /** Closes every kept session. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.#kept.keys()].map((domain) => this.#drop(domain)));
  }

  #idleMsFor(session: HostSession): number {
    const peerIdle = session.peerIdleTimeoutMs;
    return peerIdle > 0
      ? Math.min(this.#options.idleTimeoutMs, Math.floor(peerIdle / 2))
      : this.#options.idleTimeoutMs;
  }

  async #drop(domain: string): Promise<void> {
    const kept = this.#kept.get(domain);
    if (kept === undefined) return;
    this.#kept.delete(domain);
    this.#options.clock.clearTimer(kept.timer);
    await kept.session.quit();
  }
}
