/** Time for the relay's retry timers, injectable so tests control it. */
export interface RelayClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `callback` once after `ms`; returns a handle for {@link clearTimer}. */
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/**
 * The real clock. Its timers do not keep the process alive by themselves: mt2d's
 * listener does that, and a process that is shutting down must not wait for a retry.
 */
export const SYSTEM_CLOCK: RelayClock = {
  now: () => Date.now(),
  setTimer: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimer: (handle) => {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};
