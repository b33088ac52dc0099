// What a message list shows of a `message/headers` document, read in one pass without
// building its tree. A sync shows thousands of new messages by their headers before
// their envelopes and verification come; decoding each in full (the XML tree, every
// field checked into Mt2Headers, then summarizeHeaders) was most of the engine's work
// while they arrived, and most of what it had to compile on a first sync.
import { MAILBOX_ADDRESS, MESSAGE_ID } from './headers-xml.ts';
import type { AddressEntry, HeaderSummary, Mailbox } from './headers.ts';
import { DEFAULT_XML_LIMITS, type XmlLimits } from './limits.ts';
import { FORBIDDEN_RANGES } from './xml-parse.internal.ts';
import { parseDateTime } from './xml-read.internal.ts';
import { documentText, MT2_MESSAGE_NAMESPACE } from './xml-tree.ts';

/** XML's blanks (S), any number. */
const BLANKS = '[ \\t\\n\\r]*';
/**
 * Text without markup, references or a character XML forbids. Every character of a
 * document the preview reads is matched by a literal (ASCII, allowed) or by this or
 * VALUE, so no separate scan for forbidden characters is needed.
 */
const TEXT = `[^<&${FORBIDDEN_RANGES}]*`;
/** A double-quoted attribute value's content, likewise. */
const VALUE = `[^"<&${FORBIDDEN_RANGES}]*`;
/** A mailbox: a name (optional, captured first) before its address (captured). */
const MAILBOX_MARKUP =
  `${BLANKS}<mailbox(?:[ \\t\\n\\r]+name${BLANKS}=${BLANKS}"(${VALUE})")?` +
  `[ \\t\\n\\r]+address${BLANKS}=${BLANKS}"(${VALUE})"${BLANKS}/>`;
const MAILBOX_FIELDS = 'from|sender|to|cc|bcc|replyTo';
const TEXT_FIELDS = 'subject|date|messageId';
const FIELDS = `${MAILBOX_FIELDS}|${TEXT_FIELDS}|inReplyTo|references`;

/** The root's start tag, after our encoder's declaration if any; `/>` closes it at once. */
const ROOT_START = new RegExp(
  `${BLANKS}(?:<\\?xml version="1\\.0" encoding="UTF-8"\\?>${BLANKS})?` +
    `<headers xmlns="${MT2_MESSAGE_NAMESPACE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"(/?)>`,
  'y',
);
/**
 * The next field, in one match where it is of the common forms: a text field whole
 * (its name, its text), a field of one mailbox whole (its name, the name and address);
 * else the start tag of any field (its name, `/` when empty), or the root's end tag.
 */
const NEXT_FIELD = new RegExp(
  `${BLANKS}<(?:(${TEXT_FIELDS})>(${TEXT})</\\1>` +
    `|(${MAILBOX_FIELDS})>${MAILBOX_MARKUP}${BLANKS}</\\3>` +
    `|(${FIELDS})(/?)>` +
    '|(/headers>))',
  'y',
);
/** One mailbox of a field's list. */
const MAILBOX = new RegExp(MAILBOX_MARKUP, 'y');
/** One `<id>` of a list of message ids. */
const LIST_ID = new RegExp(`${BLANKS}<id>(${TEXT})</id>`, 'y');
/** A text field's text, then an end tag. */
const TEXT_THROUGH = new RegExp(`(${TEXT})</([A-Za-z]+)>`, 'y');
/** An end tag, after blanks. */
const END_TAG = new RegExp(`${BLANKS}</([A-Za-z]+)>`, 'y');
/** Blanks to the end of the text. */
const TRAILING_BLANKS = new RegExp(`${BLANKS}$`, 'y');

/**
 * The summary of a headers document (as summarizeHeaders gives it), or undefined when
 * the document is not of the plain form our encoder writes: one pass over its text that
 * knows the common fields (from, sender, to, cc, bcc, replyTo, subject, date, messageId,
 * inReplyTo, references) with mailboxes and text free of references, and gives up on
 * anything else (comments, CDATA, `&`, raw attributes, groups, extensions, other fields,
 * other spellings of the same markup, documents near a limit). The caller then decodes
 * in full, which also says what is wrong. Whenever it gives a summary, it is the one
 * summarizeHeaders(decodeHeaders(document)) gives: it checks what the full decoding
 * checks of the markup it reads (the differential test holds it to that).
 */
export function previewHeaders(
  input: Uint8Array,
  limits: XmlLimits = DEFAULT_XML_LIMITS,
): HeaderSummary | undefined {
  let text: string;
  try {
    text = documentText(input, limits);
  } catch {
    return undefined;
  }
  if (limits.maxDepth < 3) return undefined;
  try {
    return new PreviewReader(text, limits).read();
  } catch (error) {
    if (error === GIVE_UP) return undefined;
    throw error;
  }
}

/** Thrown inside the reader when the document is not of the form it reads. */
const GIVE_UP = Symbol('give up');

function giveUp(): never {
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- a private signal, caught above
  throw GIVE_UP;
}

