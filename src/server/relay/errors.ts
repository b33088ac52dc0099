/**
 * Failures of the relay itself (what the peer said arrives as the protocol's Mt2Error);
 * docs/errors.md lists each one (checked by test/unit/server/relay/errors-catalogue.test.ts).
 */
export const RELAY_ERROR_CODES = [
  /** The peer's host certificate did not validate for the name it was reached by. */
  'RELAY_PEER_INVALID',
  /** Reached by address (a static route), the peer's certificate names no host of the domain. */
  'RELAY_PEER_NOT_IN_DOMAIN',
  /** A host name of a route did not resolve to an address. */
  'RELAY_ADDRESS_UNKNOWN',
  /** A queued message cannot be read back (its envelope does not decode). */
  'RELAY_QUEUED_MESSAGE_UNREADABLE',
  /** A bad option: a limit below its minimum. */
  'RELAY_BAD_OPTION',
] as const;

export type RelayErrorCode = (typeof RELAY_ERROR_CODES)[number];

export class RelayError extends Error {
  override readonly name = 'RelayError';
  constructor(
    readonly code: RelayErrorCode,
    message: string,
  ) {
    super(message);
  }
}
