// Caches another resolver's answers per domain for a time, and shares one lookup
// between concurrent callers. Failures are not cached.
import type { CaResolver, ResolvedCa } from '../validation/index.ts';

/** Options of {@link CachingResolver}. */
export interface CachingOptions {
  /** How long an answer is kept, in milliseconds. Default 3,600,000 (one hour). */
  readonly ttlMs?: number;
  /** Most domains kept; the oldest entry goes first. Default 1000. */
  readonly maxEntries?: number;
  /** Clock in milliseconds; default Date.now (tests pass their own). */
  readonly now?: () => number;
}

interface Entry {
  readonly expiresAt: number;
  readonly answer: readonly ResolvedCa[];
}

/** A resolver that remembers answers for `ttlMs`. */
export class CachingResolver implements CaResolver {
  readonly name: string;
  readonly #inner: CaResolver;
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  readonly #inFlight = new Map<string, Promise<readonly ResolvedCa[]>>();

  constructor(inner: CaResolver, options: CachingOptions = {}) {
    this.#inner = inner;
    this.name = inner.name;
    this.#ttlMs = options.ttlMs ?? 3_600_000;
    this.#maxEntries = options.maxEntries ?? 1000;
    this.#now = options.now ?? Date.now;
  }

  async resolve(domain: string): Promise<readonly ResolvedCa[]> {
    const key = domain.toLowerCase().replace(/\.$/, '');
    const cached = this.#entries.get(key);
    if (cached !== undefined && cached.expiresAt > this.#now()) return cached.answer;
    const pending = this.#inFlight.get(key);
    if (pending !== undefined) return pending;
    const lookup = this.#inner.resolve(key).then((answer) => {
      this.#entries.delete(key);
      this.#entries.set(key, { expiresAt: this.#now() + this.#ttlMs, answer });
      while (this.#entries.size > this.#maxEntries) {
        const oldest = this.#entries.keys().next().value;
        if (oldest === undefined) break;
        this.#entries.delete(oldest);
      }
      return answer;
    });
    this.#inFlight.set(key, lookup);
    try {
      return await lookup;
    } finally {
      this.#inFlight.delete(key);
    }
  }

  /** Forgets every cached answer. */
  clear(): void {
    this.#entries.clear();
  }
}
