// The small parts every mailbox sync pulls for every message (envelope and headers),
// kept in memory so that a PULL of thousands of them costs no system call per part.
// Parts never change once committed, so a cached copy cannot go stale; the cache only
// bounds its size, dropping the oldest messages first.

/** The parts worth caching: a sync pulls them for every message, bodies only on demand. */
export type CachedPartType = 'envelope' | 'headers';

/** Largest part kept: bigger ones are rare and cheap to read per octet anyway. */
export const MAX_CACHED_PART_BYTES = 64 * 1024;
/** Default budget: the envelopes and headers of about 12,000 typical messages. */
export const DEFAULT_PART_CACHE_BYTES = 64 * 1024 * 1024;

type CachedParts = Partial<Record<CachedPartType, Uint8Array>>;

/** Whether `part` is one the cache keeps, at `size` octets. */
export function isCacheable(part: string, size: number): part is CachedPartType {
  return (part === 'envelope' || part === 'headers') && size > 0 && size <= MAX_CACHED_PART_BYTES;
}

/**
 * The cached parts by message (`Key`: whatever names one, say its msg-id or the store's
 * record of it), oldest message first (a Map keeps insertion order), at most `budget`
 * octets in all.
 */
export class PartCache<Key> {
  readonly #messages = new Map<Key, CachedParts>();
  #bytes = 0;

  constructor(readonly budget: number) {
    if (!Number.isSafeInteger(budget) || budget < 0) {
      throw new RangeError(`part cache budget must be an integer from 0, got ${budget}`);
    }
  }

  /** Octets held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** A cached part (shared: never modify it), or undefined. */
  get(message: Key, part: string): Uint8Array | undefined {
    return this.#messages.get(message)?.[part as CachedPartType];
  }

  /** Keeps `bytes` (taken over: the caller must not modify them) as a part of `message`. */
  put(message: Key, part: CachedPartType, bytes: Uint8Array): void {
    if (!isCacheable(part, bytes.length) || bytes.length > this.budget) return;
    let parts = this.#messages.get(message);
    if (parts === undefined) {
      parts = {};
      this.#messages.set(message, parts);
    }
    this.#bytes += bytes.length - (parts[part]?.length ?? 0);
    parts[part] = bytes;
    this.#evict();
  }

  #evict(): void {
    for (const [message, parts] of this.#messages) {
      if (this.#bytes <= this.budget) return;
      this.#bytes -= (parts.envelope?.length ?? 0) + (parts.headers?.length ?? 0);
      this.#messages.delete(message);
    }
  }
}
