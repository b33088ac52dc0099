import type { Mt2ExtensionResult, Mt2Option } from './codec/frames.ts';
import { RESULT } from './result-codes.ts';

/**
 * Every error code of src/protocol, with the result code sent to the peer when the
 * error is the peer's doing. Catalogue with meanings: docs/errors.md.
 */
const ERROR_RESULTS = {
  /** A line (with its CRLF) is longer than `maxLineBytes`. */
  LINE_TOO_LONG: RESULT.LINE_TOO_LONG,
  /** A line does not match the grammar (docs/protocol.md section 2). */
  MALFORMED_LINE: RESULT.SYNTAX_ERROR,
  /** A line is not valid UTF-8. */
  INVALID_UTF8: RESULT.SYNTAX_ERROR,
  /** A response status disagrees with its result code's class (OK-2, TMP-3, ERR-4/5). */
  STATUS_CLASS_MISMATCH: RESULT.SYNTAX_ERROR,
  /** A data chunk header announces more than `maxChunkBytes`; the session closes. */
  CHUNK_TOO_LARGE: RESULT.CHUNK_TOO_LARGE,
  /** A frame given to the encoder cannot be written on the wire. */
  INVALID_FRAME: RESULT.PEER_FAILURE,
  /** A limit given in options is out of range. */
  INVALID_LIMIT: RESULT.PEER_FAILURE,
  /** The verb's parameters are missing or wrong. */
  BAD_PARAMETERS: RESULT.BAD_PARAMETERS,
  /** The verb is not allowed in the session's state or transfer mode. */
  WRONG_STATE: RESULT.BAD_SEQUENCE,
  /** A part is larger than `maxPartBytes`. */
  PART_TOO_LARGE: RESULT.PART_TOO_LARGE,
  /** A message is larger than `maxMessageBytes`. */
  MESSAGE_TOO_LARGE: RESULT.MESSAGE_TOO_LARGE,
  /** More requests or transfers in flight than `maxInFlight` allows. */
  TOO_MANY_IN_FLIGHT: RESULT.TOO_MANY_IN_FLIGHT,
  /** A response arrived for a tag this side never sent; the session closes. */
  OUT_OF_SYNC: RESULT.OUT_OF_SYNC,
  /** Nothing arrived for `idleTimeoutMs`; the session closes. */
  IDLE_TIMEOUT: RESULT.IDLE_TIMEOUT,
  /** The peer answered a request with ERR (see `Mt2Error.result`). */
  REFUSED: RESULT.FAILED,
  /** The transfer was killed by ABOR. */
  ABORTED: RESULT.TRANSFER_ABORTED,
  /** The session closed (QUIT, a fatal error, or the connection dropped) before an answer. */
  SESSION_CLOSED: RESULT.FAILED,
  /** A response breaks its extension's grammar (a mailbox LIST entry, PULL counts, ...). */
  MALFORMED_RESPONSE: RESULT.SYNTAX_ERROR,
  /** The TLS connection could not be set up or failed. */
  TLS_FAILED: RESULT.FAILED,
} as const satisfies Record<string, string>;

/** The stable UPPER_SNAKE code of an {@link Mt2Error}. */
export type Mt2ErrorCode = keyof typeof ERROR_RESULTS;

/** Every error code, for the catalogue test. */
export const MT2_ERROR_CODES: readonly Mt2ErrorCode[] = Object.freeze(
  Object.keys(ERROR_RESULTS) as Mt2ErrorCode[],
);

/** The result code that goes on the wire for an error code. */
export function resultForError(code: Mt2ErrorCode): string {
  return ERROR_RESULTS[code];
}

/**
 * The one error type of src/protocol: a stable `code` for callers and the `result`
 * code for the peer (for REFUSED, the code the peer sent).
 */
export class Mt2Error extends Error {
  override readonly name = 'Mt2Error';
  /** Stable code; tests and callers branch on it, never on the message text. */
  readonly code: Mt2ErrorCode;
  /** The dotted result code sent to (or, for REFUSED, received from) the peer. */
  readonly result: string;
  /** For REFUSED: the groups of the peer's ERR (e.g. the postage it asks for). */
  readonly groups: readonly (Mt2Option | Mt2ExtensionResult)[];

  /**
   * @param code the stable error code
   * @param message human-readable detail
   * @param result overrides the code's default result code (e.g. the peer's ERR code)
   * @param groups the options and extension results of the peer's ERR
   */
  constructor(
    code: Mt2ErrorCode,
    message: string,
    result?: string,
    groups: readonly (Mt2Option | Mt2ExtensionResult)[] = [],
  ) {
    super(message);
    this.code = code;
    this.result = result ?? ERROR_RESULTS[code];
    this.groups = groups;
  }
}
