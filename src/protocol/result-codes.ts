/**
 * The MT2 result-code registry (docs/protocol.md section 5).
 *
 * A result code is `<namespace>.0.<class>.<detail>`: class 2 success, 3 intermediate
 * (only with TMP), 4 transient failure (retry later), 5 permanent failure, as in
 * RFC 3463. Namespace 99 is the core; a transfer extension answers from its own
 * namespace and may reuse the core details (mt2-profile.md section 1).
 */

/** The three response statuses of the wire (docs/protocol.md section 3). */
export type ResponseStatus = 'OK' | 'ERR' | 'TMP';

/** The class digit of a result code. */
export type ResultClass = 2 | 3 | 4 | 5;

/** What a class means to the receiver of a response. */
export type ResultKind = 'success' | 'intermediate' | 'transient' | 'permanent';

/** The core namespace (the slides' `99.0`). */
export const CORE_NAMESPACE = '99';

/** One registered core result code. */
export interface ResultCodeEntry {
  /** The full dotted code, e.g. `99.0.5.9`. */
  readonly code: string;
  /** The constant's name in {@link RESULT}, e.g. `UNKNOWN_EXTENSION`. */
  readonly name: string;
  /** One-line meaning, also used as the default free text of a response. */
  readonly meaning: string;
  /** Derived from the class digit. */
  readonly kind: ResultKind;
}

const CORE = {
  // class 2: success (OK)
  OK: ['2.0', 'Done.'],
  HELO_ACCEPTED: ['2.1', 'Greetings, identity accepted.'],
  OPT_ACCEPTED: ['2.2', 'Options accepted.'],
  FRAGMENT_STORED: ['2.3', 'Fragment received.'],
  MESSAGE_COMMITTED: ['2.4', 'Message committed.'],
  ABORTED_COMMAND: ['2.5', 'Command killed.'],
  GOODBYE: ['2.6', 'Goodbye.'],
  // class 3: intermediate (TMP)
  GREETING: ['3.1', 'Ready; anonymous options follow.'],
  SEND_CERTIFICATE: ['3.2', 'Send certificate data.'],
  SEND_ENVELOPE: ['3.5', 'Go ahead with envelope.'],
  SEND_HEADERS: ['3.6', 'Go ahead with headers.'],
  SEND_BODY: ['3.8', 'Go ahead with message body.'],
  // class 4: transient failure (retry later)
  TOO_MANY_IN_FLIGHT: ['4.1', 'Too many transfers in flight; retry later.'],
  IDLE_TIMEOUT: ['4.2', 'Idle too long; closing.'],
  STORAGE_UNAVAILABLE: ['4.3', 'Storage unavailable; retry later.'],
  SHUTTING_DOWN: ['4.4', 'Shutting down; retry later.'],
  TOO_MANY_SESSIONS: ['4.5', 'Too many sessions; retry later.'],
  // class 5: permanent failure
  FAILED: ['5.0', 'Command failed.'],
  SYNTAX_ERROR: ['5.1', 'Syntax error.'],
  LINE_TOO_LONG: ['5.2', 'Line too long.'],
  UNKNOWN_VERB: ['5.3', 'Unknown verb.'],
  BAD_PARAMETERS: ['5.4', 'Bad parameters.'],
  BAD_SEQUENCE: ['5.5', 'Command not allowed now.'],
  TAG_NOT_INCREASING: ['5.6', 'Tag does not increase.'],
  CHUNK_TOO_LARGE: ['5.7', 'Data chunk too large; closing.'],
  UNEXPECTED_DATA: ['5.8', 'Data for no granted transfer.'],
  UNKNOWN_EXTENSION: ['5.9', 'Unknown extension.'],
  EXTENSION_REFUSED: ['5.10', 'Extension refused.'],
  PART_TOO_LARGE: ['5.11', 'Part too large.'],
  MESSAGE_TOO_LARGE: ['5.12', 'Message too large.'],
  PART_OUT_OF_ORDER: ['5.13', 'Part out of order.'],
  TRANSFER_ABORTED: ['5.14', 'Transfer aborted.'],
  NO_SUCH_COMMAND: ['5.15', 'No such command in progress.'],
  CERTIFICATE_MISMATCH: ['5.16', 'Certificate differs from the TLS client certificate.'],
  CERTIFICATE_EXPIRED: ['5.17', 'Certificate expired or not yet valid.'],
  CERTIFICATE_REVOKED: ['5.18', 'Certificate or issuer blacklisted.'],
  ISSUER_NOT_DELEGATION_PARENT: ['5.19', 'Issuer is no delegation parent of the subject.'],
  SUBJECT_MISMATCH: ['5.20', 'Certificate subject does not match.'],
  CERTIFICATE_UNTRUSTED: ['5.21', 'Certificate cannot be validated.'],
  CERTIFICATE_MALFORMED: ['5.22', 'Certificate data malformed.'],
  TRANSFER_REFUSED: ['5.23', 'Transfer failed.'],
  SIZE_MISMATCH: ['5.24', 'Data does not match the announced size.'],
  OUT_OF_SYNC: ['5.25', 'Response to a request never sent; closing.'],
  PEER_FAILURE: ['5.26', 'Internal failure.'],
  UNKNOWN_MESSAGE: ['5.27', 'No such message.'],
  // class 5, server policy (pre-transfer filtering, docs/mt2d.md)
  UNAUTHORISED_CLIENT: ['5.40', 'Client not authorised on this server.'],
  HOST_BLACKLISTED: ['5.41', 'Host or domain blacklisted.'],
  HOST_NOT_WHITELISTED: ['5.42', 'Host or domain not on the whitelist.'],
  TRACE_INVALID: ['5.43', 'Invalid trace data.'],
  SENDER_PROHIBITED: ['5.44', 'Sender prohibited.'],
  RECIPIENT_PROHIBITED: ['5.45', 'Recipient prohibited.'],
  UNKNOWN_RECIPIENT: ['5.46', 'No such mailbox.'],
  UNDESIRABLE_OPTION: ['5.47', 'Option or extension refused by policy.'],
  MIME_SYNTAX_ERROR: ['5.48', 'MIME syntax error.'],
  UNKNOWN_CRITICAL_EXTENSION: ['5.49', 'Unknown critical delivery extension.'],
  POSTAGE_REQUIRED: ['5.50', 'Postage required.'],
  POSTAGE_INVALID: ['5.51', 'Postage invalid or already spent.'],
  ENVELOPE_MALFORMED: ['5.52', 'Envelope malformed.'],
  SENDER_NOT_AUTHENTICATED: ['5.53', 'Envelope sender is not the authenticated identity.'],
  HEADERS_MALFORMED: ['5.54', 'Headers malformed.'],
  SUBJECT_PROHIBITED: ['5.55', 'Subject prohibited.'],
  CONTENT_PROHIBITED: ['5.56', 'Content prohibited.'],
  ENCRYPTION_REFUSED: ['5.57', 'Encryption level refused by policy.'],
} as const satisfies Record<string, readonly [detail: string, meaning: string]>;

