import { Mt2Error } from '../errors.ts';
import { resultClass, statusAgreesWithClass } from '../result-codes.ts';
import type {
  Mt2ExtensionResult,
  Mt2Frame,
  Mt2Line,
  Mt2Option,
  Mt2Param,
  Mt2Response,
} from './frames.ts';
import {
  isAtom,
  isExtName,
  isExtText,
  isExtValue,
  isResultCode,
  isTagValue,
  isText,
  isVerb,
} from './grammar.internal.ts';

const utf8 = new TextEncoder();
const CRLF = '\r\n';

function invalid(detail: string): never {
  throw new Mt2Error('INVALID_FRAME', detail);
}

function checkTag(tag: number): string {
  if (!isTagValue(tag)) invalid(`bad tag ${tag}`);
  return String(tag);
}

function formatParam(param: Mt2Param): string {
  if (param.kind === 'number') {
    if (!isTagValue(param.value)) invalid(`bad {n} value ${param.value}`);
    return `{${param.value}}`;
  }
  if (!isAtom(param.value)) invalid(`bad atom '${param.value}'`);
  return param.value;
}

function formatOption(group: Mt2Option): string {
  if (!isExtName(group.name)) invalid(`bad extension name '${group.name}'`);
  if (group.values.length === 0) return `(${group.name})`;
  if (!group.values.every(isExtValue)) invalid(`bad value in extension ${group.name}`);
  return `(${group.name}=${group.values.join(';')})`;
}

function checkCode(status: Mt2ExtensionResult['status'], code: string): void {
  if (!isResultCode(code)) invalid(`bad result code '${code}'`);
  if (!statusAgreesWithClass(status, resultClass(code))) {
    invalid(`${status} cannot carry ${code}`);
  }
}

function formatResult(group: Mt2ExtensionResult): string {
  if (!isExtName(group.name)) invalid(`bad extension name '${group.name}'`);
  checkCode(group.status, group.code);
  if (!isExtText(group.text)) invalid(`bad text in extension ${group.name}`);
  const text = group.text === '' ? '' : ` ${group.text}`;
  return `(${group.name} ${group.status} ${group.code}${text})`;
}

/**
 * Formats a request or response line without its CRLF (docs/protocol.md section 2).
 * @throws Mt2Error INVALID_FRAME when a field cannot be written (the grammar would
 *   read it back differently), so a bad frame never reaches the wire.
 */
export function formatLine(frame: Mt2Line): string {
  const parts: string[] = [];
  if (frame.kind === 'request') {
    if (!isVerb(frame.verb)) invalid(`bad verb '${frame.verb}'`);
    const params = frame.params.map(formatParam);
    if (frame.joined) {
      const first = params.shift();
      if (first === undefined) invalid('joined form needs a parameter');
      parts.push(checkTag(frame.tag), `${frame.verb}=${first}`);
    } else {
      parts.push(checkTag(frame.tag), frame.verb);
    }
    parts.push(...params, ...frame.options.map(formatOption));
  } else {
    checkCode(frame.status, frame.code);
    parts.push(frame.tag === '*' ? '*' : checkTag(frame.tag), frame.status, frame.code);
    for (const group of frame.groups) {
      parts.push(group.kind === 'option' ? formatOption(group) : formatResult(group));
    }
    if (frame.text !== '') {
      if (!isText(frame.text)) invalid('bad text');
      parts.push(frame.text);
    }
  }
  return `[${parts.join(' ')}]`;
}

/** A line as octets, CRLF included. */
export function encodeLine(frame: Mt2Line): Uint8Array {
  return utf8.encode(formatLine(frame) + CRLF);
}

/**
 * A response line, CRLF included, whose groups come already written as line text
 * (`(NAME=v;v) (NAME=v)`), for a caller that writes thousands and has checked each
 * against the grammar itself (a LIST page of mailbox entries); the rest of the line is
 * checked as by {@link encodeLine}.
 */
export function encodeResponseWithGroupText(frame: Mt2Response, groupText: string): Uint8Array {
  const head = formatLine({ ...frame, groups: [], text: '' });
  // `[tag STATUS code]`: the groups go before the closing bracket.
  return utf8.encode(`${head.slice(0, -1)} ${groupText}]${CRLF}`);
}

/**
 * A data chunk: `{tag n}` CRLF and the n octets, in one buffer.
 * @throws Mt2Error INVALID_FRAME for an empty chunk or a bad tag.
 */
export function encodeChunk(tag: number, data: Uint8Array): Uint8Array {
  if (data.length === 0) invalid('a data chunk carries at least one octet');
  const header = utf8.encode(`{${checkTag(tag)} ${data.length}}${CRLF}`);
  const out = new Uint8Array(header.length + data.length);
  out.set(header, 0);
  out.set(data, header.length);
  return out;
}

/** Any frame the decoder yields, as octets (for tests and benchmarks). */
export function encodeFrame(frame: Exclude<Mt2Frame, { kind: 'invalid' }>): Uint8Array {
  return frame.kind === 'chunk' ? encodeChunk(frame.tag, frame.data) : encodeLine(frame);
}

/**
 * A frame for logs: lines as on the wire, chunk data never (certificate data and
 * message contents stay out of logs), only its size.
 */
export function describeFrame(frame: Mt2Frame): string {
  switch (frame.kind) {
    case 'chunk':
      return `{${frame.tag} ${frame.data.length}} <${frame.data.length} octets>`;
    case 'invalid':
      return `<invalid ${frame.code}${frame.fatal ? ' fatal' : ''}: ${frame.detail}>`;
    default:
      return formatLine(frame);
  }
}
