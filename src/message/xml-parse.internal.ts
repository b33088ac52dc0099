// The one pass that reads an MT2 XML document into its tree. MT2 objects use a small
// part of XML (no DTD, the five predefined entities, UTF-8 only), and a single scan
// that checks well-formedness, the limits and the hostile constructs while it builds
// the tree costs a fraction of a separate safety scan, a well-formedness validator and
// a general parser, each reading the whole document (about a third of mt2d's work per
// message went there).
import { MessageError } from './errors.ts';
import type { XmlLimits } from './limits.ts';
import type { XmlElement, XmlNode } from './xml-tree.ts';

const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
};
const REFERENCE = /&(?:#x([0-9a-fA-F]{1,6})|#([0-9]{1,7})|([A-Za-z_][\w.-]*));/y;
const CHECKED_REFERENCE = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|([a-z]+));/g;
// Characters XML 1.0 forbids anywhere in a document (lone surrogates cannot occur:
// the text came out of a fatal UTF-8 decoder), as the inside of a character class.
export const FORBIDDEN_RANGES = '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF';
export const FORBIDDEN_CHARACTER = new RegExp(`[${FORBIDDEN_RANGES}]`);
// XML 1.0 Name (productions 4, 4a and 5); characters beyond the BMP as surrogate pairs.
const NAME_START =
  ':A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF' +
  '\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD';
const NAME_CHAR = `${NAME_START}.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040-`;
const ASTRAL = '[\\uD800-\\uDB7F][\\uDC00-\\uDFFF]';
// eslint-disable-next-line no-misleading-character-class -- XML's name ranges hold combining marks and ZWJ on purpose
const NAME = new RegExp(`(?:[${NAME_START}]|${ASTRAL})(?:[${NAME_CHAR}]|${ASTRAL})*`, 'y');
const BLANK = /^[ \t\r\n]*$/;
const SLASH = 0x2f;
const EXCLAMATION_MARK = 0x21;
const QUESTION_MARK = 0x3f;

function isXmlCharacter(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff)
  );
}

/** `:`, `_`, A-Z, a-z: an ASCII character that may start an XML Name. */
function isAsciiNameStart(code: number): boolean {
  return (
    code === 0x3a ||
    code === 0x5f ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a)
  );
}

/** An ASCII character that may continue an XML Name: a start character, digit, `-` or `.`. */
function isAsciiNameCharacter(code: number): boolean {
  return isAsciiNameStart(code) || code === 0x2d || code === 0x2e || (code >= 0x30 && code <= 0x39);
}

/** An XML blank: space, tab, line feed or carriage return. */
export function isBlank(code: number | undefined): boolean {
  return code === 0x20 || code === 0x9 || code === 0xa || code === 0xd;
}

function location(text: string, index: number): string {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return `line ${line}, column ${index - before.lastIndexOf('\n')}`;
}

/**
 * Refuses every `&...;` in text[from, to) but the predefined entities and legal character
 * references; `first` is the index of the first '&' at or after `from` (-1: none).
 */
function checkReferences(text: string, first: number, to: number): void {
  for (let at = first; at !== -1 && at < to; at = text.indexOf('&', at + 1)) {
    REFERENCE.lastIndex = at;
    const match = REFERENCE.exec(text);
    if (match === null || REFERENCE.lastIndex > to) {
      throw new MessageError('XML_MALFORMED', "'&' that starts no reference", location(text, at));
    }
    const [, hex, decimal, name] = match;
    if (name !== undefined && PREDEFINED_ENTITIES[name] === undefined) {
      throw new MessageError(
        'XML_BAD_REFERENCE',
        `entity '&${name};' is not one of the five predefined XML entities`,
        location(text, at),
      );
    }
    const codePoint = hex !== undefined ? parseInt(hex, 16) : parseInt(decimal ?? '', 10);
    if (name === undefined && !isXmlCharacter(codePoint)) {
      throw new MessageError(
        'XML_BAD_REFERENCE',
        `character reference ${match[0]} names a character XML forbids`,
        location(text, at),
      );
    }
  }
}

