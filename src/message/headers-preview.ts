// What a message list shows of a `message/headers` document, read in one pass without
// building its tree. A sync shows thousands of new messages by their headers before
// their envelopes and verification come; decoding each in full (the XML tree, every
// field checked into Mt2Headers, then summarizeHeaders) was most of the engine's work
// while they arrived, and most of what it had to compile on a first sync.
import { MAILBOX_ADDRESS, MESSAGE_ID } from './headers-xml.ts';
import type { AddressEntry, HeaderSummary, Mailbox } from './headers.ts';
import { DEFAULT_XML_LIMITS, type XmlLimits } from './limits.ts';
import { FORBIDDEN_CHARACTER, isBlank } from './xml-parse.internal.ts';
import { parseDateTime } from './xml-read.internal.ts';
import { documentText, MT2_MESSAGE_NAMESPACE } from './xml-tree.ts';

/** The declaration our encoder writes; any other is left to the full decoding. */
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
const ROOT_START = `<headers xmlns="${MT2_MESSAGE_NAMESPACE}"`;
const ROOT_END = '</headers>';

/** Fields whose content is mailboxes (a sender exactly one, a from at least one). */
const MAILBOX_FIELDS = new Set(['from', 'sender', 'to', 'cc', 'bcc', 'replyTo']);
/** Fields whose content is a list of message ids. */
const ID_LIST_FIELDS = new Set(['inReplyTo', 'references']);

/** Thrown inside the reader when the document is not of the form it reads. */
const GIVE_UP = Symbol('give up');

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
  if (FORBIDDEN_CHARACTER.test(text) || limits.maxDepth < 3) return undefined;
  try {
    return new PreviewReader(text, limits).read();
  } catch (error) {
    if (error === GIVE_UP) return undefined;
    throw error;
  }
}

