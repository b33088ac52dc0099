// A clock for tests: time moves only when the test says so, and due timers fire then.
import type { RelayClock } from '../../src/server/index.ts';

interface Timer {
  readonly at: number;
  readonly callback: () => void;
}

export class ManualClock implements RelayClock {
  #now: number;
  readonly #timers = new Set<Timer>();

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(callback: () => void, ms: number): unknown {
    const timer = { at: this.#now + ms, callback };
    this.#timers.add(timer);
    return timer;
  }

  clearTimer(handle: unknown): void {
    this.#timers.delete(handle as Timer);
  }

  /** Timers not yet fired, soonest first (their due times). */
  get pending(): number[] {
    return [...this.#timers].map((timer) => timer.at).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, firing each timer that falls due, in order. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      const due = [...this.#timers]
        .filter((timer) => timer.at <= until)
        .sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.#timers.delete(due);
      this.#now = due.at;
      due.callback();
    }
    this.#now = until;
  }
}
