/** When the relay tries a domain again after a transient failure, and when it gives up. */
export interface RetryPolicy {
  /** Delay before the first retry, in ms. Default 30 000 (30 s). */
  readonly initialDelayMs: number;
  /** Each further retry waits this many times longer. Default 2. */
  readonly multiplier: number;
  /** Longest delay between two attempts, in ms. Default 3 600 000 (1 hour). */
  readonly maxDelayMs: number;
  /**
   * Fraction of each delay taken off at random (0 to 1), so that domains that failed
   * together do not all retry in the same instant. Default 0.2.
   */
  readonly jitter: number;
  /**
   * A message still undelivered this long after it arrived fails permanently at its next
   * transient failure (an error report goes to its sender), in ms. Default 5 days.
   * It is measured from the arrival time the store keeps, so it survives restarts.
   */
  readonly maxAgeMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  initialDelayMs: 30_000,
  multiplier: 2,
  maxDelayMs: 60 * 60 * 1000,
  jitter: 0.2,
  maxAgeMs: 5 * 24 * 60 * 60 * 1000,
});

/**
 * The policy with defaults filled in.
 * @throws RangeError for a negative or non-finite value, a multiplier below 1 or a
 *   jitter outside 0..1 (a configuration mistake, refused at start).
 */
export function resolveRetryPolicy(partial: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...partial };
  for (const [name, value] of Object.entries(policy)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`retry ${name}: ${value}`);
  }
  if (policy.multiplier < 1) throw new RangeError(`retry multiplier below 1: ${policy.multiplier}`);
  if (policy.jitter > 1) throw new RangeError(`retry jitter above 1: ${policy.jitter}`);
  return policy;
}

/**
 * The wait before retry number `failures` (1 after the first failure): exponential,
 * capped at maxDelayMs, then reduced by up to `jitter` of itself.
 * @param random a number in [0, 1)
 */
export function retryDelayMs(policy: RetryPolicy, failures: number, random: number): number {
  const exponent = Math.max(0, failures - 1);
  const full = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** exponent);
  return Math.round(full * (1 - policy.jitter * random));
}