/** The name of a registered core result code. */
export type CoreResultName = keyof typeof CORE;

function kindOfClass(cls: ResultClass): ResultKind {
  return (['success', 'intermediate', 'transient', 'permanent'] as const)[cls - 2] ?? 'permanent';
}

/** Every core result code by name, e.g. `RESULT.UNKNOWN_EXTENSION` is `99.0.5.9`. */
export const RESULT = Object.freeze(
  Object.fromEntries(
    Object.entries(CORE).map(([name, [detail]]) => [name, `${CORE_NAMESPACE}.0.${detail}`]),
  ),
) as Readonly<Record<CoreResultName, string>>;

/** The whole core registry, in code order. */
export const RESULT_CODES: readonly ResultCodeEntry[] = Object.freeze(
  Object.entries(CORE).map(([name, [detail, meaning]]) => {
    const code = `${CORE_NAMESPACE}.0.${detail}`;
    return Object.freeze({ code, name, meaning, kind: kindOfClass(resultClass(code)) });
  }),
);

const BY_CODE = new Map(RESULT_CODES.map((entry) => [entry.code, entry]));

/** The registry entry of a core code, or undefined for an unregistered one. */
export function lookupResult(code: string): ResultCodeEntry | undefined {
  return BY_CODE.get(code);
}

/**
 * The registry meaning of a code's class and detail in any namespace (an extension
 * reusing a core detail means what the core code means), or undefined.
 */
export function meaningOf(code: string): string | undefined {
  const tail = code.split('.').slice(-3).join('.');
  return lookupResult(`${CORE_NAMESPACE}.${tail}`)?.meaning;
}

/**
 * The class digit of a syntactically valid result code (the second-to-last component).
 * @throws RangeError when `code` has no class digit 2 to 5 in that place.
 */
export function resultClass(code: string): ResultClass {
  const parts = code.split('.');
  const digit = Number(parts[parts.length - 2]);
  if (digit === 2 || digit === 3 || digit === 4 || digit === 5) return digit;
  throw new RangeError(`not a result code: ${code}`);
}

/** Whether a failure code means "retry later" (class 4) rather than "never" (class 5). */
export function isTransient(code: string): boolean {
  return resultClass(code) === 4;
}

/** Whether a status may carry a code of the given class: OK-2, TMP-3, ERR-4 or 5. */
export function statusAgreesWithClass(status: ResponseStatus, cls: ResultClass): boolean {
  switch (status) {
    case 'OK':
      return cls === 2;
    case 'TMP':
      return cls === 3;
    case 'ERR':
      return cls === 4 || cls === 5;
  }
}

/** The status a response with this code must carry. */
export function statusOfCode(code: string): ResponseStatus {
  const cls = resultClass(code);
  return cls === 2 ? 'OK' : cls === 3 ? 'TMP' : 'ERR';
}

/**
 * The same core detail under an extension's namespace: an extension "may reuse the
 * standard return codes" (the slides), e.g. `inNamespace('110', RESULT.OPT_ACCEPTED)`
 * is `110.0.2.2`.
 */
export function inNamespace(namespace: string, coreCode: string): string {
  return `${namespace}${coreCode.slice(CORE_NAMESPACE.length)}`;
}