/** text[from, to) with its references (checked by checkReferences) replaced. */
function decodedText(text: string, from: number, to: number): string {
  const raw = text.slice(from, to);
  if (!raw.includes('&')) return raw;
  return raw.replace(CHECKED_REFERENCE, (_, hex?: string, decimal?: string, name?: string) =>
    name !== undefined
      ? (PREDEFINED_ENTITIES[name] ?? '')
      : String.fromCodePoint(hex !== undefined ? parseInt(hex, 16) : parseInt(decimal ?? '', 10)),
  );
}

function describeDoctype(text: string, at: number): string {
  const end = text.indexOf(']>', at);
  const doctype = text.slice(at, end === -1 ? undefined : end);
  if (/<!ENTITY\s+%/.test(doctype)) return 'a DOCTYPE with parameter entities';
  if (/\b(SYSTEM|PUBLIC)\b/.test(doctype)) return 'a DOCTYPE with external entities';
  if (/<!ENTITY/.test(doctype)) return 'a DOCTYPE with entity declarations';
  return 'a DOCTYPE';
}

/** An element whose end tag has not been read yet. */
interface OpenElement {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: XmlNode[];
}

/**
 * Reads a decoded document into its root element in one pass, refusing everything that
 * makes XML dangerous or expensive (DTDs, unknown entity references, forbidden
 * characters, depth, element count, attribute length) and everything that is not
 * well-formed (mismatched or truncated tags, attributes without quotes or given twice,
 * text or a second element beside the root). Comments, processing instructions and the
 * XML declaration are skipped; CDATA is text; references are decoded. Throws
 * {@link MessageError}; the path names the line and column of the fault.
 */
export function parseXml(text: string, limits: XmlLimits): XmlElement {
  const forbidden = FORBIDDEN_CHARACTER.exec(text);
  if (forbidden !== null) {
    throw new MessageError(
      'XML_MALFORMED',
      `character U+${forbidden[0].charCodeAt(0).toString(16).padStart(4, '0')} is not allowed in XML`,
      location(text, forbidden.index),
    );
  }
  return new DocumentReader(text, limits).read();
}

class DocumentReader {
  readonly #open: OpenElement[] = [];
  #root: XmlElement | undefined;
  #elements = 0;
  /**
   * The first '&' at or after the last text checked (-1: none left; -2: not looked for
   * yet). Found once for the document, not searched for again from every text and
   * attribute value.
   */
  #ampersand = -2;

  constructor(
    private readonly text: string,
    private readonly limits: XmlLimits,
  ) {}

  read(): XmlElement {
    const { text } = this;
    let index = 0;
    for (;;) {
      const open = text.indexOf('<', index);
      this.#characters(index, open === -1 ? text.length : open);
      if (open === -1) break;
      index = this.#markup(open);
    }
    if (this.#open.length > 0) {
      throw new MessageError(
        'XML_TRUNCATED',
        `document ends with ${this.#open.length} element(s) still open`,
      );
    }
    if (this.#root === undefined) {
      throw new MessageError('XML_TRUNCATED', 'document has no root element');
    }
    return this.#root;
  }

