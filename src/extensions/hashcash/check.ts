import { createHash } from 'node:crypto';
import { HashcashError } from './errors.ts';
import { leadingZeroBits, parseStamp, type HashcashStamp } from './stamp.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Postage a domain asks for unless it says otherwise (docs/protocol.md, delivery extensions). */
export const DEFAULT_POSTAGE_BITS = 20;
/** How long a stamp stays spendable after its date: 28 days. */
export const DEFAULT_STAMP_VALIDITY_MS = 28 * DAY_MS;
/** Clock skew tolerated either side of the window: 2 days. */
export const DEFAULT_STAMP_GRACE_MS = 2 * DAY_MS;

/** What a receiving domain demands of a stamp. */
export interface PostagePolicy {
  /** Leading zero bits required. Default DEFAULT_POSTAGE_BITS. */
  readonly bits: number;
  /** Milliseconds after the stamp's date that it stays valid. */
  readonly validityMs: number;
  /** Milliseconds of clock skew tolerated before and after the window. */
  readonly graceMs: number;
}

export const DEFAULT_POSTAGE_POLICY: PostagePolicy = {
  bits: DEFAULT_POSTAGE_BITS,
  validityMs: DEFAULT_STAMP_VALIDITY_MS,
  graceMs: DEFAULT_STAMP_GRACE_MS,
};

/** A stamp that passed every check, and until when it must be remembered as spent. */
export interface CheckedStamp {
  readonly stamp: HashcashStamp;
  readonly text: string;
  readonly expiresAt: Date;
}

/**
 * Checks a stamp for a resource (the recipient address; compared case-insensitively, as
 * the `hashcash` tool does by default) at `now`. Throws a HashcashError naming the first
 * failed check. Does not look at double spending: see redeemStamp.
 */
export function checkStamp(
  text: string,
  resource: string,
  now: Date,
  policy: PostagePolicy = DEFAULT_POSTAGE_POLICY,
): CheckedStamp {
  const stamp = parseStamp(text);
  if (stamp.resource.toLowerCase() !== resource.toLowerCase()) {
    throw new HashcashError(
      'HASHCASH_WRONG_RESOURCE',
      `stamp is for '${stamp.resource}', not '${resource}'`,
    );
  }
  const actualBits = leadingZeroBits(createHash('sha1').update(text).digest());
  if (actualBits < stamp.bits) {
    throw new HashcashError(
      'HASHCASH_INSUFFICIENT_BITS',
      `stamp claims ${stamp.bits} bits but its hash has ${actualBits}`,
    );
  }
  if (stamp.bits < policy.bits) {
    throw new HashcashError(
      'HASHCASH_INSUFFICIENT_BITS',
      `stamp has ${stamp.bits} bits, ${policy.bits} required`,
    );
  }
  const minted = stamp.date.getTime();
  if (minted - policy.graceMs > now.getTime()) {
    throw new HashcashError('HASHCASH_FUTURE_DATED', `stamp is dated in the future`);
  }
  const expiresAt = new Date(minted + policy.validityMs + policy.graceMs);
  if (expiresAt.getTime() < now.getTime()) {
    throw new HashcashError('HASHCASH_EXPIRED', `stamp expired at ${expiresAt.toISOString()}`);
  }
  return { stamp, text, expiresAt };
}

/**
 * Remembers spent stamps until they expire, so that one stamp pays for one delivery.
 * mt2d keeps a durable one; MemorySpentStampStore serves a single process.
 */
export interface SpentStampStore {
  /** Records the stamp; resolves false if it was already spent. */
  spend(stampText: string, expiresAt: Date): Promise<boolean>;
}

/** A SpentStampStore in memory; expired entries are dropped as new stamps arrive. */
export class MemorySpentStampStore implements SpentStampStore {
  readonly #spent = new Map<string, number>();

  spend(stampText: string, expiresAt: Date): Promise<boolean> {
    const now = Date.now();
    for (const [text, expiry] of this.#spent) {
      if (expiry < now) this.#spent.delete(text);
    }
    if (this.#spent.has(stampText)) return Promise.resolve(false);
    this.#spent.set(stampText, expiresAt.getTime());
    return Promise.resolve(true);
  }

  /** Number of stamps remembered. */
  get size(): number {
    return this.#spent.size;
  }
}

/** Checks a stamp and spends it; throws HASHCASH_DOUBLE_SPENT on its second use. */
export async function redeemStamp(
  text: string,
  resource: string,
  store: SpentStampStore,
  now: Date,
  policy: PostagePolicy = DEFAULT_POSTAGE_POLICY,
): Promise<CheckedStamp> {
  const checked = checkStamp(text, resource, now, policy);
  if (!(await store.spend(text, checked.expiresAt))) {
    throw new HashcashError('HASHCASH_DOUBLE_SPENT', 'stamp was already spent');
  }
  return checked;
}