function giveUp(): never {
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- a private signal, caught above
  throw GIVE_UP;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

class PreviewReader {
  #at = 0;
  #elements = 0;
  /** Whether the last start tag read closed its element (`<name/>`). */
  #closed = false;
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
    this.#skipBlanks();
    if (this.#take(DECLARATION)) this.#skipBlanks();
    this.#expect(ROOT_START);
    this.#countElement();
    if (!this.#take('/>')) {
      this.#expect('>');
      for (;;) {
        this.#skipBlanks();
        if (this.#take(ROOT_END)) break;
        this.#field();
      }
    }
    this.#skipBlanks();
    if (this.#at !== this.text.length) giveUp();
    return {
      from: this.#from ?? [],
      to: this.#to,
      cc: this.#cc,
      ...(this.#subject === undefined ? {} : { subject: this.#subject }),
      ...(this.#date === undefined ? {} : { date: this.#date }),
      ...(this.#messageId === undefined ? {} : { messageId: this.#messageId }),
    };
  }

  /** One field element, `<kind>` without attributes, through its end tag (or `<kind/>`). */
  #field(): void {
    const kind = this.#startTag();
    const empty = this.#closed;
    if (MAILBOX_FIELDS.has(kind)) {
      const mailboxes = empty ? [] : this.#mailboxes(kind);
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
    } else if (ID_LIST_FIELDS.has(kind)) {
      while (!empty) {
        this.#skipBlanks();
        if (this.#endTag(kind)) break;
        if (this.#startTag() !== 'id') giveUp();
        this.#messageIdText('id', this.#closed);
      }
    } else if (kind === 'subject') {
      const subject = empty ? '' : this.#textThrough(kind);
      this.#subject ??= subject;
    } else if (kind === 'date') {
      const date = parseDateTime(empty ? '' : this.#textThrough(kind)) ?? giveUp();
      this.#date ??= date;
    } else if (kind === 'messageId') {
      const id = this.#messageIdText(kind, empty);
      this.#messageId ??= id;
    } else {
      giveUp();
    }
  }

  /** `<mailbox .../>` elements, blanks between, through the end tag of `kind`. */
  #mailboxes(kind: string): Mailbox[] {
    const mailboxes: Mailbox[] = [];
    for (;;) {
      this.#skipBlanks();
      if (this.#endTag(kind)) return mailboxes;
      this.#expect('<mailbox');
      this.#countElement();
      mailboxes.push(this.#mailboxAttributes());
    }
  }

  /** A mailbox's `name` and `address` (each at most once, the address required) and `/>`. */
  #mailboxAttributes(): Mailbox {
    let name: string | undefined;
    let address: string | undefined;
    for (;;) {
      const before = this.#at;
      this.#skipBlanks();
      if (this.#take('/>')) break;
      // An attribute follows its element's name or the one before after a blank.
      if (this.#at === before) giveUp();
      const attribute = this.#name();
      this.#skipBlanks();
      this.#expect('=');
      this.#skipBlanks();
      const value = this.#quoted();
      if (attribute === 'name' && name === undefined) name = value;
      else if (attribute === 'address' && address === undefined) address = value;
      else giveUp();
    }
    if (address === undefined || !MAILBOX_ADDRESS.test(address)) giveUp();
    return name === undefined ? { address } : { name, address };
  }

  /** A quoted attribute value without `<` or `&`, well within the limit. */
  #quoted(): string {
    const quote = this.text[this.#at];
    if (quote !== '"' && quote !== "'") giveUp();
    const end = this.text.indexOf(quote, this.#at + 1);
    if (end === -1) giveUp();
    const value = this.text.slice(this.#at + 1, end);
    // Three octets a UTF-16 unit at most: below the limit without encoding the value.
    if (value.length * 3 > this.limits.maxAttributeBytes) giveUp();
    if (value.includes('<') || value.includes('&')) giveUp();
    this.#at = end + 1;
    return value;
  }

  /** A text-only element's text, which must be a message id, through its end tag. */
  #messageIdText(kind: string, empty: boolean): string {
    const id = empty ? '' : this.#textThrough(kind);
    if (!MESSAGE_ID.test(id)) giveUp();
    return id;
  }

  /** Text without `&` up to `</kind>`, which it reads too. */
  #textThrough(kind: string): string {
    const end = this.text.indexOf('<', this.#at);
    if (end === -1) giveUp();
    const value = this.text.slice(this.#at, end);
    if (value.includes('&')) giveUp();
    this.#at = end;
    if (!this.#endTag(kind)) giveUp();
    return value;
  }

  /** `<name>` or `<name/>`, attributes none; returns the name, `#closed` says which. */
  #startTag(): string {
    this.#expect('<');
    const name = this.#name();
    this.#closed = this.#take('/>');
    if (!this.#closed) this.#expect('>');
    this.#countElement();
    return name;
  }

  #endTag(kind: string): boolean {
    const { text } = this;
    const at = this.#at;
    if (
      !text.startsWith('</', at) ||
      !text.startsWith(kind, at + 2) ||
      text[at + 2 + kind.length] !== '>'
    ) {
      return false;
    }
    this.#at = at + kind.length + 3;
    return true;
  }

  /** ASCII letters, ended by something that cannot go on a name. */
  #name(): string {
    const { text } = this;
    const start = this.#at;
    let at = start;
    while (isAsciiLetter(text.charCodeAt(at))) at++;
    const next = text.charCodeAt(at);
    if (at === start || !(isBlank(next) || next === 0x3e || next === 0x2f || next === 0x3d)) {
      giveUp();
    }
    this.#at = at;
    return text.slice(start, at);
  }

  #countElement(): void {
    this.#elements++;
    if (this.#elements > this.limits.maxElements) giveUp();
  }

  #skipBlanks(): void {
    const { text } = this;
    // Bounded: reading past the end (NaN) sends V8's optimized code back to the interpreter.
    while (this.#at < text.length && isBlank(text.charCodeAt(this.#at))) this.#at++;
  }

  #take(literal: string): boolean {
    if (!this.text.startsWith(literal, this.#at)) return false;
    this.#at += literal.length;
    return true;
  }

  #expect(literal: string): void {
    if (!this.#take(literal)) giveUp();
  }
}