/**
 * Reads with the sticky expressions above, each matched where the last one ended: the
 * scanning is the expressions' compiled code, from the first document on, not
 * JavaScript waiting for V8 to optimize it (a first sync reads thousands before then).
 */
class PreviewReader {
  #at = 0;
  #elements = 0;
  #from: readonly Mailbox[] | undefined;
  readonly #to: AddressEntry[] = [];
  readonly #cc: AddressEntry[] = [];
  #subject: string | undefined;
  #date: Date | undefined;
  #messageId: string | undefined;

  constructor(
    private readonly text: string,
    private readonly limits: XmlLimits,
  ) {}

  read(): HeaderSummary {
    const root = this.#match(ROOT_START) ?? giveUp();
    this.#countElement();
    if (root[1] === '') {
      for (;;) {
        const field = this.#match(NEXT_FIELD) ?? giveUp();
        this.#countElement();
        // Indexed, not destructured (an iterator per field, before V8 optimizes this).
        const textKind = field[1];
        const mailboxKind = field[3];
        const kind = field[6];
        if (textKind !== undefined) this.#textField(textKind, field[2] ?? '');
        else if (mailboxKind !== undefined) {
          this.#countElement();
          this.#mailboxField(mailboxKind, [this.#mailbox(field[4], field[5] ?? '')]);
        } else if (kind !== undefined) this.#field(kind, field[7] === '/');
        else break;
      }
    }
    if (this.#match(TRAILING_BLANKS) === undefined) giveUp();
    return {
      from: this.#from ?? [],
      to: this.#to,
      cc: this.#cc,
      ...(this.#subject === undefined ? {} : { subject: this.#subject }),
      ...(this.#date === undefined ? {} : { date: this.#date }),
      ...(this.#messageId === undefined ? {} : { messageId: this.#messageId }),
    };
  }

  /** A field of `kind` from its start tag on, through its end tag (none when `empty`). */
  #field(kind: string, empty: boolean): void {
    switch (kind) {
      case 'subject':
      case 'date':
      case 'messageId':
        this.#textField(kind, empty ? '' : this.#textThrough(kind));
        return;
      case 'inReplyTo':
      case 'references':
        if (!empty) this.#messageIds(kind);
        return;
      default:
        this.#mailboxField(kind, empty ? [] : this.#mailboxes(kind));
    }
  }

  #textField(kind: string, text: string): void {
    if (kind === 'subject') {
      this.#subject ??= text;
    } else if (kind === 'date') {
      const date = parseDateTime(text) ?? giveUp();
      this.#date ??= date;
    } else {
      if (!MESSAGE_ID.test(text)) giveUp();
      this.#messageId ??= text;
    }
  }

  #mailboxField(kind: string, mailboxes: Mailbox[]): void {
    if (kind === 'from') {
      if (mailboxes.length === 0) giveUp();
      this.#from ??= mailboxes;
    } else if (kind === 'sender') {
      if (mailboxes.length !== 1) giveUp();
    } else if (kind === 'to') {
      this.#to.push(...mailboxes);
    } else if (kind === 'cc') {
      this.#cc.push(...mailboxes);
    }
  }

  /** `<mailbox .../>` elements through the end tag of `kind`. */
  #mailboxes(kind: string): Mailbox[] {
    const mailboxes: Mailbox[] = [];
    for (;;) {
      const mailbox = this.#match(MAILBOX);
      if (mailbox === undefined) {
        this.#endTag(kind);
        return mailboxes;
      }
      this.#countElement();
      mailboxes.push(this.#mailbox(mailbox[1], mailbox[2] ?? ''));
    }
  }

  /** A mailbox read from its attributes, which must be within the limit. */
  #mailbox(name: string | undefined, address: string): Mailbox {
    // Three octets a UTF-16 unit at most: below the limit without encoding the values.
    const longest = Math.max(name?.length ?? 0, address.length);
    if (longest * 3 > this.limits.maxAttributeBytes || !MAILBOX_ADDRESS.test(address)) giveUp();
    return name === undefined ? { address } : { name, address };
  }

  /** `<id>` elements, each a message id, through the end tag of `kind`. */
  #messageIds(kind: string): void {
    for (;;) {
      const id = this.#match(LIST_ID);
      if (id === undefined) {
        this.#endTag(kind);
        return;
      }
      this.#countElement();
      if (!MESSAGE_ID.test(id[1] as string)) giveUp();
    }
  }

  /** Text without `&` through the end tag of `kind`. */
  #textThrough(kind: string): string {
    const text = this.#match(TEXT_THROUGH) ?? giveUp();
    if (text[2] !== kind) giveUp();
    return text[1] as string;
  }

  #endTag(kind: string): void {
    const end = this.#match(END_TAG) ?? giveUp();
    if (end[1] !== kind) giveUp();
  }

  /** `pattern` (sticky) matched where the reader is, which it moves past the match. */
  #match(pattern: RegExp): RegExpExecArray | undefined {
    pattern.lastIndex = this.#at;
    const match = pattern.exec(this.text);
    if (match === null) return undefined;
    this.#at = pattern.lastIndex;
    return match;
  }

  #countElement(): void {
    this.#elements++;
    if (this.#elements > this.limits.maxElements) giveUp();
  }
}
