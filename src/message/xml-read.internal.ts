import { MessageError } from './errors.ts';
import { MT2_MESSAGE_NAMESPACE, type XmlElement } from './xml-tree.ts';

/**
 * Strict, path-aware reading of one element of our own schema. Every fault throws
 * XML_INVALID_STRUCTURE naming the XPath-like location of the fault.
 */
export class ElementReader {
  #path: string | undefined;

  /** `parent`: the root's path, or the reader of the parent element. */
  constructor(
    readonly element: XmlElement,
    private readonly parent: string | ElementReader,
  ) {}

  /**
   * Where the element is, `/headers/to[2]`: built only when a fault names it (most
   * documents have none, and a path per element was a good part of reading one).
   */
  get path(): string {
    if (this.#path !== undefined) return this.#path;
    if (typeof this.parent === 'string') return (this.#path = this.parent);
    let index = 0;
    for (const sibling of this.parent.element.children) {
      if (typeof sibling !== 'string' && sibling.name === this.element.name) index++;
      if (sibling === this.element) break;
    }
    return (this.#path = `${this.parent.path}/${this.element.name}[${index}]`);
  }

  fail(reason: string, at = this.path): never {
    throw new MessageError('XML_INVALID_STRUCTURE', reason, at);
  }

  /** Fails on any attribute not named in `allowed`. */
  allowAttributes(...allowed: string[]): this {
    for (const name of Object.keys(this.element.attributes)) {
      if (!allowed.includes(name))
        this.fail(`unexpected attribute '${name}'`, `${this.path}/@${name}`);
    }
    return this;
  }

  attribute(name: string): string | undefined {
    return this.element.attributes[name];
  }

  requiredAttribute(name: string): string {
    const value = this.attribute(name);
    if (value === undefined) this.fail(`missing attribute '${name}'`);
    return value;
  }

  /** A `true`/`false` attribute, `fallback` when absent. */
  booleanAttribute(name: string, fallback: boolean): boolean {
    const value = this.attribute(name);
    if (value === undefined) return fallback;
    if (value !== 'true' && value !== 'false')
      this.fail(`'${name}' must be true or false`, `${this.path}/@${name}`);
    return value === 'true';
  }

  /** The child elements; text other than whitespace between them is a fault. */
  elements(): ElementReader[] {
    const readers: ElementReader[] = [];
    for (const child of this.element.children) {
      if (typeof child === 'string') {
        if (child.trim() !== '') this.fail('unexpected text', `${this.path}/text()`);
        continue;
      }
      readers.push(new ElementReader(child, this));
    }
    return readers;
  }

  /** The element's text; child elements are a fault. */
  text(): string {
    let text = '';
    for (const child of this.element.children) {
      if (typeof child !== 'string')
        this.fail(`unexpected element '${child.name}'`, `${this.path}/${child.name}`);
      text += child;
    }
    return text;
  }

  /** Fails unless the element has no content but whitespace. */
  empty(): void {
    if (this.elements().length > 0 || this.text().trim() !== '') this.fail('must be empty');
  }

  /** Text that must not be empty. */
  requiredText(): string {
    const text = this.text();
    if (text === '') this.fail('must not be empty');
    return text;
  }
}

/** Checks the root element's name and namespace and returns a reader for it. */
export function readRoot(root: XmlElement, name: string): ElementReader {
  if (root.name !== name) {
    throw new MessageError(
      'XML_WRONG_ROOT',
      `root element is '${root.name}', expected '${name}'`,
      `/${root.name}`,
    );
  }
  if (root.attributes['xmlns'] !== MT2_MESSAGE_NAMESPACE) {
    throw new MessageError(
      'XML_WRONG_ROOT',
      `root element must be in namespace ${MT2_MESSAGE_NAMESPACE}`,
      `/${name}/@xmlns`,
    );
  }
  return new ElementReader(root, `/${name}`);
}

// Groups of four, the last one padded with at most two '=': with the length a multiple of
// four this simple class (fast on the kilobytes of a signature) says the same as
// /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.
/**
 * Strict base64 (whitespace allowed between characters) to bytes. Node's decoder skips
 * what it does not know and takes the URL alphabet too, so the text is valid exactly
 * when encoding the bytes again gives it back (whitespace aside): that also refuses bad
 * padding and non-zero pad bits, at native speed (a regular expression over kilobytes of
 * certificates was most of an envelope's decoding time). `within`: as for readDateTime.
 */
export function readBase64(reader: ElementReader, value: string, within = ''): Uint8Array {
  let bytes = Buffer.from(value, 'base64');
  if (bytes.toString('base64') !== value) {
    // Wrapped over lines, or not base64: compare again without the whitespace.
    const compact = value.replace(/[ \t\r\n]/g, '');
    bytes = Buffer.from(compact, 'base64');
    if (bytes.toString('base64') !== compact)
      reader.fail('not valid base64', `${reader.path}${within}`);
  }
  // A copy: a small Buffer is a view into a shared pool, which a structured clone would copy whole.
  return new Uint8Array(bytes);
}

/** Bytes to base64 text. */
export function writeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * An RFC 3339 date-time to a Date. `within`: where the value is below the reader's element
 * (`/@time` for an attribute; the element's text when empty); the path is built only for
 * a fault.
 */
export function readDateTime(reader: ElementReader, value: string, within = ''): Date {
  const date = parseDateTime(value);
  if (date === undefined) {
    reader.fail(`'${value}' is not an RFC 3339 date-time`, `${reader.path}${within}`);
  }
  return date;
}

/** An RFC 3339 date-time to a Date; undefined when it is not one. */
export function parseDateTime(value: string): Date | undefined {
  const date = new Date(value);
  return ISO_DATE_TIME.test(value) && !Number.isNaN(date.getTime()) ? date : undefined;
}

/** A Date to RFC 3339 in UTC; XML_UNENCODABLE for an invalid Date. */
export function writeDateTime(date: Date, path: string): string {
  if (Number.isNaN(date.getTime())) throw new MessageError('XML_UNENCODABLE', 'invalid Date', path);
  const iso = date.toISOString();
  if (!ISO_DATE_TIME.test(iso))
    throw new MessageError('XML_UNENCODABLE', `date ${iso} is outside years 0000-9999`, path);
  return iso;
}
