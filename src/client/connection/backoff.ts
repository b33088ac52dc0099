/** Reconnect delays (docs/client-engine.md, "Connections"). */
export interface BackoffOptions {
  /** The first retry's ceiling, in ms. Default 500. */
  readonly initialDelayMs?: number;
  /** The largest ceiling, in ms. Default 60000. */
  readonly maxDelayMs?: number;
  /** A number in [0, 1); default Math.random. */
  readonly random?: () => number;
}

/**
 * Exponential backoff with "equal jitter": after the n-th failure in a row the delay is
 * drawn from [c/2, c) with c = min(max, initial * 2^n), so retries never come all at
 * once (a restarted server) yet never arrive sooner than half the ceiling.
 */
export function backoffDelayMs(failures: number, options: BackoffOptions = {}): number {
  const initial = options.initialDelayMs ?? 500;
  const max = options.maxDelayMs ?? 60_000;
  const random = options.random ?? Math.random;
  const ceiling = Math.min(max, initial * 2 ** Math.min(failures, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
