/** A contact made from a received vCard (collection `contacts`, keyed by lower-cased address). */
export interface Contact {
  /** The address the vCard came from. */
  readonly address: string;
  /** FN of the vCard. */
  readonly fullName: string;
  /** The vCard 4.0 text as received. */
  readonly vcard: string;
  /** Fingerprint of the sender's certificate when the vCard arrived, if signed. */
  readonly certificateFingerprint?: string;
  /** Whether the sender was verified then. */
  readonly verified: boolean;
  readonly updatedAt: Date;
}
