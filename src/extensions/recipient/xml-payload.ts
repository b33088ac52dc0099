// Reading and writing recipient-extension payloads: the one root element every
// payload has (its namespace, version and approval mark) and small typed readers that
// turn a schema fault into EXTENSION_PAYLOAD_INVALID with the path of the fault.
import type { XmlElement, XmlNode } from '../../message/index.ts';
import { ExtensionError } from './errors.ts';

/**
 * Largest payload, in characters of text and attribute values together (256 Ki). The
 * headers object around it has its own byte limit; this one keeps a single extension
 * from taking all of it.
 */
export const MAX_PAYLOAD_CHARS = 256 * 1024;

/** Who approved an answer, as written in its `approval` attribute. */
export type ApprovalMark = 'person' | 'default';

/** A payload's root element with the attributes every payload shares taken off. */
export interface PayloadRoot {
  readonly element: XmlElement;
  /** Present on answers: whether a person or a default approved sending it. */
  readonly approval?: ApprovalMark;
}

const SHARED_ATTRIBUTES = new Set(['xmlns', 'version', 'approval']);

function payloadChars(nodes: readonly XmlNode[]): number {
  let total = 0;
  for (const node of nodes) {
    if (typeof node === 'string') total += node.length;
    else {
      for (const value of Object.values(node.attributes)) total += value.length;
      total += payloadChars(node.children);
    }
  }
  return total;
}

/**
 * Finds the payload's single root element and checks the shared attributes: `xmlns`
 * must be `namespace`, `version` must be `version` (a decimal integer), `approval`
 * if present must be an {@link ApprovalMark}. Whitespace around the root is allowed.
 */
export function readPayloadRoot(
  content: readonly XmlNode[],
  namespace: string,
  version: number,
): PayloadRoot {
  const chars = payloadChars(content);
  if (chars > MAX_PAYLOAD_CHARS) {
    throw new ExtensionError(
      'EXTENSION_PAYLOAD_TOO_LARGE',
      `payload of ${chars} characters exceeds ${MAX_PAYLOAD_CHARS}`,
    );
  }
  const elements = content.filter((node): node is XmlElement => typeof node !== 'string');
  const strayText = content.some((node) => typeof node === 'string' && node.trim() !== '');
  const [root] = elements;
  if (root === undefined || elements.length !== 1 || strayText) {
    throw new ExtensionError(
      'EXTENSION_PAYLOAD_INVALID',
      'payload must be exactly one element',
      '/',
    );
  }
  const path = `/${root.name}`;
  if (root.attributes['xmlns'] !== namespace) {
    throw new ExtensionError(
      'EXTENSION_PAYLOAD_INVALID',
      `namespace must be '${namespace}'`,
      `${path}/@xmlns`,
    );
  }
  const written = root.attributes['version'];
  if (written === undefined || !/^[0-9]{1,9}$/.test(written)) {
    throw new ExtensionError(
      'EXTENSION_PAYLOAD_INVALID',
      'version must be a number',
      `${path}/@version`,
    );
  }
  if (Number(written) !== version) {
    throw new ExtensionError(
      'EXTENSION_VERSION_UNSUPPORTED',
      `version ${written} is not supported (this client speaks ${version})`,
      `${path}/@version`,
    );
  }
  const approval = root.attributes['approval'];
  if (approval !== undefined && approval !== 'person' && approval !== 'default') {
    throw new ExtensionError(
      'EXTENSION_PAYLOAD_INVALID',
      "approval must be 'person' or 'default'",
      `${path}/@approval`,
    );
  }
  const attributes = Object.fromEntries(
    Object.entries(root.attributes).filter(([key]) => !SHARED_ATTRIBUTES.has(key)),
  );
  return {
    element: { ...root, attributes },
    ...(approval === undefined ? {} : { approval }),
  };
}

/** The payload content for `element`, with the shared attributes put in front. */
export function writePayloadRoot(
  element: XmlElement,
  namespace: string,
  version: number,
  approval?: ApprovalMark,
): XmlNode[] {
  return [
    {
      name: element.name,
      attributes: {
        xmlns: namespace,
        version: String(version),
        ...(approval === undefined ? {} : { approval }),
        ...element.attributes,
      },
      children: element.children,
    },
  ];
}

/** Builds an element; attributes whose value is undefined are left out. */
export function xmlElement(
  name: string,
  attributes: Readonly<Record<string, string | undefined>> = {},
  children: readonly XmlNode[] = [],
): XmlElement {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) kept[key] = value;
  return { name, attributes: kept, children };
}

