/** Every ListHostError code, for the catalogue test (docs/errors.md). */
export const LIST_HOST_ERROR_CODES = [
  /** `mt2d list add` for an address that is already a list or a user. */
  'MT2D_LIST_EXISTS',
  /** `mt2d list remove` / `members` for an address that is no hosted list. */
  'MT2D_LIST_UNKNOWN',
  /** A list's state file does not parse or breaks its shape; the list is not served. */
  'MT2D_LIST_STATE_INVALID',
  /** `mt2d list members --add` of something that is no address, or past `lists.maxMembers`. */
  'MT2D_LIST_MEMBER_INVALID',
] as const;

/** Failures of list administration and of reading a list's state. */
export type ListHostErrorCode = (typeof LIST_HOST_ERROR_CODES)[number];

export class ListHostError extends Error {
  override readonly name = 'ListHostError';
  constructor(
    readonly code: ListHostErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Why the list refused a message, in the text of the error report it sends back (the
 * report's result code is 99.0.5.45, recipient prohibited): the post's sender is no
 * member, its signature does not verify, the control payload is malformed or names
 * another list, or the post is encrypted (the list cannot re-sign what it cannot read).
 */
export type ListRefusalCode =
  'LIST_NOT_MEMBER' | 'LIST_SENDER_UNVERIFIED' | 'LIST_CONTROL_INVALID' | 'LIST_POST_ENCRYPTED';
