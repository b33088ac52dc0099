import { MessageError } from './errors.ts';
import type { XmlLimits } from './limits.ts';

const PREDEFINED_ENTITIES = new Set(['lt', 'gt', 'amp', 'quot', 'apos']);
const REFERENCE = /&(?:#x([0-9a-fA-F]{1,6})|#([0-9]{1,7})|([A-Za-z_][\w.-]*));/y;
// Characters XML 1.0 forbids anywhere in a document (lone surrogates cannot occur:
// the text came out of a fatal UTF-8 decoder).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

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

function location(text: string, index: number): string {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return `line ${line}, column ${index - before.lastIndexOf('\n')}`;
}

/** Refuses every `&...;` in text[from, to) but the predefined entities and legal character references. */
function checkReferences(text: string, from: number, to: number): void {
  for (let at = text.indexOf('&', from); at !== -1 && at < to; at = text.indexOf('&', at + 1)) {
    REFERENCE.lastIndex = at;
    const match = REFERENCE.exec(text);
    if (match === null || REFERENCE.lastIndex > to) {
      throw new MessageError('XML_MALFORMED', "'&' that starts no reference", location(text, at));
    }
    const [, hex, decimal, name] = match;
    if (name !== undefined && !PREDEFINED_ENTITIES.has(name)) {
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

function describeDoctype(text: string, at: number): string {
  const end = text.indexOf(']>', at);
  const doctype = text.slice(at, end === -1 ? undefined : end);
  if (/<!ENTITY\s+%/.test(doctype)) return 'a DOCTYPE with parameter entities';
  if (/\b(SYSTEM|PUBLIC)\b/.test(doctype)) return 'a DOCTYPE with external entities';
  if (/<!ENTITY/.test(doctype)) return 'a DOCTYPE with entity declarations';
  return 'a DOCTYPE';
}

function skipPast(text: string, from: number, terminator: string, what: string): number {
  const end = text.indexOf(terminator, from);
  if (end === -1) {
    throw new MessageError('XML_TRUNCATED', `document ends inside ${what}`, location(text, from));
  }
  return end + terminator.length;
}

/**
 * One linear pass over a decoded document that refuses, before any XML library sees
 * it, everything that makes XML dangerous or expensive: DTDs, unknown entity
 * references, forbidden characters, depth, element count, attribute length, and
 * truncation. It does not check that tags match (the validator does that afterwards).
 */
export function prescanXml(text: string, limits: XmlLimits): void {
  const forbidden = FORBIDDEN_CHARACTER.exec(text);
  if (forbidden !== null) {
    throw new MessageError(
      'XML_MALFORMED',
      `character U+${forbidden[0].charCodeAt(0).toString(16).padStart(4, '0')} is not allowed in XML`,
      location(text, forbidden.index),
    );
  }
  let depth = 0;
  let elements = 0;
  let index = 0;
  for (;;) {
    const open = text.indexOf('<', index);
    checkReferences(text, index, open === -1 ? text.length : open);
    if (open === -1) break;
    if (text.startsWith('<!--', open)) {
      index = skipPast(text, open + 4, '-->', 'a comment');
    } else if (text.startsWith('<![CDATA[', open)) {
      index = skipPast(text, open + 9, ']]>', 'a CDATA section');
    } else if (text.startsWith('<?', open)) {
      index = skipPast(text, open + 2, '?>', 'a processing instruction');
    } else if (text.startsWith('<!', open)) {
      if (/^<!DOCTYPE/i.test(text.slice(open, open + 9))) {
        throw new MessageError(
          'XML_DTD_FORBIDDEN',
          `${describeDoctype(text, open)}: MT2 objects never carry DTDs`,
          location(text, open),
        );
      }
      throw new MessageError(
        'XML_MALFORMED',
        "'<!' that starts no comment or CDATA",
        location(text, open),
      );
    } else if (text.startsWith('</', open)) {
      index = skipPast(text, open + 2, '>', 'an end tag');
      depth -= 1;
      if (depth < 0)
        throw new MessageError(
          'XML_MALFORMED',
          'end tag without a start tag',
          location(text, open),
        );
    } else {
      index = scanStartTag(text, open, limits);
      elements += 1;
      if (elements > limits.maxElements) {
        throw new MessageError(
          'XML_TOO_MANY_ELEMENTS',
          `more than ${limits.maxElements} elements`,
          location(text, open),
        );
      }
      if (text[index - 2] !== '/') {
        depth += 1;
        if (depth > limits.maxDepth) {
          throw new MessageError(
            'XML_TOO_DEEP',
            `elements nest deeper than ${limits.maxDepth}`,
            location(text, open),
          );
        }
      }
    }
  }
  if (elements === 0) throw new MessageError('XML_TRUNCATED', 'document has no root element');
  if (depth > 0)
    throw new MessageError('XML_TRUNCATED', `document ends with ${depth} element(s) still open`);
}

/** Scans a start tag from its '<'; returns the index just past its '>'. */
function scanStartTag(text: string, open: number, limits: XmlLimits): number {
  let quote = '';
  let valueStart = 0;
  for (let at = open + 1; at < text.length; at += 1) {
    const character = text[at];
    if (quote !== '') {
      if (character === quote) {
        checkAttributeLength(text, valueStart, at, limits);
        checkReferences(text, valueStart, at);
        quote = '';
      } else if (character === '<') {
        throw new MessageError(
          'XML_MALFORMED',
          "'<' inside an attribute value",
          location(text, at),
        );
      }
    } else if (character === '"' || character === "'") {
      quote = character;
      valueStart = at + 1;
    } else if (character === '>') {
      return at + 1;
    } else if (character === '<') {
      throw new MessageError('XML_MALFORMED', "'<' inside a tag", location(text, at));
    }
  }
  if (quote !== '') checkAttributeLength(text, valueStart, text.length, limits);
  throw new MessageError('XML_TRUNCATED', 'document ends inside a start tag', location(text, open));
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
