import type { RelayClock } from './clock.ts';
import { retryDelayMs, type RetryPolicy } from './retry-policy.ts';

/**
 * What one run over a domain's queue ended with: `done` (nothing left that can go now),
 * `more` (the batch limit was reached; run again soon) or `retry` (a transient failure;
 * try again after the backoff).
 */
export type RunOutcome = 'done' | 'more' | 'retry';

/** Where a domain stands. */
export type DomainStatus = 'idle' | 'ready' | 'running' | 'waiting';

/** A domain's scheduling state, as reported to logs and tests. */
export interface DomainState {
  readonly status: DomainStatus;
  /** Transient failures in a row (reset by a run that is not `retry`; not kept across restarts). */
  readonly failures: number;
  /** When a `waiting` domain is tried again (ms since the epoch). */
  readonly retryAt: number | undefined;
}

export interface DomainSchedulerOptions {
  readonly clock: RelayClock;
  readonly policy: RetryPolicy;
  /** Numbers in [0, 1) for the jitter. */
  readonly random: () => number;
  /** Most domains being run at once (at least 1). */
  readonly maxConcurrentDomains: number;
  /** Works through a domain's queue once. A rejection counts as `retry`. */
  readonly run: (domain: string) => Promise<RunOutcome>;
  /** Told of each retry that was scheduled, and of a run that threw. */
  readonly onRetry?: (domain: string, failures: number, delayMs: number) => void;
  readonly onRunError?: (domain: string, error: unknown) => void;
}

interface Slot {
  status: DomainStatus;
  failures: number;
  retryAt: number | undefined;
  timer: unknown;
  /** Notified while running: run again when this run ends. */
  again: boolean;
}

/**
 * Decides when each destination domain's queue is worked through: at most
 * `maxConcurrentDomains` at once, first come first served; a domain is never run twice
 * at the same time; after a transient failure it waits an exponential backoff with
 * jitter. A notification for a waiting domain does not cut its backoff short (the
 * domain just failed; the new message goes with the retry).
 *
 * ```
 *   idle --notify--> ready --slot free--> running --done--> idle (or ready if notified)
 *                      ^                    |  |
 *                      +------more----------+  +--retry--> waiting --timer--> ready
 * ```
 */
export class DomainScheduler {
  readonly #options: DomainSchedulerOptions;
  readonly #slots = new Map<string, Slot>();
  readonly #ready: string[] = [];
  readonly #runs = new Set<Promise<void>>();
  #idleWaiters: (() => void)[] = [];
  #closed = false;

  constructor(options: DomainSchedulerOptions) {
    if (!(options.maxConcurrentDomains >= 1)) {
      throw new RangeError(`maxConcurrentDomains must be at least 1`);
    }
    this.#options = options;
  }

  /** A message was queued for `domain` (or the relay started and found some). */
  notify(domain: string): void {
    if (this.#closed) return;
    const slot = this.#slot(domain);
    if (slot.status === 'idle') this.#makeReady(domain, slot);
    else if (slot.status === 'running') slot.again = true;
  }

  /** The state of `domain` (idle for one never seen). */
  state(domain: string): DomainState {
    const slot = this.#slots.get(domain);
    return {
      status: slot?.status ?? 'idle',
      failures: slot?.failures ?? 0,
      retryAt: slot?.retryAt,
    };
  }

  /** Number of domains running now. */
  get running(): number {
    return this.#runs.size;
  }

  /** Resolves once no domain is running or ready (waiting ones may remain). */
  whenSettled(): Promise<void> {
    if (this.#settled()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops scheduling: retry timers are cancelled; resolves once running work ends. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#ready.length = 0;
    for (const slot of this.#slots.values()) {
      if (slot.timer !== undefined) this.#options.clock.clearTimer(slot.timer);
      slot.timer = undefined;
    }
    await Promise.all([...this.#runs]);
    this.#wakeIdleWaiters();
  }

  #slot(domain: string): Slot {
    let slot = this.#slots.get(domain);
    if (slot === undefined) {
      slot = { status: 'idle', failures: 0, retryAt: undefined, timer: undefined, again: false };
      this.#slots.set(domain, slot);
    }
    return slot;
  }

  #makeReady(domain: string, slot: Slot): void {
    slot.status = 'ready';
    slot.retryAt = undefined;
    slot.timer = undefined;
    this.#ready.push(domain);
    this.#pump();
  }

  #pump(): void {
    while (!this.#closed && this.#runs.size < this.#options.maxConcurrentDomains) {
      const domain = this.#ready.shift();
      if (domain === undefined) break;
      this.#start(domain);
    }
    this.#wakeIdleWaiters();
  }

  #start(domain: string): void {
    const slot = this.#slot(domain);
    slot.status = 'running';
    slot.again = false;
    const run: Promise<void> = this.#options
      .run(domain)
      .catch((error: unknown): RunOutcome => {
        this.#options.onRunError?.(domain, error);
        return 'retry';
      })
      .then((outcome) => {
        this.#runs.delete(run);
        this.#finish(domain, slot, outcome);
      });
    this.#runs.add(run);
  }

  #finish(domain: string, slot: Slot, outcome: RunOutcome): void {
    slot.status = 'idle';
    if (this.#closed) {
      this.#wakeIdleWaiters();
      return;
    }
    if (outcome === 'retry') {
      slot.failures++;
      const delayMs = retryDelayMs(this.#options.policy, slot.failures, this.#options.random());
      slot.status = 'waiting';
      slot.retryAt = this.#options.clock.now() + delayMs;
      slot.timer = this.#options.clock.setTimer(() => {
        if (!this.#closed) this.#makeReady(domain, slot);
      }, delayMs);
      this.#options.onRetry?.(domain, slot.failures, delayMs);
    } else {
      slot.failures = 0;
      if (outcome === 'more' || slot.again) this.#makeReady(domain, slot);
      // An idle domain has nothing worth remembering: the map stays as small as the work.
      else this.#slots.delete(domain);
    }
    this.#pump();
  }

  #settled(): boolean {
    return this.#runs.size === 0 && (this.#closed || this.#ready.length === 0);
  }

  #wakeIdleWaiters(): void {
    if (!this.#settled()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
