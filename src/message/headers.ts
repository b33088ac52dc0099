import type { Mt2Extension } from './extension.ts';

/** A mailbox: an address with an optional display name, both in UTF-8. */
export interface Mailbox {
  /** Display name, decoded (RFC 2047 words already turned into text). */
  readonly name?: string;
  /** `local@domain`; internationalised addresses are kept in UTF-8. */
  readonly address: string;
}

/** A named group of mailboxes (RFC 5322 `group`), e.g. `undisclosed-recipients:;`. */
export interface MailboxGroup {
  readonly group: string;
  readonly members: readonly Mailbox[];
}

/** One entry of an address list. */
export type AddressEntry = Mailbox | MailboxGroup;

/**
 * The original octets of a field that came from an RFC 5322 message (name, colon,
 * value, folding and the line ending), kept only when writing the structured value
 * back would not give those same octets. See docs/message-format.md, "Legacy mapping".
 */
interface WithRaw {
  readonly raw?: Uint8Array;
}

/** The address-list fields, each written `name="..."` in the kind. */
export type AddressListKind = 'replyTo' | 'to' | 'cc' | 'bcc';

/** RFC 2369 list fields whose value is a list of URIs. */
export type ListUriFieldName =
  'List-Help' | 'List-Unsubscribe' | 'List-Subscribe' | 'List-Post' | 'List-Owner' | 'List-Archive';

/** The list-field names, in the order RFC 2369 gives them. */
export const LIST_URI_FIELD_NAMES: readonly ListUriFieldName[] = [
  'List-Help',
  'List-Unsubscribe',
  'List-Subscribe',
  'List-Post',
  'List-Owner',
  'List-Archive',
];

/** A legacy field name: an RFC 5322 field with no MT2 entity, kept under `RFC822.<name>`. */
export type LegacyFieldName = `RFC822.${string}`;

/** One field of a headers object. The order of fields is the order of the message. */
export type HeaderField =
  | ({ readonly kind: 'from'; readonly mailboxes: readonly Mailbox[] } & WithRaw)
  | ({ readonly kind: 'sender'; readonly mailbox: Mailbox } & WithRaw)
  | ({ readonly kind: AddressListKind; readonly addresses: readonly AddressEntry[] } & WithRaw)
  | ({ readonly kind: 'subject'; readonly text: string } & WithRaw)
  | ({ readonly kind: 'date'; readonly date: Date } & WithRaw)
  /** Message-ID; ids are kept without angle brackets. */
  | ({ readonly kind: 'messageId'; readonly id: string } & WithRaw)
  | ({ readonly kind: 'inReplyTo' | 'references'; readonly ids: readonly string[] } & WithRaw)
  /** RFC 2919 List-Id: the list identifier and its optional description. */
  | ({ readonly kind: 'listId'; readonly id: string; readonly description?: string } & WithRaw)
  | ({
      readonly kind: 'list';
      readonly field: ListUriFieldName;
      readonly uris: readonly string[];
    } & WithRaw)
  /** A field with no MT2 entity; `value` is the unfolded text after the colon, less the one space that usually follows it. */
  | ({ readonly kind: 'legacy'; readonly name: LegacyFieldName; readonly value: string } & WithRaw)
  /** A line of a legacy header section that is no field at all (an mbox `From ` line, say). */
  | { readonly kind: 'unparsed'; readonly raw: Uint8Array }
  /**
   * Where the next field of the body's MIME header stood in the legacy message. Present
   * only when Content-* fields were interleaved with the others.
   */
  | { readonly kind: 'bodyField' };

/** The `kind` of a header field. */
export type HeaderFieldKind = HeaderField['kind'];

/**
 * `message/headers`: the fields in message order, then the recipient extensions
 * (vCard request, chess move, list management, disposition notification, ...).
 */
export interface Mt2Headers {
  readonly fields: readonly HeaderField[];
  readonly extensions: readonly Mt2Extension[];
}

/** What a message list shows: the first occurrence of each common field. */
export interface HeaderSummary {
  readonly from: readonly Mailbox[];
  readonly to: readonly AddressEntry[];
  readonly cc: readonly AddressEntry[];
  readonly subject?: string;
  readonly date?: Date;
  readonly messageId?: string;
}

/** Picks the fields a message list needs out of `headers`. */
export function summarizeHeaders(headers: Mt2Headers): HeaderSummary {
  let from: readonly Mailbox[] = [];
  const to: AddressEntry[] = [];
  const cc: AddressEntry[] = [];
  let subject: string | undefined;
  let date: Date | undefined;
  let messageId: string | undefined;
  for (const field of headers.fields) {
    if (field.kind === 'from' && from.length === 0) from = field.mailboxes;
    else if (field.kind === 'to') to.push(...field.addresses);
    else if (field.kind === 'cc') cc.push(...field.addresses);
    else if (field.kind === 'subject') subject ??= field.text;
    else if (field.kind === 'date') date ??= field.date;
    else if (field.kind === 'messageId') messageId ??= field.id;
  }
  return {
    from,
    to,
    cc,
    ...(subject === undefined ? {} : { subject }),
    ...(date === undefined ? {} : { date }),
    ...(messageId === undefined ? {} : { messageId }),
  };
}
