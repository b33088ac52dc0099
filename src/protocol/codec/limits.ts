import { Mt2Error } from '../errors.ts';

/**
 * Every size and time bound of an MT2 session, in one place so the decoder, both
 * session roles, the client engine and mt2d cannot drift apart (docs/protocol.md
 * section 7). The server announces its values in the greeting; a client keeps to the
 * smaller of its own and the server's.
 */
export interface Mt2Limits {
  /** Longest line, CRLF included, in octets. Default 8192. 0 is invalid. */
  readonly maxLineBytes: number;
  /** Largest data chunk, in octets. Default 65536. 0 is invalid. */
  readonly maxChunkBytes: number;
  /** Largest part (all fragments of one type), in octets. Default 32 MiB. 0: no limit. */
  readonly maxPartBytes: number;
  /** Largest message (all three parts), in octets. Default 64 MiB. 0: no limit. */
  readonly maxMessageBytes: number;
  /** Largest HELO certificate chain, in octets. Default 65536. 0 is invalid. */
  readonly maxCertificateBytes: number;
  /**
   * Most requests one side may have unanswered at once (pipelined mode; synchronous
   * mode allows one transfer). Default 64. 0 is invalid.
   */
  readonly maxInFlight: number;
  /** Close the session after this long without input, in ms. Default 300000. 0: never. */
  readonly idleTimeoutMs: number;
}

/** Default longest line, CRLF included: 8 KiB (mt2-profile.md section 1). */
export const MAX_LINE_BYTES = 8192;
/** Default largest data chunk: 64 KiB (mt2-profile.md section 2). */
export const MAX_CHUNK_BYTES = 65536;
/** Default largest part: 32 MiB. */
export const MAX_PART_BYTES = 32 * 1024 * 1024;
/** Default largest message: 64 MiB. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** Default largest HELO certificate chain: 64 KiB. */
export const MAX_CERTIFICATE_BYTES = 65536;
/** Default most unanswered requests in flight (pipelined mode). */
export const MAX_IN_FLIGHT = 64;
/** Default idle timeout: 5 minutes. */
export const IDLE_TIMEOUT_MS = 300_000;
/**
 * Smallest allowed `maxLineBytes`: a line must hold a tag, a verb and a result code,
 * and the decoder reads a too-long line's tag from its first octets.
 */
export const MIN_LINE_BYTES = 64;
/** Hard ceiling for any size on the wire: the largest exact integer. */
export const MAX_WIRE_INTEGER = Number.MAX_SAFE_INTEGER;

/** The defaults, frozen. */
export const DEFAULT_LIMITS: Mt2Limits = Object.freeze({
  maxLineBytes: MAX_LINE_BYTES,
  maxChunkBytes: MAX_CHUNK_BYTES,
  maxPartBytes: MAX_PART_BYTES,
  maxMessageBytes: MAX_MESSAGE_BYTES,
  maxCertificateBytes: MAX_CERTIFICATE_BYTES,
  maxInFlight: MAX_IN_FLIGHT,
  idleTimeoutMs: IDLE_TIMEOUT_MS,
});

/** Limits whose value 0 means "no limit"; for the others 0 is invalid. */
const ZERO_MEANS_UNLIMITED: ReadonlySet<keyof Mt2Limits> = new Set([
  'maxPartBytes',
  'maxMessageBytes',
  'idleTimeoutMs',
]);

/**
 * Fills in defaults and checks every value.
 * @throws Mt2Error INVALID_LIMIT for a negative, fractional or forbidden-zero value.
 */
export function resolveLimits(overrides: Partial<Mt2Limits> = {}): Mt2Limits {
  const limits = { ...DEFAULT_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits) as [keyof Mt2Limits, number][]) {
    const zeroOk = ZERO_MEANS_UNLIMITED.has(name);
    if (!Number.isSafeInteger(value) || value < 0 || (value === 0 && !zeroOk)) {
      throw new Mt2Error(
        'INVALID_LIMIT',
        `${name} must be a ${zeroOk ? 'non-negative' : 'positive'} integer, got ${value}`,
      );
    }
  }
  if (limits.maxLineBytes < MIN_LINE_BYTES) {
    throw new Mt2Error('INVALID_LIMIT', `maxLineBytes must be at least ${MIN_LINE_BYTES}`);
  }
  return Object.freeze(limits);
}

/** Whether `size` exceeds a limit where 0 means unlimited. */
export function exceeds(size: number, limit: number): boolean {
  return limit !== 0 && size > limit;
}
