/**
 * The user's standing with a list: `joining` (subscribe sent), `confirming`
 * (confirmation sent), `member`, `leaving` (unsubscribe sent).
 */
export type MembershipStatus = 'joining' | 'confirming' | 'member' | 'leaving';

/** A list the user is on or is joining or leaving (collection `listMemberships`). */
export interface ListMembership {
  /** The list's address (`list@domain`). */
  readonly list: string;
  readonly status: MembershipStatus;
  /** The list's display name, when it gave one. */
  readonly name?: string;
  /** When the status last changed. */
  readonly since: Date;
}
