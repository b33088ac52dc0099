import XmlBuilder from 'fast-xml-builder';
import { MessageError } from './errors.ts';
import { DEFAULT_XML_LIMITS, type XmlLimits } from './limits.ts';
import { parseXml } from './xml-parse.internal.ts';

/** An XML element as MT2 keeps it: name (with any prefix), attributes in order, children in order. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlNode[];
}

/** A child of an element: another element or a run of text (entities already decoded). */
export type XmlNode = XmlElement | string;

/** The namespace of MT2 message objects, the default namespace of both documents. */
export const MT2_MESSAGE_NAMESPACE = 'urn:mt2:message:1';

const TEXT_KEY = '#text';
const ATTRIBUTES_KEY = ':@';

const builder = new XmlBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  suppressEmptyNode: true,
  // Values are escaped by escapeText/escapeAttribute below, which also protect CR,
  // LF and TAB; the builder's own escaping would double-escape them.
  processEntities: false,
});

const DECLARED_ENCODING = /^\s*<\?xml\s[^?]*\bencoding\s*=\s*["']([^"']*)["']/;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

type OrderedNode = Record<string, unknown>;

/**
 * The text of an MT2 XML document: its size checked against the limits, then decoded as
 * UTF-8 (strictly; a byte order mark is dropped). Throws {@link MessageError}.
 */
export function documentText(input: Uint8Array | string, limits: XmlLimits): string {
  const byteLength = typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength;
  if (byteLength > limits.maxBytes) {
    throw new MessageError(
      'XML_TOO_LARGE',
      `document of ${byteLength} bytes exceeds ${limits.maxBytes}`,
    );
  }
  if (typeof input === 'string') return input;
  try {
    return utf8.decode(input);
  } catch {
    throw new MessageError('XML_INVALID_UTF8', 'document is not valid UTF-8');
  }
}

/**
 * Parses an MT2 XML document safely: size and UTF-8 first, then one pass that checks
 * well-formedness, DTDs, entities, depth, element count and attribute length (see
 * limits.ts) as it builds the tree. Returns the root element; throws
 * {@link MessageError} otherwise.
 */
export function parseXmlDocument(
  input: Uint8Array | string,
  limits: XmlLimits = DEFAULT_XML_LIMITS,
): XmlElement {
  const text = documentText(input, limits);
  const root = parseXml(text, limits);
  const declared = DECLARED_ENCODING.exec(text)?.[1];
  if (declared !== undefined && !/^utf-?8$/i.test(declared)) {
    throw new MessageError(
      'XML_MALFORMED',
      `declared encoding '${declared}': MT2 objects are UTF-8`,
    );
  }
  return root;
}

const XML_FORBIDDEN =
  // eslint-disable-next-line no-control-regex -- these are exactly the characters XML 1.0 forbids
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether an XML 1.0 document can carry every character of `value`. */
export function isXmlText(value: string): boolean {
  return !XML_FORBIDDEN.test(value);
}

/** Throws XML_UNENCODABLE when `value` holds a character no XML 1.0 document can carry. */
export function assertXmlText(value: string, path: string): void {
  const found = XML_FORBIDDEN.exec(value);
  if (found !== null) {
    const code = found[0].charCodeAt(0).toString(16).padStart(4, '0');
    throw new MessageError('XML_UNENCODABLE', `character U+${code} cannot be written in XML`, path);
  }
}

/** `value` with every character XML cannot carry replaced by U+FFFD. */
export function replaceXmlForbidden(value: string): string {
  return value.replace(new RegExp(XML_FORBIDDEN.source, 'g'), '\uFFFD');
}

function escapeText(value: string): string {
  return value.replace(/[&<>\r]/g, (character) => {
    switch (character) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      default:
        return '&#xD;';
    }
  });
}

function escapeAttribute(value: string): string {
  return escapeText(value).replace(/["\n\t]/g, (character) =>
    character === '"' ? '&quot;' : character === '\n' ? '&#xA;' : '&#x9;',
  );
}

function toOrdered(element: XmlElement, path: string): OrderedNode {
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(element.attributes)) {
    assertXmlText(value, `${path}/@${key}`);
    attributes[key] = escapeAttribute(value);
  }
  const children = element.children.map((child, index) => {
    if (typeof child !== 'string') return toOrdered(child, `${path}/${child.name}`);
    assertXmlText(child, `${path}/text()[${index + 1}]`);
    return { [TEXT_KEY]: escapeText(child) };
  });
  const node: OrderedNode = { [element.name]: children };
  if (Object.keys(attributes).length > 0) node[ATTRIBUTES_KEY] = attributes;
  return node;
}

/** Writes `element` as XML text (no declaration); `path` names it in errors. */
export function serializeXmlElement(element: XmlElement, path = `/${element.name}`): string {
  return builder.build([toOrdered(element, path)]);
}

/** Writes `root` as a UTF-8 XML document with an XML declaration. */
export function serializeXmlDocument(root: XmlElement): Uint8Array {
  const body = serializeXmlElement(root);
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`, 'utf8');
}
