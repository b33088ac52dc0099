/**
 * Why a benchmark peer (INN2, postfix's smtp-source/smtp-sink, Dovecot) or our own small
 * NNTP streaming client failed:
 * - `PEER_NOT_INSTALLED`: a program is missing; run `bench/peers/setup.sh` as root.
 * - `PEER_BAD_OPTION`: an option is out of range (count, body size, message-id, ...).
 * - `PEER_START_FAILED`: the peer exited or refused to start; the message holds its output.
 * - `PEER_COMMAND_FAILED`: a helper program (makedbz, ctlinnd, smtp-source) failed.
 * - `PEER_TIMEOUT`: the peer did not answer within the time limit.
 * - `PEER_UNEXPECTED_REPLY`: the peer answered with a status the exchange does not allow.
 * - `PEER_LINE_TOO_LONG`: a reply line was longer than the protocol allows.
 * - `PEER_CONNECTION_CLOSED`: the peer closed the connection with answers still due.
 */
export type PeerErrorCode =
  | 'PEER_NOT_INSTALLED'
  | 'PEER_BAD_OPTION'
  | 'PEER_START_FAILED'
  | 'PEER_COMMAND_FAILED'
  | 'PEER_TIMEOUT'
  | 'PEER_UNEXPECTED_REPLY'
  | 'PEER_LINE_TOO_LONG'
  | 'PEER_CONNECTION_CLOSED';

/** The one error type of bench/peers; callers and tests branch on `code`. */
export class PeerError extends Error {
  /** Stable code, see {@link PeerErrorCode}. */
  readonly code: PeerErrorCode;

  constructor(code: PeerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PeerError';
    this.code = code;
  }
}