function invalid(message: string, path: string): ExtensionError {
  return new ExtensionError('EXTENSION_PAYLOAD_INVALID', message, path);
}

/** Options of the attribute and text readers. */
export interface ValueRule {
  /** Longest accepted value, in characters (default 1024). */
  readonly maxChars?: number;
  /** A pattern the whole value must match. */
  readonly pattern?: RegExp;
}

const DEFAULT_MAX_VALUE_CHARS = 1024;

function checkValue(value: string, rule: ValueRule, path: string): string {
  const maxChars = rule.maxChars ?? DEFAULT_MAX_VALUE_CHARS;
  if (value.length > maxChars) throw invalid(`longer than ${maxChars} characters`, path);
  if (rule.pattern !== undefined && !rule.pattern.test(value)) {
    throw invalid(`'${value.slice(0, 64)}' is not of the form ${String(rule.pattern)}`, path);
  }
  return value;
}

/** The attribute `name` of `element` (at `path`), which must be present and obey `rule`. */
export function requiredAttribute(
  element: XmlElement,
  name: string,
  path: string,
  rule: ValueRule = {},
): string {
  const value = element.attributes[name];
  if (value === undefined) throw invalid(`attribute '${name}' is required`, `${path}/@${name}`);
  return checkValue(value, rule, `${path}/@${name}`);
}

/** The attribute `name` if present (then it must obey `rule`), else undefined. */
export function optionalAttribute(
  element: XmlElement,
  name: string,
  path: string,
  rule: ValueRule = {},
): string | undefined {
  const value = element.attributes[name];
  return value === undefined ? undefined : checkValue(value, rule, `${path}/@${name}`);
}

/** A required attribute holding a decimal integer in `[min, max]`. */
export function integerAttribute(
  element: XmlElement,
  name: string,
  path: string,
  min: number,
  max: number,
): number {
  const text = requiredAttribute(element, name, path, { pattern: /^(0|[1-9][0-9]{0,8})$/ });
  const value = Number(text);
  if (value < min || value > max) {
    throw invalid(`must be between ${min} and ${max}`, `${path}/@${name}`);
  }
  return value;
}

/** A required attribute whose value is one of `values`. */
export function enumAttribute<T extends string>(
  element: XmlElement,
  name: string,
  path: string,
  values: readonly T[],
): T {
  const value = requiredAttribute(element, name, path);
  const found = values.find((candidate) => candidate === value);
  if (found === undefined) {
    throw invalid(`must be one of ${values.join(', ')}`, `${path}/@${name}`);
  }
  return found;
}

/** The child elements of `element`, refusing any whose name is not in `allowed`. */
export function childElements(
  element: XmlElement,
  path: string,
  allowed: readonly string[],
): XmlElement[] {
  const children = element.children.filter(
    (child): child is XmlElement => typeof child !== 'string',
  );
  for (const child of children) {
    if (!allowed.includes(child.name)) {
      throw invalid(`unexpected element '${child.name}'`, `${path}/${child.name}`);
    }
  }
  return children;
}

/** The one child element called `name`, or undefined when there is none; two are refused. */
export function optionalChild(
  element: XmlElement,
  name: string,
  path: string,
): XmlElement | undefined {
  const matches = element.children.filter(
    (child): child is XmlElement => typeof child !== 'string' && child.name === name,
  );
  if (matches.length > 1)
    throw invalid(`element '${name}' occurs more than once`, `${path}/${name}`);
  return matches[0];
}

/** The one child element called `name`, which must be present. */
export function requiredChild(element: XmlElement, name: string, path: string): XmlElement {
  const child = optionalChild(element, name, path);
  if (child === undefined) throw invalid(`element '${name}' is required`, `${path}/${name}`);
  return child;
}

/** The text content of `element` (which must hold no elements), obeying `rule`. */
export function textContent(element: XmlElement, path: string, rule: ValueRule = {}): string {
  let text = '';
  for (const child of element.children) {
    if (typeof child !== 'string')
      throw invalid('text expected, found an element', `${path}/${child.name}`);
    text += child;
  }
  return checkValue(text, rule, path);
}

/** Refuses an element that has any child element (empty elements and whitespace pass). */
export function expectEmpty(element: XmlElement, path: string): void {
  childElements(element, path, []);
}
