/**
 * Stable codes of {@link ExtensionError}, the one error type of the recipient
 * extensions and the consent engine. Callers and tests match on these, never on text.
 */
export type ExtensionErrorCode =
  /** The payload is not what the extension's schema allows; `path` says where. */
  | 'EXTENSION_PAYLOAD_INVALID'
  /** The payload is larger than its limit (see limits in xml-payload.ts). */
  | 'EXTENSION_PAYLOAD_TOO_LARGE'
  /** The payload's `version` is one this code does not speak. */
  | 'EXTENSION_VERSION_UNSUPPORTED'
  /** The message's headers (where its requests ride) cannot be read: damaged, or encrypted for another key. */
  | 'EXTENSION_HEADERS_UNREADABLE'
  /** A critical recipient extension whose OID is not in the registry. */
  | 'EXTENSION_UNKNOWN_CRITICAL'
  /** A message carries more recipient extensions than the engine acts on (the extras are refused). */
  | 'EXTENSION_TOO_MANY'
  /** The payload is an answer or request that the receiving side cannot act on here (a list-side request sent to a person, say). */
  | 'EXTENSION_UNEXPECTED_KIND'
  /** A vCard that is not a valid RFC 6350 vCard 4.0 (or lacks FN). */
  | 'VCARD_INVALID'
  /** The user has no vCard of their own to answer with (edit it in settings). */
  | 'VCARD_NOT_CONFIGURED'
  /** A chess message names a game this user does not have. */
  | 'CHESS_UNKNOWN_GAME'
  /** A challenge names a game id that already exists. */
  | 'CHESS_GAME_EXISTS'
  /** The sender is not the opponent of the game. */
  | 'CHESS_NOT_A_PLAYER'
  /** The move is not legal in the game's position. */
  | 'CHESS_ILLEGAL_MOVE'
  /** The move is by the side not on move, or skips ahead of the game. */
  | 'CHESS_OUT_OF_TURN'
  /** The move (or action) was already applied: a duplicated or replayed message. */
  | 'CHESS_REPLAYED_MOVE'
  /** The message's PGN does not match the game's moves plus its own move. */
  | 'CHESS_PGN_MISMATCH'
  /** The game is over; no further moves, offers or resignations. */
  | 'CHESS_GAME_OVER'
  /** A draw acceptance with no draw offer standing. */
  | 'CHESS_NO_DRAW_OFFER'
  /** The PGN cannot be read. */
  | 'CHESS_PGN_INVALID'
  /** A list answer for a list this user never asked to join. */
  | 'LIST_NOT_REQUESTED'
  /** An unsubscribe for a list this user is not on. */
  | 'LIST_NOT_MEMBER'
  /** A disposition notification for a message this user did not ask one for. */
  | 'DISPOSITION_NOT_REQUESTED'
  /** No pending item with this id. */
  | 'CONSENT_UNKNOWN_ITEM'
  /** The user asked to decline with a notice, but this extension has no notice (disposition: the notice itself would tell the message was seen). */
  | 'CONSENT_NOTICE_UNAVAILABLE'
  /** Approval would now send something other than what the pending item declared; the item shows the new declaration. */
  | 'CONSENT_DECLARATION_CHANGED'
  /** Too many requests are waiting for the user; this one is refused. */
  | 'CONSENT_QUEUE_FULL'
  /** No outgoing message with this id is waiting for a send report. */
  | 'CONSENT_UNKNOWN_OUTGOING';

/**
 * The one error type of the recipient extensions. `path` names where a payload fault
 * is, XPath-like (`/chessMove/@ply`); empty when the fault is not in a payload.
 */
export class ExtensionError extends Error {
  override readonly name = 'ExtensionError';

  constructor(
    readonly code: ExtensionErrorCode,
    message: string,
    readonly path = '',
  ) {
    super(path === '' ? message : `${message} (at ${path})`);
  }
}