  #fail(code: 'XML_MALFORMED' | 'XML_TRUNCATED', reason: string, at: number): never {
    throw new MessageError(code, reason, location(this.text, at));
  }

  /** XML_TRUNCATED when the document ended at `at`, XML_MALFORMED otherwise. */
  #unexpected(at: number, inside: string, reason: string): never {
    if (at >= this.text.length) this.#fail('XML_TRUNCATED', `document ends inside ${inside}`, at);
    this.#fail('XML_MALFORMED', reason, at);
  }

  #checkReferences(from: number, to: number): void {
    if (this.#ampersand !== -1 && this.#ampersand < from) {
      this.#ampersand = this.text.indexOf('&', from);
    }
    if (this.#ampersand !== -1 && this.#ampersand < to) {
      checkReferences(this.text, this.#ampersand, to);
    }
  }

  /** Text between markup: a child of the open element, or blanks outside the root. */
  #characters(from: number, to: number): void {
    if (from === to) return;
    this.#checkReferences(from, to);
    const parent = this.#open.at(-1);
    if (parent === undefined) {
      if (!BLANK.test(this.text.slice(from, to)))
        this.#fail('XML_MALFORMED', 'text outside the root element', from);
      return;
    }
    appendText(parent.children, decodedText(this.text, from, to));
  }

  /** Reads the markup that starts at `open`; returns the index just past it. */
  #markup(open: number): number {
    const { text } = this;
    // Tags first: they are nearly all the markup of an MT2 document.
    const second = text.charCodeAt(open + 1);
    if (second === SLASH) return this.#endTag(open);
    if (second !== EXCLAMATION_MARK && second !== QUESTION_MARK) return this.#startTag(open);
    if (text.startsWith('<!--', open)) return this.#skipPast(open + 4, '-->', 'a comment');
    if (text.startsWith('<![CDATA[', open)) {
      const end = this.#skipPast(open + 9, ']]>', 'a CDATA section');
      const parent = this.#open.at(-1);
      if (parent === undefined) this.#fail('XML_MALFORMED', 'CDATA outside the root element', open);
      appendText(parent.children, text.slice(open + 9, end - 3));
      return end;
    }
    if (second === EXCLAMATION_MARK) {
      if (/^<!DOCTYPE/i.test(text.slice(open, open + 9))) {
        throw new MessageError(
          'XML_DTD_FORBIDDEN',
          `${describeDoctype(text, open)}: MT2 objects never carry DTDs`,
          location(text, open),
        );
      }
      this.#fail('XML_MALFORMED', "'<!' that starts no comment or CDATA", open);
    }
    return this.#skipPast(open + 2, '?>', 'a processing instruction');
  }

  #skipPast(from: number, terminator: string, what: string): number {
    const end = this.text.indexOf(terminator, from);
    if (end === -1) this.#fail('XML_TRUNCATED', `document ends inside ${what}`, from);
    return end + terminator.length;
  }

  #name(at: number, inside: string): string {
    const { text } = this;
    // Our schema's names are ASCII: scanned by hand, with the full XML Name production
    // (a large regular expression) only for a name that holds anything else.
    let end = at;
    if (isAsciiNameStart(text.charCodeAt(at))) {
      do end++;
      while (isAsciiNameCharacter(text.charCodeAt(end)));
      if (text.charCodeAt(end) < 0x80) return text.slice(at, end);
    }
    NAME.lastIndex = at;
    const match = NAME.exec(text);
    if (match === null) this.#unexpected(at, inside, `'${text[at] ?? ''}' starts no name`);
    return match[0];
  }

  #skipBlanks(from: number): number {
    let at = from;
    while (isBlank(this.text.charCodeAt(at))) at += 1;
    return at;
  }

  #endTag(open: number): number {
    const name = this.#name(open + 2, 'an end tag');
    const close = this.#skipBlanks(open + 2 + name.length);
    if (this.text[close] !== '>')
      this.#unexpected(close, 'an end tag', `end tag '${name}' is not closed by '>'`);
    const element = this.#open.pop();
    if (element === undefined) this.#fail('XML_MALFORMED', 'end tag without a start tag', open);
    if (element.name !== name) {
      this.#fail(
        'XML_MALFORMED',
        `end tag '${name}' does not match start tag '${element.name}'`,
        open,
      );
    }
    this.#place(element);
    return close + 1;
  }

  #startTag(open: number): number {
    const { text } = this;
    const name = this.#name(open + 1, 'a start tag');
    const attributes: Record<string, string> = {};
    let at = open + 1 + name.length;
    let selfClosing = false;
    for (;;) {
      const next = this.#skipBlanks(at);
      const character = text[next];
      if (character === '>') {
        at = next + 1;
        break;
      }
      if (character === '/') {
        if (text[next + 1] !== '>')
          this.#unexpected(next + 1, 'a start tag', "'/' not followed by '>'");
        at = next + 2;
        selfClosing = true;
        break;
      }
      if (next === at)
        this.#unexpected(next, 'a start tag', `unexpected '${character ?? ''}' in a start tag`);
      at = this.#attribute(next, attributes);
    }
    this.#elements += 1;
    if (this.#elements > this.limits.maxElements) {
      throw new MessageError(
        'XML_TOO_MANY_ELEMENTS',
        `more than ${this.limits.maxElements} elements`,
        location(text, open),
      );
    }
    if (this.#open.length === 0 && this.#root !== undefined) {
      this.#fail('XML_MALFORMED', 'document must have exactly one root element', open);
    }
    const element: OpenElement = { name, attributes, children: [] };
    if (selfClosing) {
      this.#place(element);
      return at;
    }
    this.#open.push(element);
    if (this.#open.length > this.limits.maxDepth) {
      throw new MessageError(
        'XML_TOO_DEEP',
        `elements nest deeper than ${this.limits.maxDepth}`,
        location(text, open),
      );
    }
    return at;
  }

  /** Reads `name="value"` from `from` into `attributes`; returns the index past its quote. */
  #attribute(from: number, attributes: Record<string, string>): number {
    const { text } = this;
    const name = this.#name(from, 'a start tag');
    const equals = this.#skipBlanks(from + name.length);
    if (text[equals] !== '=')
      this.#unexpected(equals, 'a start tag', `attribute '${name}' has no value`);
    const start = this.#skipBlanks(equals + 1);
    const quote = text[start];
    if (quote !== '"' && quote !== "'")
      this.#unexpected(start, 'a start tag', `the value of '${name}' is not quoted`);
    const end = text.indexOf(quote, start + 1);
    checkAttributeLength(text, start + 1, end === -1 ? text.length : end, this.limits);
    if (end === -1) this.#fail('XML_TRUNCATED', 'document ends inside a start tag', start);
    const lessThan = text.indexOf('<', start + 1);
    if (lessThan !== -1 && lessThan < end)
      this.#fail('XML_MALFORMED', "'<' inside an attribute value", lessThan);
    this.#checkReferences(start + 1, end);
    if (Object.hasOwn(attributes, name))
      this.#fail('XML_MALFORMED', `attribute '${name}' appears twice`, from);
    const value = decodedText(text, start + 1, end);
    // An attribute named __proto__ is an own property too, not the object's prototype.
    if (name === '__proto__')
      Object.defineProperty(attributes, name, { value, enumerable: true, writable: true });
    else attributes[name] = value;
    return end + 1;
  }

  /** A complete element goes to its parent, or becomes the root. */
  #place(element: OpenElement): void {
    const parent = this.#open.at(-1);
    if (parent === undefined) this.#root = element;
    else parent.children.push(element);
  }
}

/** Adjacent text (text, then CDATA, or around a comment) is one text node. */
function appendText(children: XmlNode[], text: string): void {
  if (text === '') return;
  const last = children.at(-1);
  if (typeof last === 'string') children[children.length - 1] = last + text;
  else children.push(text);
}

function checkAttributeLength(text: string, from: number, to: number, limits: XmlLimits): void {
  // Counting UTF-16 units first keeps the common case free of an encoding pass.
  if (
    (to - from) * 3 > limits.maxAttributeBytes &&
    Buffer.byteLength(text.slice(from, to)) > limits.maxAttributeBytes
  ) {
    throw new MessageError(
      'XML_ATTRIBUTE_TOO_LONG',
      `attribute value longer than ${limits.maxAttributeBytes} bytes`,
      location(text, from),
    );
  }
}
