import { EntityDecoder } from '@nodable/entities';
import XmlBuilder from 'fast-xml-builder';
import { XMLParser } from 'fast-xml-parser';
import { SyntaxValidator } from 'fast-xml-validator';
import { MessageError } from './errors.ts';
import { DEFAULT_XML_LIMITS, type XmlLimits } from './limits.ts';
import { prescanXml } from './xml-prescan.internal.ts';

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

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // DTDs never get this far (the prescan refuses them); the decoder turns character
  // references into characters, which fast-xml-parser leaves alone by default.
  entityDecoder: new EntityDecoder(),
});

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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fromOrdered(node: OrderedNode): XmlNode | undefined {
  const name = Object.keys(node).find((key) => key !== ATTRIBUTES_KEY);
  if (name === undefined) return undefined;
  const value = node[name];
  if (name === TEXT_KEY) return String(value);
  const rawAttributes = node[ATTRIBUTES_KEY];
  const attributes: Record<string, string> = {};
  if (isRecord(rawAttributes)) {
    for (const [key, attribute] of Object.entries(rawAttributes))
      attributes[key] = String(attribute);
  }
  const children: XmlNode[] = [];
  if (Array.isArray(value)) {
    for (const child of value as unknown[]) {
      const converted = isRecord(child) ? fromOrdered(child) : undefined;
      if (converted === undefined) continue;
      // Adjacent text runs (text, then CDATA) are one text node to us.
      const last = children.at(-1);
      if (typeof converted === 'string' && typeof last === 'string')
        children[children.length - 1] = last + converted;
      else children.push(converted);
    }
  }
  return { name, attributes, children };
}

/**
 * Parses an MT2 XML document safely: size, UTF-8, DTD, entity, depth, element-count
 * and attribute-length checks run first (see limits.ts), then well-formedness, then
 * fast-xml-parser. Returns the root element; throws {@link MessageError} otherwise.
 */
export function parseXmlDocument(
  input: Uint8Array | string,
  limits: XmlLimits = DEFAULT_XML_LIMITS,
): XmlElement {
  const byteLength = typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength;
  if (byteLength > limits.maxBytes) {
    throw new MessageError(
      'XML_TOO_LARGE',
      `document of ${byteLength} bytes exceeds ${limits.maxBytes}`,
    );
  }
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    try {
      text = utf8.decode(input);
    } catch {
      throw new MessageError('XML_INVALID_UTF8', 'document is not valid UTF-8');
    }
  }
  prescanXml(text, limits);
  const declared = DECLARED_ENCODING.exec(text)?.[1];
  if (declared !== undefined && !/^utf-?8$/i.test(declared)) {
    throw new MessageError(
      'XML_MALFORMED',
      `declared encoding '${declared}': MT2 objects are UTF-8`,
    );
  }
  try {
    SyntaxValidator.validate(text);
  } catch (error) {
    const { line, col } = error as { line?: number; col?: number };
    const where = line === undefined ? '' : `line ${line}, column ${col ?? 0}`;
    throw new MessageError(
      'XML_MALFORMED',
      error instanceof Error ? error.message : String(error),
      where,
    );
  }
  let ordered: unknown;
  try {
    ordered = parser.parse(text);
  } catch (error) {
    throw new MessageError('XML_MALFORMED', error instanceof Error ? error.message : String(error));
  }
  const roots = (Array.isArray(ordered) ? (ordered as unknown[]) : [])
    .map((node) => (isRecord(node) ? fromOrdered(node) : undefined))
    .filter((node): node is XmlElement => node !== undefined && typeof node !== 'string');
  const [root] = roots;
  if (root === undefined || roots.length !== 1) {
    throw new MessageError('XML_MALFORMED', 'document must have exactly one root element');
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
